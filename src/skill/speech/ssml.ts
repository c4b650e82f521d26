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

function escapeEntities(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
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
  const texts = paragraphs
    .map((paragraph) => stripInvalidCharacters(verbalize(paragraph)).replace(/\s+/g, " ").trim())
    .filter((text) => text !== "");
  // The everyday answer fits: escape each paragraph once and skip the fitting machinery. The test is
  // the one fitParagraphs applies (every paragraph pays its <p></p>), so the output is identical.
  if (options.maxJsonBytes === undefined) {
    const escaped = texts.map(escapeEntities);
    const limit = (options.maxLength ?? MAX_SSML_LENGTH) - SPEAK_OVERHEAD;
    let used = 0;
    for (const text of escaped) used += PARAGRAPH_OVERHEAD + text.length;
    if (used <= limit) return wrap(escaped);
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
