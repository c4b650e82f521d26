import { andList } from "./strings.ts";

/**
 * London Overground line names (since November 2024). TfL writes them with a lower-case "line"
 * ("the Mildmay line", "Mildmay line:"), as it writes "Elizabeth line", while its Tube reasons say
 * "Victoria Line:"; our titles follow TfL. A test keeps this list equal to the catalogue's Overground lines.
 */
const LOWER_CASE_LINE_NAMES: readonly string[] = ["liberty", "lioness", "mildmay", "suffragette", "weaver", "windrush"];

/** Whether a TfL line name already carries its own noun ("Elizabeth line", "London Overground"). */
function isSelfDescribing(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(" line") || lower.includes("elizabeth") || lower.includes("overground");
}

/** Whether the TfL name is the DLR, which is spoken as letters and never takes "line". */
function isDlr(name: string): boolean {
  return name.trim().toLowerCase() === "dlr";
}

/** Whether the name is said with "line" after it: every Tube and Overground line, not the DLR or the Elizabeth line. */
function takesLineSuffix(name: string): boolean {
  return !isDlr(name) && !isSelfDescribing(name);
}

/** "Hammersmith & City", "Waterloo and City": a name that would blur "A, B and C". */
function holdsAnd(name: string): boolean {
  const lower = ` ${name.toLowerCase()} `;
  return lower.includes("&") || lower.includes(" and ");
}

/**
 * A line's name as it reads inside a sentence: "the Victoria line", "the DLR", "the Elizabeth line".
 * The DLR stays "DLR" here; the verbalizer turns it into "D.L.R." for speech only.
 */
export function lineNameInSentence(name: string): string {
  const trimmed = name.trim();
  if (isDlr(trimmed)) {
    return "the DLR";
  }
  return takesLineSuffix(trimmed) ? `the ${trimmed} line` : `the ${trimmed}`;
}

/**
 * A line's name as a heading (prefixes when several lines are read, card titles): "Victoria Line",
 * "Mildmay line", "DLR", "Elizabeth line". Capitalisation follows TfL's own for each network.
 */
export function lineNameAsTitle(name: string): string {
  const trimmed = name.trim();
  if (isDlr(trimmed)) {
    return "DLR";
  }
  if (!takesLineSuffix(trimmed)) {
    return trimmed;
  }
  return LOWER_CASE_LINE_NAMES.includes(trimmed.toLowerCase()) ? `${trimmed} line` : `${trimmed} Line`;
}

/**
 * Several lines as the subject of one sentence, in the order given: "the Liberty, Lioness and Weaver
 * lines" when every name takes "line" and none holds its own "and"/"&" (which would blur the list);
 * otherwise each name in full: "the DLR and the Victoria line", "the Circle line, the Hammersmith &
 * City line and the Metropolitan line". One name gives `lineNameInSentence`.
 */
export function linesInSentence(names: readonly string[]): string {
  const trimmed = names.map((name) => name.trim());
  if (trimmed.length === 1) return lineNameInSentence(trimmed[0] ?? "");
  const collapsible = trimmed.every((name) => takesLineSuffix(name) && !holdsAnd(name));
  return collapsible ? `the ${andList(trimmed)} lines` : andList(trimmed.map(lineNameInSentence));
}
