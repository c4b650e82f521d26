import { describe, expect, test } from "bun:test";
import { formatLoadSummary, summariseLoad } from "../../../src/dev/base/concurrent-load.ts";

describe("summariseLoad", () => {
  test("gives answered invocations per second of wall time and nearest-rank p50/p99", () => {
    const latenciesMs = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(summariseLoad({ concurrency: 4, latenciesMs, failures: 2, wallMs: 500 })).toEqual({
      concurrency: 4,
      invocations: 102,
      failures: 2,
      throughputPerSecond: 200,
      p50Ms: 50,
      p99Ms: 99,
    });
  });

  test("reports nothing answered as zero throughput and NaN percentiles", () => {
    const summary = summariseLoad({ concurrency: 1, latenciesMs: [], failures: 3, wallMs: 0 });
    expect(summary.throughputPerSecond).toBe(0);
    expect(summary.p50Ms).toBeNaN();
  });
});

describe("formatLoadSummary", () => {
  test.each([
    [0, "concurrency 16: 1000 invocations, 2270/s, p50 5.5 ms, p99 31.4 ms"],
    [3, "concurrency 16: 1000 invocations, 3 failed, 2270/s, p50 5.5 ms, p99 31.4 ms"],
  ])("prints one line (%d failed)", (failures, line) => {
    const summary = {
      concurrency: 16,
      invocations: 1000,
      failures,
      throughputPerSecond: 2270.2,
      p50Ms: 5.46,
      p99Ms: 31.4,
    };
    expect(formatLoadSummary(summary)).toBe(line);
  });
});
