import { expect, test } from "bun:test";
import { describeSample, memoryTrend, ratio, type RssSample } from "../../../src/dev/bench/stats.ts";

test.each<[string, number[], ReturnType<typeof describeSample>]>([
  ["a single value", [4], { count: 1, min: 4, p50: 4, p95: 4, p99: 4, max: 4, mean: 4 }],
  ["an unsorted sample", [3, 1, 2, 5, 4], { count: 5, min: 1, p50: 3, p95: 5, p99: 5, max: 5, mean: 3 }],
  [
    "an even sample, taking the lower middle value as p50",
    [1, 2, 3, 4],
    { count: 4, min: 1, p50: 2, p95: 4, p99: 4, max: 4, mean: 2.5 },
  ],
  [
    "a sample with non-finite values, which are left out",
    [Number.NaN, 2, Number.POSITIVE_INFINITY],
    { count: 1, min: 2, p50: 2, p95: 2, p99: 2, max: 2, mean: 2 },
  ],
  ["an empty sample", [], undefined],
])("describes %s", (_title, values, expected) => {
  expect(describeSample(values)).toEqual(expected);
});

test("takes nearest-rank percentiles of a thousand values, each a value that was measured", () => {
  const values = Array.from({ length: 1_000 }, (_, index) => 1_000 - index);
  expect(describeSample(values)).toMatchObject({ p50: 500, p95: 950, p99: 990, min: 1, max: 1_000 });
});

const flat = (from: number, to: number, step: number, kb: (at: number) => number): RssSample[] =>
  Array.from({ length: (to - from) / step }, (_, index) => {
    const invocations = from + (index + 1) * step;
    return { invocations, rssKb: kb(invocations) };
  });

test.each<[string, RssSample[], number, number | undefined]>([
  ["flat memory", flat(0, 10_000, 100, () => 40_000), 8_000, 0],
  ["memory that grows 1 KiB per 10 invocations", flat(0, 10_000, 100, (at) => 40_000 + at / 10), 8_000, 480],
  [
    "memory that settles early, outside the window",
    flat(0, 10_000, 100, (at) => (at <= 2_000 ? 30_000 : 40_000)),
    8_000,
    0,
  ],
  ["no samples", [], 8_000, undefined],
  [
    "samples only in the first fifth",
    [
      { invocations: 100, rssKb: 1 },
      { invocations: 10_000, rssKb: 2 },
    ],
    8_000,
    undefined,
  ],
])("measures the trend of %s", (_title, samples, window, delta) => {
  expect(memoryTrend(samples, window)?.deltaKb).toBe(delta as number);
});

test("compares the second and the last fifth of the last 8,000 invocations of a 10,000-invocation soak", () => {
  const trend = memoryTrend(
    flat(0, 10_000, 100, (at) => at),
    8_000,
  );
  // Second fifth: invocations 3,601–5,200 (mean of 3,700…5,200); last fifth: 8,401–10,000.
  expect(trend).toEqual({ from: 2_000, to: 10_000, secondFifthKb: 4_450, lastFifthKb: 9_250, deltaKb: 4_800 });
});

test.each<[number | undefined, number | undefined, number | undefined]>([
  [13, 10, 1.3],
  [10, 0, undefined],
  [undefined, 10, undefined],
  [10, undefined, undefined],
  [Number.NaN, 10, undefined],
])("the ratio of %p to %p is %p", (value, base, expected) => {
  expect(ratio(value, base)).toBe(expected as number);
});
