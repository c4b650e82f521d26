/**
 * Alexa request factories for the skill tests: each starts from one full, realistic event in
 * test/fixtures/alexa and overrides one thing, so a test states only what it is about.
 */
import intentCommute from "../fixtures/alexa/intent-commute.json" with { type: "json" };
import intentStatus from "../fixtures/alexa/intent-status.json" with { type: "json" };
import launch from "../fixtures/alexa/launch.json" with { type: "json" };

/** The skill id every fixture carries in both `context` and `session`. */
export const FIXTURE_SKILL_ID = "amzn1.ask.skill.7c2d5e90-3f4b-4a61-9d0e-1b8a2c6f4e13";

/** The account-linking token in intent-commute.json. */
export const FIXTURE_ACCESS_TOKEN = "Atza|IwEBITESTLINKEDTOKENxQ9v2Lk7";

/** A JSON object we can poke at freely. */
export type JsonObject = Record<string, any>;

/** A deep copy, so no test ever changes a fixture another test reads. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** The full base event: an IntentRequest for StatusIntent with context, session and resolutions. */
export function baseEvent(): JsonObject {
  return clone(intentStatus) as JsonObject;
}

/** A LaunchRequest with context and a new session. */
export function createLaunchEvent(): JsonObject {
  return clone(launch) as JsonObject;
}

/** The base event with its `request` replaced. */
export function createEvent(request: JsonObject): JsonObject {
  const event = baseEvent();
  event["request"] = request;
  return event;
}

/** An IntentRequest for `name` with the given slots (omitted: no `slots` key at all). */
export function createIntentEvent(name: string, slots?: JsonObject | null): JsonObject {
  const event = baseEvent();
  const intent: JsonObject = { name, confirmationStatus: "NONE" };
  if (slots !== undefined) intent["slots"] = slots;
  event["request"]["intent"] = intent;
  return event;
}

/** A LINE slot as Alexa sends it for a value that entity resolution did not match. */
export function rawLineSlot(value: string | null | undefined): JsonObject {
  const slot: JsonObject = { name: "LINE", confirmationStatus: "NONE", source: "USER" };
  if (value !== undefined) slot["value"] = value;
  return slot;
}

/** A LINE slot as Alexa sends it when entity resolution matched `canonical` for the spoken `value`. */
export function resolvedLineSlot(value: string, canonical: string): JsonObject {
  return {
    ...rawLineSlot(value),
    resolutions: {
      resolutionsPerAuthority: [
        {
          authority: `amzn1.er-authority.echo-sdk.${FIXTURE_SKILL_ID}.LINE_NAME`,
          status: { code: "ER_SUCCESS_MATCH" },
          values: [{ value: { name: canonical, id: "4f0c2a9b7e6d5c4b3a291807f6e5d4c3" } }],
        },
      ],
    },
  };
}

/** A LINE slot whose resolution reports no match (Alexa still passes the raw value). */
export function unmatchedLineSlot(value: string): JsonObject {
  return {
    ...rawLineSlot(value),
    resolutions: {
      resolutionsPerAuthority: [
        {
          authority: `amzn1.er-authority.echo-sdk.${FIXTURE_SKILL_ID}.LINE_NAME`,
          status: { code: "ER_SUCCESS_NO_MATCH" },
        },
      ],
    },
  };
}

/** StatusIntent with the given LINE slot (undefined: the intent has no slots at all). */
export function createStatusEvent(slot: JsonObject | undefined): JsonObject {
  return createIntentEvent("StatusIntent", slot === undefined ? undefined : { LINE: slot });
}

/**
 * CommuteIntent from a linked account. `{ accessToken }` overrides the token (null: Alexa's "not
 * linked"); `{ accessToken: undefined }` removes the key.
 */
export function createCommuteEvent(options: { accessToken?: string | null | undefined } = {}): JsonObject {
  const event = clone(intentCommute) as JsonObject;
  if (!("accessToken" in options)) return event;
  if (options.accessToken === undefined) {
    delete event["session"]["user"]["accessToken"];
  } else {
    event["session"]["user"]["accessToken"] = options.accessToken;
  }
  return event;
}

