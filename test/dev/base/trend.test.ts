import { describe, expect, test } from "bun:test";
import { memoryTrend, type RssReading } from "../../../src/dev/base/trend.ts";

const flat = (from: number, to: number, step: number, kb: (at: number) => number): RssReading[] =>
  Array.from({ length: (to - from) / step }, (_, index) => {
    const invocations = from + (index + 1) * step;
    return { invocations, rssKb: kb(invocations) };
  });

test.each<[string, RssReading[], number, number | undefined]>([
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
  const to = Math.max(0, ...samples.map((sample) => sample.invocations));
  expect(memoryTrend(samples, to, Math.max(0, to - window))?.growthKb).toBe(delta as number);
});

test("compares the second and the last fifth of the last 8,000 invocations of a 10,000-invocation soak", () => {
  const trend = memoryTrend(
    flat(0, 10_000, 100, (at) => at),
    10_000,
    2_000,
  );
  // Second fifth: invocations 3,601–5,200 (median of 3,700…5,200); last fifth: 8,401–10,000.
  expect(trend).toEqual({ from: 2_000, to: 10_000, secondFifthKb: 4_450, lastFifthKb: 9_250, growthKb: 4_800 });
});

describe("memoryTrend over a whole soak", () => {
  test("compares the medians of the second and the last fifth", () => {
    const readings = Array.from({ length: 10 }, (_, index) => ({
      invocations: (index + 1) * 1_000,
      rssKb: 50_000 + index * 100,
    }));
    expect(memoryTrend(readings, 10_000)).toEqual({
      from: 0,
      to: 10_000,
      secondFifthKb: 50_250,
      lastFifthKb: 50_850,
      growthKb: 600,
    });
  });
});

test("a median ignores one reading taken just before a collection, where a mean would not", () => {
  const readings: RssReading[] = [2_500, 4_000, 6_000, 8_000, 10_000].flatMap((at) => [
    { invocations: at - 200, rssKb: 40_000 },
    { invocations: at - 100, rssKb: 40_000 },
    { invocations: at, rssKb: at === 10_000 ? 48_000 : 40_000 },
  ]);
  expect(memoryTrend(readings, 10_000)?.growthKb).toBe(0);
});

test("a reading the process could not give is left out", () => {
  const readings: RssReading[] = [
    { invocations: 3_000, rssKb: 1_000 },
    { invocations: 10_000, rssKb: undefined },
  ];
  expect(memoryTrend(readings, 10_000)).toBeUndefined();
});
