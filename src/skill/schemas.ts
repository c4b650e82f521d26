/**
 * valibot schemas for the Alexa request envelope. They list only the fields the skill reads;
 * `v.object` drops every other key, so new Alexa fields never break parsing.
 *
 * Each request type's envelope is built the first time a request of that type arrives, not at
 * import: a sandbox whose first request is a launch never constructs the intent, session-end or
 * error schemas before answering it (construction at import cost every cold start about 0.8 ms,
 * README, Decisions D28). The builders are plain functions, so the types still come from them.
 */
import * as v from "valibot";
import { onFirstUse } from "./on-first-use.ts";

/** The four request types the skill answers; anything else is routed before the strict parse. */
const KNOWN_REQUEST_TYPES = {
  LaunchRequest: true,
  IntentRequest: true,
  SessionEndedRequest: true,
  "System.ExceptionEncountered": true,
} as const;

/** One of {@link KNOWN_REQUEST_TYPES}. */
export type KnownRequestType = keyof typeof KNOWN_REQUEST_TYPES;

/** `application.applicationId`, as found in both `session` and `context.System`. */
function applicationSchema() {
  return v.object({
    applicationId: v.optional(v.string()),
  });
}

/** `session`: absent for out-of-session requests such as System.ExceptionEncountered. */
function sessionSchema() {
  return v.object({
    sessionId: v.nullish(v.string()),
    application: v.nullish(applicationSchema()),
    // The user as Alexa describes them; `accessToken` is null or absent when the account is not linked.
    user: v.nullish(
      v.object({
        userId: v.nullish(v.string()),
        accessToken: v.nullish(v.string()),
      }),
    ),
  });
}

/** The part of `session` the intents read. */
export type Session = v.InferOutput<ReturnType<typeof sessionSchema>>;

/**
 * ISO-8601 string in production, epoch milliseconds from Amazon's simulator (README, Decisions D26).
 * A custom schema with the checks `v.string()` and `v.number()` make, not their `v.union`: a union joins
 * its options' descriptions when built, through a Set, a spread, `map` and `join`, whose first calls
 * would cost every cold start's first answer about 0.45 ms (README, Decisions D28).
 */
export function timestampSchema() {
  return v.custom<string | number>(
    (value) => typeof value === "string" || (typeof value === "number" && !Number.isNaN(value)),
    "must be a string or a number",
  );
}

/** What every envelope carries besides `request`; `context` is absent or null in test consoles. */
function envelopeEntries() {
  return {
    version: v.nullish(v.string()),
    session: v.nullish(sessionSchema()),
    context: v.nullish(
      v.object({
        System: v.nullish(v.object({ application: v.nullish(applicationSchema()) })),
      }),
    ),
  };
}

function requestBaseEntries() {
  return {
    requestId: v.nullish(v.string()),
    timestamp: v.optional(timestampSchema()),
    locale: v.nullish(v.string()),
  };
}

/** An error as Alexa reports it; `type` is a string, not an enum, so new values never fail. */
function alexaErrorSchema() {
  return v.object({
    type: v.nullish(v.string()),
    message: v.nullish(v.string()),
  });
}

/** The user opened the skill without asking anything. */
function launchEnvelopeSchema() {
  return v.object({
    ...envelopeEntries(),
    request: v.object({ type: v.literal("LaunchRequest"), ...requestBaseEntries() }),
  });
}

/**
 * The user asked something the interaction model mapped to an intent. `slots` may be missing or
 * `{}`; a slot's `value` is missing when Alexa heard nothing, and `resolutions` is read by
 * `resolveLine`.
 */
function intentEnvelopeSchema() {
  return v.object({
    ...envelopeEntries(),
    request: v.object({
      type: v.literal("IntentRequest"),
      ...requestBaseEntries(),
      intent: v.object({
        name: v.string(),
        slots: v.nullish(
          v.record(
            v.string(),
            v.object({
              name: v.nullish(v.string()),
              value: v.nullish(v.string()),
              resolutions: v.optional(v.unknown()),
            }),
          ),
        ),
      }),
    }),
  });
}

