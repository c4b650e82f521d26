import { fitParagraphs, jsonBytes } from "./speech/fit.ts";
import { MAX_SSML_LENGTH, stripInvalidCharacters, toSsml } from "./speech/ssml.ts";

/** SSML output speech, the only kind the skill sends. */
export type SsmlOutputSpeech = { type: "SSML"; ssml: string };
/** A card in the Alexa app: plain text, or the prompt to link an account. */
export type Card = { type: "Standard"; title: string; text: string } | { type: "LinkAccount" };

/** The Alexa response envelope; members appear in the order outputSpeech, card, reprompt, shouldEndSession. */
export type AlexaResponse = {
  version: "1.0";
  response: {
    outputSpeech?: SsmlOutputSpeech;
    card?: Card;
    reprompt?: { outputSpeech: SsmlOutputSpeech };
    shouldEndSession?: boolean;
  };
};

/** Immutable: every method returns a new builder. */
export interface ResponseBuilder {
  /** A Standard card; paragraphs are plain text (not verbalized, not escaped) joined with "\n". */
  withCard(title: string, paragraphs: readonly string[]): ResponseBuilder;
  withLinkAccountCard(): ResponseBuilder;
  /** Said again if the user stays silent; only useful together with keepSessionOpen(). */
  withReprompt(paragraphs: readonly string[]): ResponseBuilder;
  /** The default: the session ends after this answer. */
  endSession(): ResponseBuilder;
  keepSessionOpen(): ResponseBuilder;
  /** The response, with speech and card under 8,000 characters and the JSON under 24,000 bytes. */
  build(): AlexaResponse;
}

/** Alexa's card limit: title and text together under 8,000 characters. */
const MAX_CARD_LENGTH = 7_999;
/** Alexa's response limit is 24 KB; 24,000 bytes keeps clear of it whichever KB is meant. */
export const ALEXA_RESPONSE_BUDGET_BYTES = 24_000;
const MAX_TITLE_LENGTH = 200;
/** JSON bytes of the fullest response with every string empty: keys, quotes and punctuation. */
export const RESPONSE_FRAME_BYTES = 256;
/** Most bytes one UTF-16 unit of a string can take in JSON: a `\u001f` or lone-surrogate escape. */
const MAX_JSON_BYTES_PER_UNIT = 6;

type CardDraft =
  | { readonly kind: "standard"; readonly title: string; readonly paragraphs: readonly string[] }
  | { readonly kind: "link" };

interface Draft {
  readonly speech: readonly string[];
  readonly card: CardDraft | undefined;
  readonly reprompt: readonly string[] | undefined;
  readonly endSession: boolean;
}

/** Byte budgets for each part, lowered one at a time when the whole response is too big. */
interface Budgets {
  readonly speech?: number;
  readonly reprompt?: number;
  readonly card?: number;
}

