/** Any intent we do not handle, including AMAZON.FallbackIntent and AMAZON.NavigateHomeIntent. */
import type { SkillDeps, SkillInvocation } from "../ports.ts";
import { speak, type AlexaResponse } from "../response.ts";
import { strings } from "../speech/strings.ts";
import type { IntentInput } from "./types.ts";

/** Says the skill cannot help with that and ends the session. */
export function handleUnknownIntent(input: IntentInput, _deps: SkillDeps, invocation: SkillInvocation): AlexaResponse {
  invocation.log.warn("skill.intent.unknown", {
    intent: input.intent.name,
    sessionId: input.session?.sessionId ?? null,
  });
  return speak([strings.unknownIntent]).endSession().build();
}
