/**
 * CommuteIntent: the status of the user's favourite lines, read from the London Travel website
 * through account linking. Favourite ids are checked against the catalogue before any TfL call.
 */
import { MissingLineStatusError } from "../errors.ts";
import { findLine, type Line } from "../lines.ts";
import type { SkillDeps, SkillInvocation } from "../ports.ts";
import { speak, type AlexaResponse } from "../response.ts";
import { strings } from "../speech/strings.ts";
import { describeLines } from "./line-paragraphs.ts";
import { budgetFor, type IntentInput } from "./types.ts";

/** Asks the user to link (or re-link) their account, to pick favourites, or speaks each favourite line. */
export async function handleCommute(
  input: IntentInput,
  deps: SkillDeps,
  invocation: SkillInvocation,
): Promise<AlexaResponse> {
  const { log } = invocation;
  const user = input.session?.user;
  const accessToken = user?.accessToken?.trim() ?? "";
  if (accessToken === "") {
    log.info("skill.commute.notLinked", {});
    return speak([strings.commuteNotLinked]).withLinkAccountCard().endSession().build();
  }

  const budget = budgetFor(invocation);
  const preferences = await deps.preferences.getPreferences(accessToken, budget);
  if (preferences.kind === "unauthorized") {
    log.warn("skill.commute.unauthorized", { sessionId: input.session?.sessionId ?? null });
    return speak([strings.commuteRelink]).withLinkAccountCard().endSession().build();
  }

  const { known, unknown } = partitionFavourites(preferences.favoriteLines);
  if (unknown.length > 0) {
    log.warn("skill.commute.unknownLines", { ids: unknown });
  }
  if (known.length === 0) {
    log.info("skill.commute.noFavourites", { dropped: unknown.length });
    return speak([strings.commuteNoFavourites])
      .withCard(strings.commuteCardTitle, [strings.commuteNoFavourites])
      .endSession()
      .build();
  }

  const lines = await deps.tfl.getLineStatuses(
    known.map((line) => line.id),
    budget,
  );
  if (lines.length === 0) throw new MissingLineStatusError(`favourite lines ${known.map((line) => line.id).join(",")}`);
  const paragraphs = describeLines(lines);
  return speak(paragraphs).withCard(strings.commuteCardTitle, paragraphs).endSession().build();
}

/**
 * Splits favourite ids into catalogue lines (each once, in the user's order) and unknown ids,
 * which are only ever logged: they must never reach a TfL URL (README, Decisions D8).
 */
function partitionFavourites(ids: readonly string[]): { known: Line[]; unknown: string[] } {
  const known: Line[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const line = typeof id === "string" ? findLine(id) : undefined;
    if (line === undefined) {
      unknown.push(String(id).slice(0, 64));
    } else if (!known.includes(line)) {
      known.push(line);
    }
  }
  return { known, unknown };
}