/** The session closed (user, error or too many reprompts); Alexa accepts no speech in reply. */
function sessionEndedEnvelopeSchema() {
  return v.object({
    ...envelopeEntries(),
    request: v.object({
      type: v.literal("SessionEndedRequest"),
      ...requestBaseEntries(),
      reason: v.nullish(v.string()),
      error: v.nullish(alexaErrorSchema()),
    }),
  });
}

/** Alexa could not use one of our earlier responses; Alexa accepts no speech in reply. */
function exceptionEncounteredEnvelopeSchema() {
  return v.object({
    ...envelopeEntries(),
    request: v.object({
      type: v.literal("System.ExceptionEncountered"),
      ...requestBaseEntries(),
      error: v.nullish(alexaErrorSchema()),
      cause: v.nullish(v.object({ requestId: v.nullish(v.string()) })),
    }),
  });
}

type LaunchEnvelope = v.InferOutput<ReturnType<typeof launchEnvelopeSchema>>;
type IntentEnvelope = v.InferOutput<ReturnType<typeof intentEnvelopeSchema>>;
type SessionEndedEnvelope = v.InferOutput<ReturnType<typeof sessionEndedEnvelopeSchema>>;
type ExceptionEncounteredEnvelope = v.InferOutput<ReturnType<typeof exceptionEncounteredEnvelopeSchema>>;

/** `LaunchRequest`. */
export type LaunchRequest = LaunchEnvelope["request"];
/** `IntentRequest`. */
export type IntentRequest = IntentEnvelope["request"];
/** An intent with its slots. */
export type Intent = IntentRequest["intent"];
/** `SessionEndedRequest`. */
export type SessionEndedRequest = SessionEndedEnvelope["request"];
/** `System.ExceptionEncountered`. */
export type ExceptionEncounteredRequest = ExceptionEncounteredEnvelope["request"];

/** A parsed event for a known request type, discriminated on `request.type`. */
export type RequestEnvelope = LaunchEnvelope | IntentEnvelope | SessionEndedEnvelope | ExceptionEncounteredEnvelope;

/** A schema whose output is a known request type's envelope. */
export type RequestEnvelopeSchema = v.GenericSchema<unknown, RequestEnvelope>;

const ENVELOPE_SCHEMAS: Readonly<Record<KnownRequestType, () => RequestEnvelopeSchema>> = {
  LaunchRequest: onFirstUse(launchEnvelopeSchema),
  IntentRequest: onFirstUse(intentEnvelopeSchema),
  SessionEndedRequest: onFirstUse(sessionEndedEnvelopeSchema),
  "System.ExceptionEncountered": onFirstUse(exceptionEncounteredEnvelopeSchema),
};

/**
 * The whole event for one known request type, built on the first request of that type and kept.
 * The type comes from the probe, so there is no variant and no catch-all: a malformed known type
 * fails its own schema (README, Decisions D26).
 */
export function requestEnvelopeSchema(type: KnownRequestType): RequestEnvelopeSchema {
  return ENVELOPE_SCHEMAS[type]();
}

/**
 * The loose first look: only `request.type` must be a string. Unknown types are answered from
 * this shape, because a catch-all option among the known types would accept malformed ones
 * (README, Decisions D26). Built on the first request.
 */
export const requestTypeProbeSchema = onFirstUse(() => v.object({ request: v.object({ type: v.string() }) }));

function unknownRequestEnvelopeSchema() {
  return v.object({
    ...envelopeEntries(),
    request: v.object({
      type: v.string(),
      requestId: v.nullish(v.string()),
    }),
  });
}

/** A parsed event for a request type the skill does not handle. */
export type UnknownRequestEnvelope = v.InferOutput<ReturnType<typeof unknownRequestEnvelopeSchema>>;

/** The whole event for a request type the skill does not handle (CanFulfillIntentRequest, …), built on the first one. */
export const unknownEnvelopeSchema = onFirstUse(unknownRequestEnvelopeSchema);

/**
 * True for the four request types the strict schemas handle. A key lookup, not `includes`: every request
 * asks, and the first answer would be the process's first `Array.prototype.includes` (README, D28). Exact
 * all the same: what the object inherits ("toString", "__proto__", …) is never `true`.
 */
export function isKnownRequestType(type: string): type is KnownRequestType {
  return KNOWN_REQUEST_TYPES[type as KnownRequestType] === true;
}
