/** The paragraphs spoken for several lines at once (the commute and "the Overground"). */
import type { TflLine } from "../ports.ts";
import { strings } from "../speech/strings.ts";
import { describeLineStatus, lineNameAsTitle } from "../status-text.ts";
import { sortByName } from "./order.ts";

/**
 * One paragraph per line, sorted by name ignoring case; with several lines each paragraph starts
 * with the line's title ("Northern Line: …") so the listener knows which line is which.
 */
export function describeEachLine(lines: readonly TflLine[]): string[] {
  const sorted = sortByName(lines);
  if (sorted.length === 1) return sorted.map((line) => describeLineStatus(line));
  return sorted.map((line) => strings.commutePrefix(lineNameAsTitle(line.name), describeLineStatus(line)));
}
