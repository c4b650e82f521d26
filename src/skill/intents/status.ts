/**
 * StatusIntent: "how is the Victoria line?". Resolves the LINE slot against the catalogue, makes
 * one TfL call and speaks the line's status; "the Overground" gets all six Overground lines.
 */
import { MissingLineStatusError } from "../errors.ts";
import { OVERGROUND_MODE, resolveLine, type Line } from "../lines.ts";
import type { SkillDeps, SkillInvocation } from "../ports.ts";
import { speak, type AlexaResponse } from "../response.ts";
import { strings } from "../speech/strings.ts";
import { describeLineStatus } from "../status-text.ts";
import { describeLines } from "./line-paragraphs.ts";
import { budgetFor, type IntentInput } from "./types.ts";

/** The slot the interaction model fills with the spoken line name. */
export const LINE_SLOT = "LINE";

/** Answers with one line's status, every Overground line's status, or asks again. */
export async function handleStatus(
  input: IntentInput,
  deps: SkillDeps,
  invocation: SkillInvocation,
): Promise<AlexaResponse> {
  const slot = input.intent.slots?.[LINE_SLOT] ?? undefined;
  const query = resolveLine(slot);
  if (query === undefined) {
    invocation.log.info("skill.status.unknownLine", { value: slot?.value ?? null });
    return speak([strings.unknownLine]).withReprompt([strings.unknownLineReprompt]).keepSessionOpen().build();
  }
  if (query.kind === "overground") {
    return answerOverground(deps, invocation);
  }
  return answerLine(query.line, deps, invocation);
}

async function answerLine(line: Line, deps: SkillDeps, invocation: SkillInvocation): Promise<AlexaResponse> {
  const statuses = await deps.tfl.getLineStatuses([line.id], budgetFor(invocation));
  // Only the line asked about may answer: speaking another line's status would be a wrong answer.
  const status = statuses.find((candidate) => candidate.id === line.id);
  if (status === undefined) throw new MissingLineStatusError(line.id);
  const text = describeLineStatus(status);
  return speak([text]).withCard(line.cardTitle, [text]).endSession().build();
}

async function answerOverground(deps: SkillDeps, invocation: SkillInvocation): Promise<AlexaResponse> {
  const lines = await deps.tfl.getModeStatuses([OVERGROUND_MODE], budgetFor(invocation));
  if (lines.length === 0) throw new MissingLineStatusError(`mode ${OVERGROUND_MODE}`);
  const paragraphs = describeLines(lines, { allGoodService: strings.overgroundAllGoodService });
  return speak(paragraphs).withCard(strings.overgroundCardTitle, paragraphs).endSession().build();
}