/** Card text is plain text: controls other than newlines go, and line breaks become "\n". */
function cleanCardText(text: string): string {
  return stripInvalidCharacters(text.replace(/\r\n?/g, "\n").replace(/\t/g, " "))
    .replace(/[ \u00A0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .trim();
}

function cleanTitle(title: string): string {
  const clean = stripInvalidCharacters(title).replace(/\s+/g, " ").trim();
  return Array.from(clean).slice(0, MAX_TITLE_LENGTH).join("");
}

function buildCard(card: CardDraft, byteBudget: number | undefined): Card {
  if (card.kind === "link") {
    return { type: "LinkAccount" };
  }
  const title = cleanTitle(card.title);
  const paragraphs = card.paragraphs.map(cleanCardText).filter((text) => text !== "");
  const allowances = [
    { cost: (text: string) => text.length, limit: MAX_CARD_LENGTH - title.length + 1, perParagraph: 1 },
  ];
  if (byteBudget !== undefined) {
    allowances.push({ cost: jsonBytes, limit: byteBudget + 2, perParagraph: 2 });
  }
  // The first paragraph needs no "\n" before it, hence the +1 / +2 above.
  return { type: "Standard", title, text: fitParagraphs(paragraphs, allowances).join("\n") };
}

function assemble(draft: Draft, budgets: Budgets): AlexaResponse {
  const response: AlexaResponse["response"] = {
    outputSpeech: {
      type: "SSML",
      ssml: toSsml(draft.speech, { maxLength: MAX_SSML_LENGTH, maxJsonBytes: budgets.speech }),
    },
  };
  if (draft.card !== undefined) {
    response.card = buildCard(draft.card, budgets.card);
  }
  if (draft.reprompt !== undefined) {
    response.reprompt = {
      outputSpeech: {
        type: "SSML",
        ssml: toSsml(draft.reprompt, { maxLength: MAX_SSML_LENGTH, maxJsonBytes: budgets.reprompt }),
      },
    };
  }
  response.shouldEndSession = draft.endSession;
  return { version: "1.0", response };
}

function responseBytes(response: AlexaResponse): number {
  return Buffer.byteLength(JSON.stringify(response), "utf8");
}

/** True when even the worst-case JSON escaping of every string leaves the response under the limit. */
function surelyFits(response: AlexaResponse): boolean {
  const { card, reprompt, outputSpeech } = response.response;
  let units = (outputSpeech?.ssml.length ?? 0) + (reprompt?.outputSpeech.ssml.length ?? 0);
  if (card?.type === "Standard") units += card.title.length + card.text.length;
  return RESPONSE_FRAME_BYTES + MAX_JSON_BYTES_PER_UNIT * units <= ALEXA_RESPONSE_BUDGET_BYTES;
}

/** Bytes the shrinkable text of one part takes in the JSON, or undefined when there is none. */
function partBytes(response: AlexaResponse, part: keyof Budgets): number | undefined {
  const { card, reprompt, outputSpeech } = response.response;
  switch (part) {
    case "card":
      return card?.type === "Standard" ? jsonBytes(card.text) : undefined;
    case "reprompt":
      return reprompt === undefined ? undefined : jsonBytes(reprompt.outputSpeech.ssml);
    case "speech":
      return outputSpeech === undefined ? undefined : jsonBytes(outputSpeech.ssml);
  }
}

/** Builds the response, shrinking the card, then the reprompt, then the speech while it is too big. */
function buildWithinLimits(draft: Draft): AlexaResponse {
  let budgets: Budgets = {};
  let response = assemble(draft, budgets);
  for (const part of ["card", "reprompt", "speech"] as const) {
    // Serialising every response just to measure it would be a JSON copy per invocation.
    const excess = surelyFits(response) ? 0 : responseBytes(response) - ALEXA_RESPONSE_BUDGET_BYTES;
    if (excess <= 0) {
      return response;
    }
    const current = partBytes(response, part);
    if (current === undefined) {
      continue;
    }
    budgets = { ...budgets, [part]: Math.max(0, current - excess) };
    response = assemble(draft, budgets);
  }
  return response;
}

const LINK_ACCOUNT_CARD: CardDraft = Object.freeze({ kind: "link" });

/** Methods live on the prototype, so a response costs one small object per step, not six closures. */
class Builder implements ResponseBuilder {
  readonly #draft: Draft;

  constructor(draft: Draft) {
    this.#draft = draft;
    Object.freeze(this);
  }

  withCard(title: string, paragraphs: readonly string[]): ResponseBuilder {
    return new Builder({ ...this.#draft, card: { kind: "standard", title, paragraphs: [...paragraphs] } });
  }

  withLinkAccountCard(): ResponseBuilder {
    return new Builder({ ...this.#draft, card: LINK_ACCOUNT_CARD });
  }

  withReprompt(paragraphs: readonly string[]): ResponseBuilder {
    return new Builder({ ...this.#draft, reprompt: [...paragraphs] });
  }

  endSession(): ResponseBuilder {
    return new Builder({ ...this.#draft, endSession: true });
  }

  keepSessionOpen(): ResponseBuilder {
    return new Builder({ ...this.#draft, endSession: false });
  }

  build(): AlexaResponse {
    return buildWithinLimits(this.#draft);
  }
}

/** Starts a spoken response; each paragraph is verbalized and escaped when built. The session ends unless kept open. */
export function speak(paragraphs: readonly string[]): ResponseBuilder {
  return new Builder({ speech: [...paragraphs], card: undefined, reprompt: undefined, endSession: true });
}

/** The reply to requests Alexa wants no speech for (SessionEndedRequest, System.ExceptionEncountered, unknown types). */
export function emptyResponse(): AlexaResponse {
  return { version: "1.0", response: {} };
}

/** Cancel and Stop: end the session without a word (README, Decisions D10). */
export function endSessionSilently(): AlexaResponse {
  return { version: "1.0", response: { shouldEndSession: true } };
}
