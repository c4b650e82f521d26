/**
 * Memory-trend arithmetic for soak reports: the median resident set of the second fifth and the
 * last fifth of a run (product.md's "no upward trend" rule), kept apart from the sampling so it
 * can be tested on plain numbers.
 */

/** One RSS reading at an invocation count. */
export interface RssReading {
  readonly invocations: number;
  readonly rssKb: number | undefined;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Median RSS (KiB) of the second fifth and of the last fifth of `total` invocations, and their difference. */
export function rssTrend(
  readings: readonly RssReading[],
  total: number,
): { secondFifthKb: number | undefined; lastFifthKb: number | undefined; growthKb: number | undefined } {
  const fifth = total / 5;
  const inRange = (from: number, to: number): number[] =>
    readings
      .filter((reading) => reading.invocations > from && reading.invocations <= to && reading.rssKb !== undefined)
      .map((reading) => reading.rssKb ?? 0);
  const secondFifthKb = median(inRange(fifth, 2 * fifth));
  const lastFifthKb = median(inRange(4 * fifth, total));
  return {
    secondFifthKb,
    lastFifthKb,
    growthKb: secondFifthKb === undefined || lastFifthKb === undefined ? undefined : lastFifthKb - secondFifthKb,
  };
}
