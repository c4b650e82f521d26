import { onFirstUse } from "../on-first-use.ts";

/**
 * Web and mail addresses are read out as they are written, so no rule below may touch them
 * ("tfl.gov.uk" must not become "T.F.L..gov.uk", as it does in the peer).
 */
const ADDRESS =
  /\b(?:https?:\/\/|www\.)[^\s<>"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:uk|com|org|net|gov|london)\b(?:\/[^\s<>"]*)?/gi;

/**
 * Saints found in London station and street names: "St" before them is "Saint", never "Street". Joined
 * into the pattern when it is first compiled, not here: this would be the process's first `join`, paid
 * by every cold start at import (README, Decisions D28).
 */
const SAINTS = [
  "Agnes",
  "Alban",
  "Albans",
  "Andrew",
  "Anne?",
  "Austell",
  "Barnabas",
  "Bartholomew",
  "Botolph",
  "Bride",
  "Budeaux",
  "Catherine",
  "Chad",
  "Clement",
  "Columb",
  "Denys",
  "Dunstan",
  "Edmund",
  "Erth",
  "Gabriel",
  "George",
  "German",
  "Giles",
  "Helen",
  "Helier",
  "Ives",
  "James",
  "John",
  "Katharine",
  "Katherine",
  "Keyne",
  "Lawrence",
  "Leonard",
  "Luke",
  "Magnus",
  "Margaret",
  "Mark",
  "Martin",
  "Mary",
  "Marylebone",
  "Matthew",
  "Michael",
  "Mildred",
  "Neots",
  "Nicholas",
  "Olave",
  "Pancras",
  "Paul",
  "Peter",
  "Quintin",
  "Saviour",
  "Stephen",
  "Swithin",
  "Thomas",
];

type Rule = readonly [
  /** A function when the pattern is compiled on first use (`onFirstUse`). */
  pattern: RegExp | (() => RegExp),
  replacement: string | ((match: string, ...groups: string[]) => string),
  /**
   * Exact pre-check: false only when the pattern cannot match `text`, so the regular expression is
   * neither compiled nor run for text it would leave alone. The case-insensitive patterns have no
   * `u` flag, so only ASCII letters match them and a lower-cased `includes` is exact.
   */
  mayMatch: (text: string) => boolean,
];

const DIRECTIONS: Readonly<Record<string, string>> = {
  e: "eastbound",
  n: "northbound",
  s: "southbound",
  w: "westbound",
};

/** Applied in order to the text between addresses (README, Decisions D6). */
const RULES: readonly Rule[] = [
  [/D\.L\.R\.\.(?!\.)/g, "D.L.R.", (text) => text.includes("D.L.R..")],
  // "e/b", "N/B"... only as whole tokens.
  [
    /(?<![\w/])([ensw])\/b(?![\w/])/gi,
    (_match, letter) => DIRECTIONS[(letter ?? "").toLowerCase()] ?? _match,
    (text) => text.toLowerCase().includes("/b"),
  ],
  // Saints stay saints: "St Pancras", "St. John's Wood", "St James's Park".
  [
    // Compiled when a text first needs it: building this pattern (some fifty alternatives) at import was
    // the costliest line of the module on a cold start, and the launch answer never contains "St".
    onFirstUse(() => new RegExp(String.raw`\bSt\.?(?=\s+(?:${SAINTS.join("|")})(?:['’]s|s|['’])?(?![A-Za-z]))`, "g")),
    "Saint",
    (text) => text.includes("St"),
  ],
  // Any other "St" after a word is a street: "High St Kensington", "Liverpool St.". The abbreviation's
  // full stop goes ("between Liverpool St. and Chingford" is one sentence) unless it also ends the
  // sentence: at the end of the text, or before a capital that starts the next sentence. A few
  // capitalised words carry a place name on ("Liverpool St. Station", "High St. Kensington").
  [
    /(?<=\S\s+)St\.(?=\s*$|\s+(?!(?:Station|Kensington|Bus|Underground)\b)[A-Z])/g,
    "Street.",
    (text) => text.includes("St."),
  ],
  [/(?<=\S\s+)St\.?(?=\s|[,.;:!?)/]|$)/g, "Street", (text) => text.includes("St")],
  [/\bSWT\b/g, "South West Trains", (text) => text.includes("SWT")],
  [/\bSWR\b/g, "South Western Railway", (text) => text.includes("SWR")],
  [/\bTfL\b(?:\.(?![\w.]))?/gi, "T.F.L.", (text) => text.toLowerCase().includes("tfl")],
  [/\s+&\s+/g, " and ", (text) => text.includes("&")],
  // The town, not "reading a book"; also before punctuation.
  [/(?<![\w'’-])Reading(?=$|[\s,.;:!?)"'’])/g, "Redding", (text) => text.includes("Reading")],
];

