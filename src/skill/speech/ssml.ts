import { fitParagraphs, jsonBytes, type Allowance } from "./fit.ts";
import { verbalize } from "./verbalize.ts";

/** Alexa rejects output speech of 8,000 characters or more. */
export const MAX_SSML_LENGTH = 7_999;

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Characters XML 1.0 forbids (C0 controls other than tab/newline/return, U+FFFE/F, lone surrogates). */
const INVALID_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Exact pre-check for INVALID_XML: false only when the text holds no character the pattern could
 * remove (any surrogate sends the text to the pattern, which tells paired from lone). Everyday text
 * never reaches the pattern, so a cold start does not compile it for the first answer.
 */
function mayHoldInvalidXml(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (
      code < 0x20
        ? code !== 0x09 && code !== 0x0a && code !== 0x0d
        : code >= 0xd800 && (code <= 0xdfff || code >= 0xfffe)
    ) {
      return true;
    }
  }
  return false;
}

/** Removes characters no XML document (and no card) may carry. */
export function stripInvalidCharacters(text: string): string {
  return mayHoldInvalidXml(text) ? text.replace(INVALID_XML, "") : text;
}

/** Escapes text for an SSML text node: & < > " ' become entities; forbidden characters are dropped. */
export function escapeXml(text: string): string {
  return escapeEntities(stripInvalidCharacters(text));
}

/**
 * The five entities, by scan. This and {@link collapseWhitespace} keep the launch answer free of any
 * regular-expression replace: the first one in a process parses JavaScriptCore's built-in replace
 * machinery, 0.6 ms of a cold start (instrumented build; README, Decisions D28).
 */
function escapeEntities(text: string): string {
  let escaped = "";
  let copied = 0;
  for (let index = 0; index < text.length; index += 1) {
    if (!takesEntity(text.charCodeAt(index))) continue;
    escaped += text.slice(copied, index) + ENTITIES[text.charAt(index)];
    copied = index + 1;
  }
  return copied === 0 ? text : escaped + text.slice(copied);
}

/**
 * `"` `&` `'` `<` `>`, the keys of ENTITIES, by code: every answer's text passes here, and comparing codes
 * keeps the scan as fast as the pattern was (0.26 µs for a 240-character paragraph; a lookup of each
 * character in ENTITIES took 0.8 µs).
 */
function takesEntity(code: number): boolean {
  return code <= 62 && (code === 34 || code === 38 || code === 39 || code === 60 || code === 62);
}

/**
 * `text.replace(/\s+/g, " ").trim()`, by scan: every run of white space (`\s`, the set `trim` removes
 * too) becomes one space, none at either end. Text already in that form is returned as it is.
 */
export function collapseWhitespace(text: string): string {
  if (isCollapsed(text)) return text;
  let collapsed = "";
  let wordStart = -1;
  for (let index = 0; index <= text.length; index += 1) {
    const atSpace = index === text.length || isWhiteSpace(text.charCodeAt(index));
    if (!atSpace) {
      if (wordStart === -1) wordStart = index;
      continue;
    }
    if (wordStart === -1) continue;
    collapsed += (collapsed === "" ? "" : " ") + text.slice(wordStart, index);
    wordStart = -1;
  }
  return collapsed;
}

/** True when the text has single spaces between words and no other white space: the everyday case. */
function isCollapsed(text: string): boolean {
  let afterSpace = true;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x20) {
      if (afterSpace) return false;
      afterSpace = true;
    } else if (isWhiteSpace(code)) {
      return false;
    } else {
      afterSpace = false;
    }
  }
  return text.length === 0 || !afterSpace;
}

/** What `\s` matches: ECMAScript WhiteSpace and LineTerminator code points. */
function isWhiteSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Limits for {@link toSsml}; the response builder passes a byte budget when the whole reply is too big. */
export interface SsmlOptions {
  /** Longest SSML string allowed, in characters (default {@link MAX_SSML_LENGTH}). */
  readonly maxLength?: number | undefined;
  /** Most bytes the SSML string may take inside the JSON response (no limit by default). */
  readonly maxJsonBytes?: number | undefined;
}

const SPEAK_OVERHEAD = "<speak></speak>".length;
const PARAGRAPH_OVERHEAD = "<p></p>".length;

/**
 * Builds the SSML for spoken paragraphs, the only place SSML is made: each paragraph is verbalized,
 * escaped and, when there are several, wrapped in <p>. Over-long speech loses whole paragraphs and
 * sentences from the end so it stays under Alexa's limit.
 */
export function toSsml(paragraphs: readonly string[], options: SsmlOptions = {}): string {
  // Loops, not `map` and `filter`: the first call of a built-in array method parses it, and the welcome
  // would be the first (0.1-0.3 ms each in a compiled probe program; README, Decisions D28).
  const texts: string[] = [];
  for (const paragraph of paragraphs) {
    const text = collapseWhitespace(stripInvalidCharacters(verbalize(paragraph)));
    if (text !== "") texts.push(text);
  }
  // The everyday answer fits: escape each paragraph once and skip the fitting machinery. The test is
  // the one fitParagraphs applies (every paragraph pays its <p></p>), so the output is identical.
  if (options.maxJsonBytes === undefined) {
    const escaped: string[] = [];
    let used = 0;
    for (const text of texts) {
      const entities = escapeEntities(text);
      escaped.push(entities);
      used += PARAGRAPH_OVERHEAD + entities.length;
    }
    if (used <= (options.maxLength ?? MAX_SSML_LENGTH) - SPEAK_OVERHEAD) return wrap(escaped);
  }
  const allowances: Allowance[] = [
    {
      cost: (text) => escapeXml(text).length,
      limit: (options.maxLength ?? MAX_SSML_LENGTH) - SPEAK_OVERHEAD,
      perParagraph: PARAGRAPH_OVERHEAD,
    },
  ];
  if (options.maxJsonBytes !== undefined) {
    allowances.push({
      cost: (text) => jsonBytes(escapeXml(text)),
      limit: options.maxJsonBytes - SPEAK_OVERHEAD,
      perParagraph: PARAGRAPH_OVERHEAD,
    });
  }
  return wrap(fitParagraphs(texts, allowances).map(escapeXml));
}

function wrap(escaped: readonly string[]): string {
  if (escaped.length === 1) return `<speak>${escaped[0]}</speak>`;
  return `<speak>${escaped.map((text) => `<p>${text}</p>`).join("")}</speak>`;
}
