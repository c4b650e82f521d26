import { lineNameAsTitle, lineNameInSentence } from "./speech/line-names.ts";
import { strings } from "./speech/strings.ts";

export { lineNameAsTitle, lineNameInSentence };

/** TfL severities with a fixed sentence (README, Decisions D4). */
const GOOD_SERVICE = 10;
const NO_ISSUES = 18;
const SERVICE_CLOSED = 20;

/** The part of a TfL line status this module reads. */
export interface LineStatusInput {
  readonly statusSeverity: number;
  readonly reason?: string | null | undefined;
  readonly validityPeriods?: ReadonlyArray<{ readonly isNow?: boolean | undefined }> | undefined;
}

/** The part of a TfL line this module reads. */
export interface LineInput {
  readonly name: string;
  readonly lineStatuses: ReadonlyArray<LineStatusInput>;
}

/** There is nothing truthful to say about a line; the caller apologises instead. */
export class StatusTextError extends Error {
  override readonly name = "StatusTextError";
}

/** A status is future work when TfL gives validity periods and every one of them says isNow: false. */
function isFutureOnly(status: LineStatusInput): boolean {
  const periods = status.validityPeriods ?? [];
  return periods.length > 0 && periods.every((period) => period.isNow === false);
}

function tidy(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Comparable form of a line name: "CIRCLE LINE", "Circle" and "the circle line" all give "circle". */
function comparableName(text: string): string {
  return tidy(text.toLowerCase().replace(/&/g, " and "))
    .replace(/^the /, "")
    .replace(/ line$/, "");
}

/** Removes a leading "<line name> [line]: " only when it names this line (README, Decisions D4). */
function stripLinePrefix(reason: string, lineName: string): string {
  const prefix = /^([^:]+):(?=\s|$)/.exec(reason);
  if (prefix?.[1] === undefined || comparableName(prefix[1]) !== comparableName(lineName)) {
    return reason;
  }
  const rest = reason.slice(prefix[0].length).trim();
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/**
 * The text for one line (README, Decisions D4): good service / no issues and
 * service closed get our sentences; anything else reads the reason of the most severe status in effect
 * now. Throws StatusTextError when the line has no status, or the chosen status has no reason.
 */
export function describeLineStatus(line: LineInput): string {
  const all = line.lineStatuses;
  if (all.length === 0) {
    throw new StatusTextError(`TfL returned no status for the ${line.name} line`);
  }
  // Statuses that are all future work only count when nothing is in effect now: TfL sends a lone
  // planned closure (isNow false) ahead of the weekend, and its reason names the dates.
  const current = all.filter((status) => !isFutureOnly(status));
  const candidates = current.length > 0 ? current : all;
  const worst = candidates.reduce((most, status) => (status.statusSeverity < most.statusSeverity ? status : most));

  switch (worst.statusSeverity) {
    case GOOD_SERVICE:
    case NO_ISSUES:
      return strings.goodService(lineNameInSentence(line.name));
    case SERVICE_CLOSED:
      return strings.closed(lineNameInSentence(line.name));
    default: {
      const text = stripLinePrefix(tidy(worst.reason ?? ""), line.name);
      if (text === "") {
        throw new StatusTextError(
          `TfL gave severity ${worst.statusSeverity} without a reason for the ${line.name} line`,
        );
      }
      return text;
    }
  }
}
