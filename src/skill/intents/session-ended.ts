/** SessionEndedRequest: Alexa accepts no speech here, so log why and answer with an empty response. */
import type { SkillInvocation } from "../ports.ts";
import { emptyResponse, type AlexaResponse } from "../response.ts";
import type { Session, SessionEndedRequest } from "../schemas.ts";

/** Logs the reason (a warning when Alexa reports an error) and returns `{"response":{}}`. */
export function handleSessionEnded(
  request: SessionEndedRequest,
  session: Session | undefined,
  invocation: SkillInvocation,
): AlexaResponse {
  const fields = {
    reason: request.reason ?? null,
    error: request.error ? { type: request.error.type ?? null, message: request.error.message ?? null } : null,
    sessionId: session?.sessionId ?? null,
  };
  if (request.reason === "ERROR" || request.error) {
    invocation.log.warn("skill.sessionEnded", fields);
  } else {
    invocation.log.debug("skill.sessionEnded", fields);
  }
  return emptyResponse();
}
