/**
 * One Alexa request in, one Alexa response out: parse the envelope, check the skill id, route
 * by request type and intent name, and turn any failure inside an intent into the apology.
 */
import * as v from "valibot";
import { InvalidRequestError, SkillIdMismatchError } from "./errors.ts";
import {
  findIntentHandler,
  handleExceptionEncountered,
  handleLaunch,
  handleSessionEnded,
  handleUnknownRequest,
} from "./intents/index.ts";
import type { SkillDeps, SkillInvocation } from "./ports.ts";
import { speak, type AlexaResponse } from "./response.ts";
import {
  isKnownRequestType,
  requestEnvelopeSchema,
  requestTypeProbeSchema,
  unknownEnvelopeSchema,
  type RequestEnvelope,
  type UnknownRequestEnvelope,
} from "./schemas.ts";
import { strings } from "./speech/strings.ts";

/** A parsed event: one the skill answers, or one of a request type it only acknowledges. */
export type ParsedEvent =
  | { readonly kind: "known"; readonly envelope: RequestEnvelope }
  | { readonly kind: "unknown"; readonly envelope: UnknownRequestEnvelope };

/**
 * Answers one Alexa request. Throws `InvalidRequestError` for an event that is not a readable
 * Alexa request and `SkillIdMismatchError` for another skill's request; every other failure is
 * logged as "skill.intent.failed" and answered with the spoken apology.
 * @example const response = await handleAlexaRequest(event, { log, deadline: Date.now() + 7000 }, deps);
 */
export async function handleAlexaRequest(
  event: unknown,
  invocation: SkillInvocation,
  deps: SkillDeps,
): Promise<AlexaResponse> {
  const parsed = parseAlexaEvent(event);
  verifySkillId(parsed.envelope, deps);
  if (parsed.kind === "unknown") {
    return handleUnknownRequest(parsed.envelope, invocation);
  }

  const { request } = parsed.envelope;
  const session = parsed.envelope.session ?? undefined;
  const name = request.type === "IntentRequest" ? request.intent.name : request.type;
  invocation.log.info("skill.request", { type: request.type, intent: request.type === "IntentRequest" ? name : null });
  try {
    switch (request.type) {
      case "LaunchRequest":
        return handleLaunch(request, session, invocation);
      case "IntentRequest":
        return await findIntentHandler(request.intent.name)({ intent: request.intent, session }, deps, invocation);
      case "SessionEndedRequest":
        return handleSessionEnded(request, session, invocation);
      case "System.ExceptionEncountered":
        return handleExceptionEncountered(request, session, invocation);
    }
  } catch (error) {
    invocation.log.error("skill.intent.failed", { intent: name, error });
    return apology();
  }
}

/**
 * Reads the event: first only `request.type` (so unknown types are never forced through the
 * strict variant), then the full envelope for that type. Throws `InvalidRequestError`.
 */
export function parseAlexaEvent(event: unknown): ParsedEvent {
  const probe = v.safeParse(requestTypeProbeSchema(), event);
  if (!probe.success) throw new InvalidRequestError(probe.issues);
  const { type } = probe.output.request;
  if (isKnownRequestType(type)) {
    const result = v.safeParse(requestEnvelopeSchema(type), event);
    if (!result.success) throw new InvalidRequestError(result.issues);
    return { kind: "known", envelope: result.output };
  }
  const result = v.safeParse(unknownEnvelopeSchema(), event);
  if (!result.success) throw new InvalidRequestError(result.issues);
  return { kind: "unknown", envelope: result.output };
}

/**
 * The skill id a request carries: `context.System.application.applicationId`, falling back to
 * `session.application.applicationId` (README, Decisions D11).
 */
function skillIdOf(envelope: RequestEnvelope | UnknownRequestEnvelope): string | undefined {
  return (
    envelope.context?.System?.application?.applicationId ?? envelope.session?.application?.applicationId ?? undefined
  );
}

/** Throws `SkillIdMismatchError` when verification is on and the id is missing or different. */
export function verifySkillId(envelope: RequestEnvelope | UnknownRequestEnvelope, deps: SkillDeps): void {
  if (!deps.verifySkillId) return;
  const received = skillIdOf(envelope);
  if (deps.skillId === undefined || deps.skillId === "" || received !== deps.skillId) {
    throw new SkillIdMismatchError(deps.skillId, received);
  }
}

/** The spoken apology for any failure inside the skill; the session ends. */
export function apology(): AlexaResponse {
  return speak([strings.apology]).endSession().build();
}
