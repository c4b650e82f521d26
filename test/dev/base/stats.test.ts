import { expect, test } from "bun:test";
import { pairedMedianDifference, percentChange, percentile, summarise } from "../../../src/dev/base/stats.ts";

test.each<[string, number[], ReturnType<typeof summarise>]>([
  ["a single value", [7], { count: 1, min: 7, median: 7, p95: 7, max: 7, mean: 7 }],
  ["an odd sample, unsorted", [5, 1, 3], { count: 3, min: 1, median: 3, p95: 5, max: 5, mean: 3 }],
  [
    "an even sample: the median is the mean of the middle two",
    [4, 1, 3, 2],
    { count: 4, min: 1, median: 2.5, p95: 4, max: 4, mean: 2.5 },
  ],
  [
    "non-finite values are left out",
    [Number.NaN, 2, Number.POSITIVE_INFINITY, 4],
    { count: 2, min: 2, median: 3, p95: 4, max: 4, mean: 3 },
  ],
  ["an empty sample", [], undefined],
])("summarises %s", (_title, values, expected) => {
  expect(summarise(values)).toEqual(expected);
});

test("takes the nearest-rank p95 of twenty values", () => {
  const sorted = Array.from({ length: 20 }, (_, index) => index + 1);
  expect(percentile(sorted, 95)).toBe(19);
  expect(percentile(sorted, 100)).toBe(20);
  expect(percentile(sorted, 0)).toBe(1);
  expect(percentile([], 50)).toBeNaN();
});

test.each<[number | undefined, number | undefined, number | undefined]>([
  [100, 80, -20],
  [80, 100, 25],
  [50, 50, 0],
  [0, 0, 0],
  [0, 5, undefined],
  [undefined, 5, undefined],
  [5, undefined, undefined],
  [Number.NaN, 5, undefined],
])("the change from %p to %p is %p percent", (before, after, change) => {
  expect(percentChange(before, after)).toBe(change as number);
});

test.each<[string, (number | undefined)[], (number | undefined)[], number | undefined]>([
  ["a steady lead", [11, 21, 31], [10, 20, 30], 1],
  ["drift hits both alike", [12, 40, 13], [10, 38, 12], 2],
  ["a missing round is skipped", [12, undefined, 14], [10, 20, 11], 2.5],
  ["a slower candidate", [9, 18], [10, 20], -1.5],
  ["nothing to pair", [undefined], [10], undefined],
])("pairedMedianDifference: %s", (_name, values, base, expected) => {
  expect(pairedMedianDifference(values, base)).toBe(expected);
});