function applyRules(text: string): string {
  let result = text.includes("DLR") ? spellOutDlr(text) : text;
  for (const [rule, replacement, mayMatch] of RULES) {
    if (!mayMatch(result)) {
      continue;
    }
    const pattern = typeof rule === "function" ? rule() : rule;
    result =
      typeof replacement === "string"
        ? result.replace(pattern, replacement)
        : result.replace(pattern, (match: string, ...rest: unknown[]) =>
            replacement(match, ...rest.filter((item): item is string => typeof item === "string")),
          );
  }
  return result;
}

/** `[A-Za-z0-9_]`: what `\w` matches in a pattern without the `u` flag. */
function isWordCharacter(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

const FULL_STOP = 46;

/**
 * The first rule, as a scan rather than the pattern `\bDLR\b(?:\.(?![\w.]))?` → "D.L.R.": the DLR is
 * spelt out, and a full stop straight after it is absorbed unless a word character or another full
 * stop follows, so "the DLR." never says "D.L.R..". The welcome names the DLR, and a regular-expression
 * replace there was the costliest step of the first answer (0.7 ms of a cold start, instrumented build;
 * README, Decisions D28); the same words cost nothing measurable as a scan.
 */
function spellOutDlr(text: string): string {
  let spelt = "";
  let copied = 0;
  for (let at = text.indexOf("DLR"); at !== -1; at = text.indexOf("DLR", at + 3)) {
    const end = at + 3;
    if (at > 0 && isWordCharacter(text.charCodeAt(at - 1))) continue;
    if (end < text.length && isWordCharacter(text.charCodeAt(end))) continue;
    const after = text.charCodeAt(end + 1);
    const absorbsStop =
      text.charCodeAt(end) === FULL_STOP &&
      (end + 1 >= text.length || !(isWordCharacter(after) || after === FULL_STOP));
    spelt += `${text.slice(copied, at)}D.L.R.`;
    copied = absorbsStop ? end + 1 : end;
  }
  return spelt + text.slice(copied);
}

/** Substrings every address contains at least one of, in lower case (see ADDRESS). */
const ADDRESS_MARKS: readonly string[] = ["://", "www.", "@", ".uk", ".com", ".org", ".net", ".gov", ".london"];

/** Exact pre-check for ADDRESS: false only when the text cannot contain an address. */
function mayHoldAddress(text: string): boolean {
  const lower = text.toLowerCase();
  // A loop, not `some`: the first call of a built-in array method parses it, a cost on the first answer.
  for (const mark of ADDRESS_MARKS) if (lower.includes(mark)) return true;
  return false;
}

/**
 * Rewrites text so Alexa pronounces it well: "DLR" -> "D.L.R.", "e/b" -> "eastbound", "St" -> "Saint"
 * or "Street", "TfL" -> "T.F.L.", " & " -> " and ", "Reading" -> "Redding". Addresses are left alone.
 */
export function verbalize(text: string): string {
  if (!mayHoldAddress(text)) {
    return applyRules(text);
  }
  let result = "";
  let last = 0;
  for (const match of text.matchAll(ADDRESS)) {
    result += applyRules(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return result + applyRules(text.slice(last));
}
