/**
 * Errors the skill throws. `InvalidRequestError` and `SkillIdMismatchError` leave the skill and
 * become Lambda invocation errors; everything else is caught and answered with the apology.
 */
import * as v from "valibot";

const MAX_ISSUES_IN_MESSAGE = 5;
const MAX_ID_IN_MESSAGE = 120;

/** The event is not an Alexa request we can read. The message names paths and types, never values. */
export class InvalidRequestError extends Error {
  override readonly name = "InvalidRequestError";
  /** Dot paths of the failing fields (e.g. `request.intent.name`); "" for the event itself. */
  readonly paths: readonly string[];

  constructor(issues: readonly v.BaseIssue<unknown>[]) {
    const paths = issues.map((issue) => v.getDotPath(issue) ?? "");
    const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map(describeIssue);
    const more = issues.length > MAX_ISSUES_IN_MESSAGE ? `; and ${issues.length - MAX_ISSUES_IN_MESSAGE} more` : "";
    super(`Invalid Alexa request: ${shown.join("; ")}${more}`);
    this.paths = paths;
  }
}

/** The request names another skill (or none) while skill-id verification is on: not ours to answer. */
export class SkillIdMismatchError extends Error {
  override readonly name = "SkillIdMismatchError";

  constructor(expected: string | undefined, received: string | undefined) {
    super(`Skill id mismatch: expected ${quoteId(expected)}, received ${quoteId(received)}`);
  }
}

/** TfL answered without the line the skill asked about. Caught and answered with the apology. */
export class MissingLineStatusError extends Error {
  override readonly name = "MissingLineStatusError";

  constructor(what: string) {
    super(`TfL returned no line status for ${what}`);
  }
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue) ?? "(event)";
  // `issue.received` would echo the value (possibly an access token); describe its type instead.
  return `${path}: expected ${issue.expected ?? issue.kind}, received ${describeType(issue.input)}`;
}

function describeType(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "array";
  return typeof input;
}

function quoteId(id: string | undefined): string {
  if (id === undefined || id === "") return "none";
  const shown = id.length > MAX_ID_IN_MESSAGE ? `${id.slice(0, MAX_ID_IN_MESSAGE)}…` : id;
  return JSON.stringify(shown);
}
