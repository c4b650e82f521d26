import { lineNameAsTitle, lineNameInSentence, linesInSentence } from "./speech/line-names.ts";
import { strings } from "./speech/strings.ts";

export { lineNameAsTitle, lineNameInSentence, linesInSentence };

/** TfL severities with a fixed sentence of ours. */
const GOOD_SERVICE = 10;
const NO_ISSUES = 18;
const SERVICE_CLOSED = 20;

/**
 * TfL's description of each rail severity, by number: used when a status comes without its
 * `statusSeverityDescription` as well as without a reason.
 */
const SEVERITY_DESCRIPTIONS: readonly string[] = [
  "Special Service",
  "Closed",
  "Suspended",
  "Part Suspended",
  "Planned Closure",
  "Part Closure",
  "Severe Delays",
  "Reduced Service",
  "Bus Service",
  "Minor Delays",
  "Good Service",
  "Part Closed",
  "Exit Only",
  "No Step Free Access",
  "Change of frequency",
  "Diverted",
  "Not Running",
  "Issues Reported",
  "No Issues",
  "Information",
  "Service Closed",
];

/** The part of a TfL line status this module reads. */
export interface LineStatusInput {
  readonly statusSeverity: number;
  readonly statusSeverityDescription?: string | undefined;
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

/**
 * Removes a leading "<line name> [line]: " only when it names this line: a station or another line
 * before the colon is part of the message.
 */
function stripLinePrefix(reason: string, lineName: string): string {
  const prefix = /^([^:]+):(?=\s|$)/.exec(reason);
  if (prefix?.[1] === undefined || comparableName(prefix[1]) !== comparableName(lineName)) {
    return reason;
  }
  const rest = reason.slice(prefix[0].length).trim();
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** Ends TfL's text as a sentence, so the next sentence never runs on from it. */
function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The most severe status (lowest number); ties keep TfL's order. */
function mostSevere(statuses: readonly LineStatusInput[]): LineStatusInput | undefined {
  let most: LineStatusInput | undefined;
  for (const status of statuses) {
    if (most === undefined || status.statusSeverity < most.statusSeverity) most = status;
  }
  return most;
}

function isGoodService(status: LineStatusInput): boolean {
  return status.statusSeverity === GOOD_SERVICE || status.statusSeverity === NO_ISSUES;
}

/**
 * What one line's status amounts to. `goodService` and `closed` are our fixed sentences, which a
 * several-line answer groups ("The Liberty and Weaver lines have a good service."); `reason` is
 * TfL's text, which does not name the line once its prefix is gone; `sentence` is our own sentence
 * that already names the line.
 */
export type LineReport =
  | { readonly kind: "goodService" }
  | { readonly kind: "closed" }
  | { readonly kind: "reason"; readonly text: string }
  | { readonly kind: "sentence"; readonly text: string };

const GOOD_SERVICE_REPORT: LineReport = Object.freeze({ kind: "goodService" });
const CLOSED_REPORT: LineReport = Object.freeze({ kind: "closed" });

/**
 * A status TfL sent without a reason, said from its severity description: "The Mildmay line has
 * minor delays." One such line must not turn a whole answer into the apology.
 */
function severitySentence(lineName: string, status: LineStatusInput): string {
  const line = lineNameInSentence(lineName);
  const description = tidy(status.statusSeverityDescription ?? "") || SEVERITY_DESCRIPTIONS[status.statusSeverity];
  if (description === undefined || description === "") return strings.severityWithoutDetails(line);
  const key = description.toLowerCase().replaceAll("-", " ");
  const phrase = Object.hasOwn(strings.severityPhrases, key) ? strings.severityPhrases[key] : undefined;
  return phrase === undefined ? strings.severityUnknown(line, description) : strings.severitySentence(line, phrase);
}

/**
 * Decides what to say about one line. Its state now comes from the statuses in effect now (a status
 * counts as future only when every validity period says isNow: false): good service / no issues and
 * service closed get our sentences; anything else reads the reason of the most severe current status
 * without its "<line name>: " prefix, or, when TfL gave no reason, a sentence from its severity
 * description.
 *
 * Future statuses are never read as the current state. When the line is fine now and TfL lists
 * planned work with a reason, the answer says so: "The Victoria line has a good service now.
 * Planned: <reason>." When something is wrong now, only that is read: the question is about now.
 *
 * Throws StatusTextError only when TfL gives the line no status at all.
 */
export function assessLine(line: LineInput): LineReport {
  const all = line.lineStatuses;
  if (all.length === 0) {
    throw new StatusTextError(`TfL returned no status for ${line.name}`);
  }
  const reasonOf = (status: LineStatusInput): string => stripLinePrefix(tidy(status.reason ?? ""), line.name);
  const now = mostSevere(all.filter((status) => !isFutureOnly(status)));
  if (now !== undefined && !isGoodService(now)) {
    if (now.statusSeverity === SERVICE_CLOSED) return CLOSED_REPORT;
    const text = reasonOf(now);
    return text === "" ? { kind: "sentence", text: severitySentence(line.name, now) } : { kind: "reason", text };
  }
  // Good now (or nothing in effect now): the most severe planned change that TfL explains follows.
  const planned = mostSevere(
    all.filter((status) => isFutureOnly(status) && !isGoodService(status) && reasonOf(status) !== ""),
  );
  if (planned === undefined) return GOOD_SERVICE_REPORT;
  const plan = asSentence(reasonOf(planned));
  return { kind: "sentence", text: strings.goodServiceNowPlanned(lineNameInSentence(line.name), plan) };
}

/** The words for one line's report when it is read on its own (no title in front of TfL's reason). */
export function reportText(lineName: string, report: LineReport): string {
  switch (report.kind) {
    case "goodService":
      return strings.goodService(lineNameInSentence(lineName));
    case "closed":
      return strings.closed(lineNameInSentence(lineName));
    case "reason":
    case "sentence":
      return report.text;
  }
}

/** The text for one line asked about on its own ("how is the Victoria line?"); see `assessLine`. */
export function describeLineStatus(line: LineInput): string {
  return reportText(line.name, assessLine(line));
}
