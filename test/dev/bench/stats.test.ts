import { expect, test } from "bun:test";
import { describeSample, ratio } from "../../../src/dev/bench/stats.ts";

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

test.each<[number | undefined, number | undefined, number | undefined]>([
  [13, 10, 1.3],
  [10, 0, undefined],
  [undefined, 10, undefined],
  [10, undefined, undefined],
  [Number.NaN, 10, undefined],
])("the ratio of %p to %p is %p", (value, base, expected) => {
  expect(ratio(value, base)).toBe(expected as number);
});
