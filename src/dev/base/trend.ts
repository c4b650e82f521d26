/**
 * The one memory-trend rule, shared by `bun run soak`, the soak test and `bun run bench`'s budget.
 *
 * The statistic: within a window of invocations (from, to], the MEDIAN VmRSS of the window's second
 * fifth against the MEDIAN VmRSS of its last fifth; growth = last − second. The first fifth is left out
 * because allocators and the JIT settle there; medians rather than means because a single reading taken
 * just before a collection would otherwise move the verdict. "No upward trend" means growth under 2 MiB
 * (README, Decisions D27). Pure, so it is tested on plain numbers.
 */
import { median } from "./stats.ts";

/** One RSS reading at an invocation count (VmRSS, KiB; undefined when the process could not be read). */
export interface RssReading {
  readonly invocations: number;
  readonly rssKb: number | undefined;
}

/** The window and the two medians the rule compares, KiB. */
export interface MemoryTrend {
  /** The window's first and last invocation counts (exclusive, inclusive). */
  readonly from: number;
  readonly to: number;
  readonly secondFifthKb: number;
  readonly lastFifthKb: number;
  /** Last fifth minus second fifth: positive means memory still grows. */
  readonly growthKb: number;
}

/** The trend over (from, to]; undefined when the second or the last fifth holds no reading. */
export function memoryTrend(readings: readonly RssReading[], to: number, from = 0): MemoryTrend | undefined {
  const fifth = (to - from) / 5;
  const inRange = (low: number, high: number): number[] =>
    readings.flatMap((reading) =>
      reading.invocations > low && reading.invocations <= high && reading.rssKb !== undefined ? [reading.rssKb] : [],
    );
  const secondFifthKb = median(inRange(from + fifth, from + 2 * fifth));
  const lastFifthKb = median(inRange(to - fifth, to));
  if (secondFifthKb === undefined || lastFifthKb === undefined) return undefined;
  return { from, to, secondFifthKb, lastFifthKb, growthKb: lastFifthKb - secondFifthKb };
}
