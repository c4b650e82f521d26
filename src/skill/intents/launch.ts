/** LaunchRequest: welcome the user and keep the session open for their question. */
import type { SkillInvocation } from "../ports.ts";
import { speak, type AlexaResponse } from "../response.ts";
import type { LaunchRequest, Session } from "../schemas.ts";
import { strings } from "../speech/strings.ts";

/** Answers "Alexa, open London Travel" with the welcome and a reprompt. */
export function handleLaunch(
  _request: LaunchRequest,
  session: Session | undefined,
  invocation: SkillInvocation,
): AlexaResponse {
  invocation.log.debug("skill.launch", {
    userId: session?.user?.userId ?? null,
    sessionId: session?.sessionId ?? null,
  });
  return speak([strings.launch]).withReprompt([strings.launchReprompt]).keepSessionOpen().build();
}
