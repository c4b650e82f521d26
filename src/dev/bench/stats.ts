/**
 * The bench's statistics: nearest-rank percentiles of latencies and the memory trend over a soak.
 * Pure, so every number in the table can be checked by hand in a test.
 */
import { percentile } from "../base/stats.ts";

/** What a latency or start-time row shows; all in milliseconds. */
export interface Percentiles {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * Nearest-rank p50/p95/p99 of a sample (no interpolation: every figure is a value that was
 * measured); undefined for an empty sample so a table prints "–" instead of NaN.
 */
export function describeSample(values: readonly number[]): Percentiles | undefined {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

/** Resident memory of a process after a given number of invocations (VmRSS, KiB). */
export interface RssSample {
  readonly invocations: number;
  readonly rssKb: number;
}

/** Mean resident memory of the second and the last fifth of a window, and the difference. */
export interface MemoryTrend {
  /** The window's first and last invocation counts (exclusive, inclusive). */
  readonly from: number;
  readonly to: number;
  readonly secondFifthKb: number;
  readonly lastFifthKb: number;
  /** Last fifth minus second fifth: positive means memory still grows. */
  readonly deltaKb: number;
}

/**
 * The budget's trend test: over the last `window` invocations, the mean RSS of the last fifth
 * minus that of the second fifth (the first fifth is left out: allocators settle there).
 * Undefined when either fifth holds no sample.
 */
export function memoryTrend(samples: readonly RssSample[], window: number): MemoryTrend | undefined {
  if (samples.length === 0 || window <= 0) return undefined;
  const to = Math.max(...samples.map((sample) => sample.invocations));
  const from = Math.max(0, to - window);
  const fifth = (to - from) / 5;
  const meanOf = (low: number, high: number): number | undefined => {
    const inside = samples.filter((sample) => sample.invocations > low && sample.invocations <= high);
    return inside.length === 0 ? undefined : inside.reduce((sum, sample) => sum + sample.rssKb, 0) / inside.length;
  };
  const second = meanOf(from + fifth, from + 2 * fifth);
  const last = meanOf(to - fifth, to);
  if (second === undefined || last === undefined) return undefined;
  return { from, to, secondFifthKb: second, lastFifthKb: last, deltaKb: last - second };
}

/** `value / base`, or undefined when either is missing or the base is not positive. */
export function ratio(value: number | undefined, base: number | undefined): number | undefined {
  if (value === undefined || base === undefined || !Number.isFinite(value) || !Number.isFinite(base) || base <= 0) {
    return undefined;
  }
  return value / base;
}
