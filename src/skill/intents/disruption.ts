/**
 * DisruptionIntent: "is there any disruption today?". One TfL call for every mode the skill
 * covers; each distinct description is spoken, then a sentence saying the rest are fine.
 */
import { DISRUPTION_MODES } from "../lines.ts";
import type { SkillDeps, SkillInvocation, TflDisruption } from "../ports.ts";
import { speak, type AlexaResponse } from "../response.ts";
import { strings } from "../speech/strings.ts";
import { compareIgnoringCase, uniqueIgnoringCase } from "./order.ts";
import { budgetFor, type IntentInput } from "./types.ts";

/** Speaks the current disruptions, or that there are none; the card lists them without the closing line. */
export async function handleDisruption(
  _input: IntentInput,
  deps: SkillDeps,
  invocation: SkillInvocation,
): Promise<AlexaResponse> {
  const disruptions = await deps.tfl.getModeDisruptions(DISRUPTION_MODES, budgetFor(invocation));
  const descriptions = distinctDescriptions(disruptions);
  if (descriptions.length === 0) {
    return speak([strings.noDisruption])
      .withCard(strings.disruptionCardTitle, [strings.noDisruption])
      .endSession()
      .build();
  }
  return speak([...descriptions, strings.otherLinesGoodService])
    .withCard(strings.disruptionCardTitle, descriptions)
    .endSession()
    .build();
}

/**
 * Trimmed, non-empty descriptions, de-duplicated and sorted ignoring case. TfL repeats one
 * description per affected route section and pads some with spaces.
 */
function distinctDescriptions(disruptions: readonly TflDisruption[]): string[] {
  const texts = disruptions.map((disruption) => disruption.description.trim()).filter((text) => text !== "");
  return uniqueIgnoringCase(texts).sort(compareIgnoringCase);
}