/** The event with `context` and `session` naming the given skill ids (undefined removes the id). */
export function withApplicationIds(
  event: JsonObject,
  ids: { context?: string | undefined; session?: string | undefined },
): JsonObject {
  const copy = clone(event);
  setApplicationId(copy["context"]?.["System"], ids.context);
  setApplicationId(copy["session"], ids.session);
  return copy;
}

function setApplicationId(holder: JsonObject | undefined, id: string | undefined): void {
  if (holder === undefined || holder === null) return;
  if (id === undefined) {
    delete holder["application"];
  } else {
    holder["application"] = { applicationId: id };
  }
}

/** The event without the top-level key `key` (e.g. "session", "context"). */
export function without(event: JsonObject, key: string): JsonObject {
  const copy = clone(event);
  delete copy[key];
  return copy;
}

/** The same object with its keys, at every depth, in reverse order. */
export function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as JsonObject).reverse();
  return Object.fromEntries(entries.map(([key, inner]) => [key, reverseKeys(inner)])) as T;
}

const ALLOWED_SSML_TAGS = new Set(["speak", "p"]);

/**
 * Throws unless `ssml` is one well-formed `<speak>` document using only the tags the skill
 * writes, with every `&` starting a predefined entity and no stray `<` or `>` in text.
 */
export function assertWellFormedSsml(ssml: string): void {
  if (!ssml.startsWith("<speak>") || !ssml.endsWith("</speak>")) {
    throw new Error(`SSML is not wrapped in <speak>: ${ssml}`);
  }
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z:-]+)>|&(?:amp|lt|gt|quot|apos);|[^<>&]+|[<>&]/gy;
  let match: RegExpExecArray | null;
  let position = 0;
  while ((match = token.exec(ssml)) !== null) {
    position = token.lastIndex;
    const [text, closing, tag] = match;
    if (tag !== undefined) {
      if (!ALLOWED_SSML_TAGS.has(tag)) throw new Error(`unexpected SSML tag <${closing}${tag}> in ${ssml}`);
      if (closing === "/") {
        if (stack.pop() !== tag) throw new Error(`unbalanced </${tag}> in ${ssml}`);
        if (stack.length === 0 && position !== ssml.length) throw new Error(`text after </speak> in ${ssml}`);
      } else {
        stack.push(tag);
      }
    } else if (text === "<" || text === ">" || text === "&") {
      throw new Error(`unescaped ${JSON.stringify(text)} at ${position - 1} in ${ssml}`);
    }
  }
  if (position !== ssml.length) throw new Error(`unreadable SSML at ${position} in ${ssml}`);
  if (stack.length !== 0) throw new Error(`unclosed <${stack.join("><")}> in ${ssml}`);
}

/** Undoes the five XML entities, to compare spoken text with what TfL sent. */
export function unescapeXml(text: string): string {
  return text
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'")
    .replaceAll("&amp;", "&");
}

/** The parts of a response the tests look at, with `undefined` for anything missing. */
export interface ResponseParts {
  readonly ssml: string | undefined;
  readonly repromptSsml: string | undefined;
  readonly card: { type: string; title?: string; text?: string } | undefined;
  readonly shouldEndSession: boolean | undefined;
}

/** Pulls speech, reprompt, card and shouldEndSession out of an Alexa response. */
export function partsOf(response: { response: Record<string, any> }): ResponseParts {
  const body = response.response;
  return {
    ssml: body["outputSpeech"]?.["ssml"],
    repromptSsml: body["reprompt"]?.["outputSpeech"]?.["ssml"],
    card: body["card"],
    shouldEndSession: body["shouldEndSession"],
  };
}

/** The `<p>` paragraphs of an SSML document, or the whole body when there is one paragraph. */
export function paragraphsOf(ssml: string): string[] {
  const body = ssml.replace(/^<speak>/, "").replace(/<\/speak>$/, "");
  if (!body.startsWith("<p>")) return [body];
  return body.slice(3, -4).split("</p><p>");
}
