/**
 * The bench's statistics: nearest-rank percentiles of latencies (the memory trend is src/dev/base/trend.ts).
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

/** `value / base`, or undefined when either is missing or the base is not positive. */
export function ratio(value: number | undefined, base: number | undefined): number | undefined {
  if (value === undefined || base === undefined || !Number.isFinite(value) || !Number.isFinite(base) || base <= 0) {
    return undefined;
  }
  return value / base;
}
