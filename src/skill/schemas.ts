/**
 * valibot schemas for the Alexa request envelope. They list only the fields the skill reads;
 * `v.object` drops every other key, so new Alexa fields never break parsing. Built once here.
 */
import * as v from "valibot";

/** The four request types the skill answers; anything else is routed before the strict parse. */
const KNOWN_REQUEST_TYPES = [
  "LaunchRequest",
  "IntentRequest",
  "SessionEndedRequest",
  "System.ExceptionEncountered",
] as const;

/** One of {@link KNOWN_REQUEST_TYPES}. */
export type KnownRequestType = (typeof KNOWN_REQUEST_TYPES)[number];

/** `application.applicationId`, as found in both `session` and `context.System`. */
const ApplicationSchema = v.object({
  applicationId: v.optional(v.string()),
});

/** The user as Alexa describes them; `accessToken` is null or absent when the account is not linked. */
const UserSchema = v.object({
  userId: v.nullish(v.string()),
  accessToken: v.nullish(v.string()),
});

/** `session`: absent for out-of-session requests such as System.ExceptionEncountered. */
const SessionSchema = v.object({
  sessionId: v.nullish(v.string()),
  application: v.nullish(ApplicationSchema),
  user: v.nullish(UserSchema),
});

/** The part of `session` the intents read. */
export type Session = v.InferOutput<typeof SessionSchema>;

/** `context`: absent or null in test consoles; we only read the skill id. */
const ContextSchema = v.object({
  System: v.nullish(
    v.object({
      application: v.nullish(ApplicationSchema),
    }),
  ),
});

/** ISO-8601 string in production, epoch milliseconds from Amazon's simulator (README, Decisions D26). */
export const TimestampSchema = v.union([v.string(), v.number()]);

const RequestBaseEntries = {
  requestId: v.nullish(v.string()),
  timestamp: v.optional(TimestampSchema),
  locale: v.nullish(v.string()),
};

/** A slot: `value` is missing when Alexa heard nothing; `resolutions` is read by `resolveLine`. */
const SlotSchema = v.object({
  name: v.nullish(v.string()),
  value: v.nullish(v.string()),
  resolutions: v.optional(v.unknown()),
});

/** `request.intent`: `slots` may be missing or `{}`. */
const IntentSchema = v.object({
  name: v.string(),
  slots: v.nullish(v.record(v.string(), SlotSchema)),
});

/** An intent with its slots. */
export type Intent = v.InferOutput<typeof IntentSchema>;

/** The user opened the skill without asking anything. */
const LaunchRequestSchema = v.object({
  type: v.literal("LaunchRequest"),
  ...RequestBaseEntries,
});

/** The user asked something the interaction model mapped to an intent. */
const IntentRequestSchema = v.object({
  type: v.literal("IntentRequest"),
  ...RequestBaseEntries,
  intent: IntentSchema,
});

/** An error as Alexa reports it; `type` is a string, not an enum, so new values never fail. */
const AlexaErrorSchema = v.object({
  type: v.nullish(v.string()),
  message: v.nullish(v.string()),
});

/** The session closed (user, error or too many reprompts); Alexa accepts no speech in reply. */
const SessionEndedRequestSchema = v.object({
  type: v.literal("SessionEndedRequest"),
  ...RequestBaseEntries,
  reason: v.nullish(v.string()),
  error: v.nullish(AlexaErrorSchema),
});

/** Alexa could not use one of our earlier responses; Alexa accepts no speech in reply. */
const ExceptionEncounteredRequestSchema = v.object({
  type: v.literal("System.ExceptionEncountered"),
  ...RequestBaseEntries,
  error: v.nullish(AlexaErrorSchema),
  cause: v.nullish(v.object({ requestId: v.nullish(v.string()) })),
});

/** `request`, discriminated on `type` wherever it appears in the object. */
const RequestSchema = v.variant("type", [
  LaunchRequestSchema,
  IntentRequestSchema,
  SessionEndedRequestSchema,
  ExceptionEncounteredRequestSchema,
]);

/** `LaunchRequest`. */
export type LaunchRequest = v.InferOutput<typeof LaunchRequestSchema>;
/** `IntentRequest`. */
export type IntentRequest = v.InferOutput<typeof IntentRequestSchema>;
/** `SessionEndedRequest`. */
export type SessionEndedRequest = v.InferOutput<typeof SessionEndedRequestSchema>;
/** `System.ExceptionEncountered`. */
export type ExceptionEncounteredRequest = v.InferOutput<typeof ExceptionEncounteredRequestSchema>;

const EnvelopeEntries = {
  version: v.nullish(v.string()),
  session: v.nullish(SessionSchema),
  context: v.nullish(ContextSchema),
};

/** The whole event for a known request type. */
export const RequestEnvelopeSchema = v.object({
  ...EnvelopeEntries,
  request: RequestSchema,
});

/** A parsed event for a known request type. */
export type RequestEnvelope = v.InferOutput<typeof RequestEnvelopeSchema>;

/**
 * The loose first look: only `request.type` must be a string. Unknown types are answered from
 * this shape, because a catch-all option inside the variant would accept malformed known types
 * (README, Decisions D26).
 */
export const RequestTypeProbeSchema = v.object({
  request: v.object({ type: v.string() }),
});

/** The whole event for a request type the skill does not handle (CanFulfillIntentRequest, …). */
export const UnknownRequestEnvelopeSchema = v.object({
  ...EnvelopeEntries,
  request: v.object({
    type: v.string(),
    requestId: v.nullish(v.string()),
  }),
});

/** A parsed event for a request type the skill does not handle. */
export type UnknownRequestEnvelope = v.InferOutput<typeof UnknownRequestEnvelopeSchema>;

/** True for the four request types the strict schema handles. */
export function isKnownRequestType(type: string): type is KnownRequestType {
  return (KNOWN_REQUEST_TYPES as readonly string[]).includes(type);
}
