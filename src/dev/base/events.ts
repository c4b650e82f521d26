/**
 * Alexa request builders for local runs: the envelope Alexa sends a custom skill (session, context,
 * request), with our own ids and values. One builder per request kind the skill answers.
 */
import { LINES, OVERGROUND_SLOT } from "../../skill/index.ts";

/** The skill id local events carry; `bun run invoke` gives the binary the same `SKILL_ID`. */
export const LOCAL_SKILL_ID = "amzn1.ask.skill.5c0e7a2d-31f4-4b8e-9d62-7f1a0b3c8e45";

/** The short names `--intent` accepts. */
export const EVENT_KINDS = [
  "launch",
  "status",
  "disruption",
  "commute",
  "help",
  "stop",
  "cancel",
  "unknown",
  "end",
] as const;

/** One of {@link EVENT_KINDS}. */
export type EventKind = (typeof EVENT_KINDS)[number];

/** True when `value` is one of {@link EVENT_KINDS}. */
export function isEventKind(value: string): value is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(value);
}

/** What varies between events; every field has a realistic default. */
export interface EventOptions {
  readonly skillId?: string | undefined;
  /** The LINE slot as Alexa heard it (status only). */
  readonly line?: string | undefined;
  /** The account-linking token (commute); absent means the account is not linked. */
  readonly accessToken?: string | undefined;
  readonly locale?: string | undefined;
  readonly now?: Date | undefined;
  /** Random ids by default; tests pass a fixed one. */
  readonly newId?: (() => string) | undefined;
  /** SessionEndedRequest.reason. */
  readonly reason?: string | undefined;
}

/** An Alexa request envelope; loose on purpose, the skill validates it. */
export type AlexaEvent = Record<string, unknown> & { readonly request: Record<string, unknown> };

const INTENT_NAMES: Readonly<Record<Exclude<EventKind, "launch" | "end">, string>> = {
  status: "StatusIntent",
  disruption: "DisruptionIntent",
  commute: "CommuteIntent",
  help: "AMAZON.HelpIntent",
  stop: "AMAZON.StopIntent",
  cancel: "AMAZON.CancelIntent",
  unknown: "AMAZON.FallbackIntent",
};

// Values of the LINE_NAME slot type, from the catalogue the model is generated from; Alexa resolves
// these (and their synonyms) with ER_SUCCESS_MATCH.
const MODEL_LINE_VALUES: ReadonlySet<string> = new Set([
  ...LINES.map((line) => line.slotValue),
  OVERGROUND_SLOT.slotValue,
]);

/** The request type or intent name a kind stands for ("LaunchRequest", "AMAZON.HelpIntent"). */
export function requestNameOf(kind: EventKind): string {
  switch (kind) {
    case "launch":
      return "LaunchRequest";
    case "end":
      return "SessionEndedRequest";
    default:
      return INTENT_NAMES[kind];
  }
}

/** Builds the event for a kind, e.g. `buildEvent("status", { line: "victoria" })`. */
export function buildEvent(kind: EventKind, options: EventOptions = {}): AlexaEvent {
  switch (kind) {
    case "launch":
      return envelope({ type: "LaunchRequest" }, options);
    case "end":
      return envelope({ type: "SessionEndedRequest", reason: options.reason ?? "USER_INITIATED" }, options);
    case "status":
      return envelope(
        { type: "IntentRequest", dialogState: "COMPLETED", intent: intent(INTENT_NAMES.status, lineSlot(options)) },
        options,
      );
    default:
      return envelope({ type: "IntentRequest", intent: intent(INTENT_NAMES[kind], {}) }, options);
  }
}

function intent(name: string, slots: Record<string, unknown>): Record<string, unknown> {
  return { name, confirmationStatus: "NONE", slots };
}

function lineSlot(options: EventOptions): Record<string, unknown> {
  const skillId = options.skillId ?? LOCAL_SKILL_ID;
  if (options.line === undefined) {
    return { LINE: { name: "LINE", confirmationStatus: "NONE" } };
  }
  const heard = options.line;
  const canonical = heard.trim().toLowerCase();
  const matched = MODEL_LINE_VALUES.has(canonical);
  return {
    LINE: {
      name: "LINE",
      value: heard,
      confirmationStatus: "NONE",
      source: "USER",
      slotValue: { type: "Simple", value: heard },
      resolutions: {
        resolutionsPerAuthority: [
          {
            authority: `amzn1.er-authority.echo-sdk.${skillId}.LINE_NAME`,
            status: { code: matched ? "ER_SUCCESS_MATCH" : "ER_SUCCESS_NO_MATCH" },
            ...(matched ? { values: [{ value: { name: canonical, id: idFromName(canonical) } }] } : {}),
          },
        ],
      },
    },
  };
}

// Alexa gives each slot value an opaque id; a stable hex digest of the name looks the part.
function idFromName(name: string): string {
  return new Bun.CryptoHasher("md5").update(name).digest("hex");
}

function envelope(request: Record<string, unknown>, options: EventOptions): AlexaEvent {
  const newId = options.newId ?? ((): string => crypto.randomUUID());
  const skillId = options.skillId ?? LOCAL_SKILL_ID;
  const userId = `amzn1.ask.account.LOCAL${newId().replaceAll("-", "").toUpperCase()}`;
  const user = options.accessToken === undefined ? { userId } : { userId, accessToken: options.accessToken };
  const application = { applicationId: skillId };
  return {
    version: "1.0",
    session: {
      new: request["type"] !== "SessionEndedRequest",
      sessionId: `amzn1.echo-api.session.${newId()}`,
      application,
      attributes: {},
      user,
    },
    context: {
      System: {
        application,
        user,
        device: {
          deviceId: `amzn1.ask.device.LOCAL${newId().replaceAll("-", "").toUpperCase()}`,
          supportedInterfaces: {},
        },
        apiEndpoint: "https://api.eu.amazonalexa.com",
        apiAccessToken: "local-alexa-api-access-token",
      },
    },
    request: {
      ...request,
      requestId: `amzn1.echo-api.request.${newId()}`,
      timestamp: (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z"),
      locale: options.locale ?? "en-GB",
    },
  };
}
