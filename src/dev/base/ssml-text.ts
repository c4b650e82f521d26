/**
 * Renders Alexa SSML as the plain text a person would hear, for `bun run invoke`. It is a reader
 * for our own output (and anything shaped like it), not a validating SSML parser.
 */

// Paragraph boundaries survive whitespace collapsing as this character, which SSML text cannot hold.
const PARAGRAPH = "\u0000";

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/** Decodes the XML entities SSML may carry (`&amp;`, `&#39;`, `&#x2019;`); unknown ones stay as written. */
export function decodeXmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith("#x") || body.startsWith("#X")) {
      return codePointOrWhole(Number.parseInt(body.slice(2), 16), whole);
    }
    if (body.startsWith("#")) {
      return codePointOrWhole(Number.parseInt(body.slice(1), 10), whole);
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}

function codePointOrWhole(codePoint: number, whole: string): string {
  return Number.isInteger(codePoint) && codePoint >= 0 && codePoint <= 0x10ffff
    ? String.fromCodePoint(codePoint)
    : whole;
}

/**
 * What Alexa says for an SSML document, one paragraph per line: `<sub alias>` speaks its alias,
 * `<audio>` becomes "[audio]", every other tag is dropped and whitespace is collapsed.
 * @example renderSsmlAsText("<speak><p>Good service on the D.L.R.</p></speak>") // "Good service on the D.L.R."
 */
export function renderSsmlAsText(ssml: string): string {
  const spoken = ssml
    .replace(/\s+/g, " ")
    .replace(
      /<sub\b[^>]*\balias\s*=\s*(["'])(.*?)\1[^>]*>[\s\S]*?<\/sub\s*>/gi,
      (_whole, _quote, alias: string) => alias,
    )
    .replace(/<audio\b[^>]*\/?>(?:[\s\S]*?<\/audio\s*>)?/gi, " [audio] ")
    .replace(/<\/?(?:p|speak)\b[^>]*>/gi, PARAGRAPH)
    .replace(/<\/?s\b[^>]*>/gi, " ")
    .replace(/<break\b[^>]*\/?>/gi, " ")
    .replace(/<[^>]*>/g, "");
  return spoken
    .split(PARAGRAPH)
    .map((paragraph) => decodeXmlEntities(paragraph.replace(/\s+/g, " ").trim()))
    .filter((paragraph) => paragraph.length > 0)
    .join("\n");
}
