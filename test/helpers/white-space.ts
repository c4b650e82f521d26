/**
 * What `\s` and `String.prototype.trim` treat as white space (ECMAScript WhiteSpace and
 * LineTerminator; the U+2000–U+200A range by its ends), and look-alikes that are not.
 */
export const WHITE_SPACE: readonly string[] = [
  "\t",
  "\n",
  "\v",
  "\f",
  "\r",
  "\u00a0",
  "\u1680",
  "\u2000",
  "\u200a",
  "\u2028",
  "\u2029",
  "\u202f",
  "\u205f",
  "\u3000",
  "\ufeff",
];

/** Mongolian vowel separator (white space before Unicode 6.3), zero-width space, next line. */
export const NOT_WHITE_SPACE: readonly string[] = ["\u180e", "\u200b", "\u0085"];
