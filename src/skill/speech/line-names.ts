/** Whether a TfL line name already carries its own noun ("Elizabeth line", "London Overground"). */
function isSelfDescribing(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(" line") || lower.includes("elizabeth") || lower.includes("overground");
}

/** Whether the TfL name is the DLR, which is spoken as letters and never takes "line". */
function isDlr(name: string): boolean {
  return name.trim().toLowerCase() === "dlr";
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
  return isSelfDescribing(trimmed) ? `the ${trimmed}` : `the ${trimmed} line`;
}

/** A line's name as a heading (commute prefixes, card titles): "Victoria Line", "DLR", "Elizabeth line". */
export function lineNameAsTitle(name: string): string {
  const trimmed = name.trim();
  if (isDlr(trimmed)) {
    return "DLR";
  }
  return isSelfDescribing(trimmed) ? trimmed : `${trimmed} Line`;
}
