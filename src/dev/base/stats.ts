/** Small descriptive statistics for timings: nearest-rank percentiles, no interpolation surprises. */

/** Count, min, median, p95, max and mean of a sample. */
export interface SampleStats {
  readonly count: number;
  readonly min: number;
  readonly median: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * The nearest-rank percentile (`p` in 0..100) of a sample; the median of an even sample is the mean
 * of the two middle values, as people expect.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

/** The middle value, or the mean of the two middle ones for an even count; undefined when empty. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Describes a sample; undefined for an empty one so a table can print "–" instead of NaN. */
export function summarise(values: readonly number[]): SampleStats | undefined {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) {
    return undefined;
  }
  const sorted = [...finite].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    median: median(sorted) ?? Number.NaN,
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

/** Change from `before` to `after` in percent; undefined when it is not meaningful (a zero or missing base). */
export function percentChange(before: number | undefined, after: number | undefined): number | undefined {
  if (before === undefined || after === undefined || !Number.isFinite(before) || !Number.isFinite(after)) {
    return undefined;
  }
  if (before === 0) {
    return after === 0 ? 0 : undefined;
  }
  return ((after - before) / Math.abs(before)) * 100;
}

/**
 * The median of the round-by-round differences `values[i] − base[i]` (rounds where either is missing
 * are skipped): on a machine whose speed drifts during a run, a steadier comparison of two
 * alternating executables than the difference of their medians.
 */
export function pairedMedianDifference(
  values: readonly (number | undefined)[],
  base: readonly (number | undefined)[],
): number | undefined {
  const differences: number[] = [];
  for (let index = 0; index < Math.min(values.length, base.length); index += 1) {
    const value = values[index];
    const reference = base[index];
    if (value !== undefined && reference !== undefined) differences.push(value - reference);
  }
  return median(differences);
}
