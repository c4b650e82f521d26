/**
 * Request types the skill does not handle (CanFulfillIntentRequest, Connections.Response, …):
 * log them and answer with an empty response rather than a Lambda error (README, Decisions D10).
 */
import type { SkillInvocation } from "../ports.ts";
import { emptyResponse, type AlexaResponse } from "../response.ts";
import type { UnknownRequestEnvelope } from "../schemas.ts";

/** Logs the request type and returns `{"response":{}}`. */
export function handleUnknownRequest(envelope: UnknownRequestEnvelope, invocation: SkillInvocation): AlexaResponse {
  invocation.log.info("skill.request.unknownType", {
    type: envelope.request.type,
    sessionId: envelope.session?.sessionId ?? null,
  });
  return emptyResponse();
}
