/** The paragraphs spoken for several lines at once (the commute and "the Overground"). */
import type { TflLine } from "../ports.ts";
import { strings } from "../speech/strings.ts";
import { assessLine, lineNameAsTitle, linesInSentence, reportText } from "../status-text.ts";
import { sortByName } from "./order.ts";

/** Options for `describeLines`. */
export interface DescribeLinesOptions {
  /** Said instead of the list when every line has a good service ("All London Overground lines…"). */
  readonly allGoodService?: string;
}

/**
 * What to say about several lines, sorted by name ignoring case. Lines with something to report come
 * first, one paragraph each: TfL's reason after the line's title ("Windrush line: Minor delays…"), or
 * our own sentence that names the line ("The Mildmay line has minor delays."). Then the closed lines
 * in one sentence, then the lines with a good service in one sentence ("The Liberty, Lioness and
 * Weaver lines have a good service."), so six good lines are never read out six times. One line is
 * read as it is on its own, with no title.
 */
export function describeLines(lines: readonly TflLine[], options: DescribeLinesOptions = {}): string[] {
  const sorted = sortByName(lines);
  const only = sorted.length === 1 ? sorted[0] : undefined;
  if (only !== undefined) return [reportText(only.name, assessLine(only))];

  const paragraphs: string[] = [];
  const closed: string[] = [];
  const good: string[] = [];
  for (const line of sorted) {
    const report = assessLine(line);
    switch (report.kind) {
      case "goodService":
        good.push(line.name);
        break;
      case "closed":
        closed.push(line.name);
        break;
      case "reason":
        paragraphs.push(strings.linePrefix(lineNameAsTitle(line.name), report.text));
        break;
      case "sentence":
        paragraphs.push(report.text);
        break;
    }
  }
  if (closed.length > 0) paragraphs.push(groupSentence(closed, strings.closed, strings.closedMany));
  if (good.length > 0 && good.length === sorted.length && options.allGoodService !== undefined) {
    paragraphs.push(options.allGoodService);
  } else if (good.length > 0) {
    paragraphs.push(groupSentence(good, strings.goodService, strings.goodServiceMany));
  }
  return paragraphs;
}

function groupSentence(names: readonly string[], one: (line: string) => string, many: (lines: string) => string) {
  return names.length === 1 ? one(linesInSentence(names)) : many(linesInSentence(names));
}
