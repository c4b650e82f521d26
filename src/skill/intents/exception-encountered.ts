/**
 * System.ExceptionEncountered: Alexa could not use an earlier response. It usually has no
 * session and accepts no speech, so log the details and answer with an empty response.
 */
import type { SkillInvocation } from "../ports.ts";
import { emptyResponse, type AlexaResponse } from "../response.ts";
import type { ExceptionEncounteredRequest, Session } from "../schemas.ts";

/** Logs the error type, message and the request id that caused it; returns `{"response":{}}`. */
export function handleExceptionEncountered(
  request: ExceptionEncounteredRequest,
  session: Session | undefined,
  invocation: SkillInvocation,
): AlexaResponse {
  invocation.log.error("skill.exceptionEncountered", {
    type: request.error?.type ?? null,
    message: request.error?.message ?? null,
    causeRequestId: request.cause?.requestId ?? null,
    sessionId: session?.sessionId ?? null,
  });
  return emptyResponse();
}
