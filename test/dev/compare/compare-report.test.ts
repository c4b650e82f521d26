import { describe, expect, test } from "bun:test";
import {
  buildCompareRows,
  formatCell,
  formatChange,
  renderCompareJson,
  renderCompareTable,
  summariseLocalRuns,
  summariseReports,
  type LocalMeasurements,
} from "../../../src/dev/compare/compare-report.ts";
import { parseReportLines } from "../../../src/dev/base/report-parser.ts";

const fixture = (name: string): Promise<string> =>
  Bun.file(new URL(`../../fixtures/local/${name}`, import.meta.url)).text();

const x86Local: LocalMeasurements = {
  arch: "x86_64",
  emulation: undefined,
  zipBytes: 33_554_432,
  zipEntries: 1,
  executableBytes: 96_468_992,
  memorySizeMb: 512,
  coldStarts: [
    { initMs: 40, firstMs: 10, maxMemoryUsedMb: 44 },
    { initMs: 30, firstMs: 12, maxMemoryUsedMb: 45 },
    { initMs: 50, firstMs: 8, maxMemoryUsedMb: 43 },
  ],
  warmMs: [1, 2, 3, 4],
  maxMemoryUsedMb: 47,
  failures: 0,
};
const armLocal: LocalMeasurements = {
  ...x86Local,
  arch: "arm64",
  emulation: "qemu-aarch64-static",
  zipBytes: 31_457_280,
  executableBytes: 94_371_840,
  coldStarts: [
    { initMs: 400, firstMs: 100, maxMemoryUsedMb: 80 },
    { initMs: 500, firstMs: 120, maxMemoryUsedMb: 90 },
  ],
  warmMs: [10, 20],
  maxMemoryUsedMb: undefined,
};

describe("local runs", () => {
  test("summarises cold starts and warm invocations", () => {
    expect(summariseLocalRuns(x86Local)).toMatchObject({
      source: "local",
      init: { count: 3, min: 30, median: 40, p95: 50 },
      first: { median: 10 },
      warm: { count: 4, min: 1, median: 2.5, p95: 4 },
      maxMemoryUsedMb: 47,
      coldStarts: 3,
      warmInvocations: 4,
    });
    expect(summariseLocalRuns(armLocal).maxMemoryUsedMb).toBe(90);
  });

  test("compares sizes, counts and timings with the change from x86_64 to arm64", () => {
    const rows = buildCompareRows(summariseLocalRuns(x86Local), summariseLocalRuns(armLocal));
    const byMetric = Object.fromEntries(rows.map((row) => [row.metric, row]));
    expect(rows.map((row) => row.metric)).toEqual([
      "Published size (zip)",
      "Files in the zip",
      "Executable size",
      "Cold starts",
      "Warm invocations",
      "Init duration, min",
      "Init duration, median",
      "Init duration, p95",
      "First invocation duration, min",
      "First invocation duration, median",
      "First invocation duration, p95",
      "Warm invocation duration, min",
      "Warm invocation duration, median",
      "Warm invocation duration, p95",
      "Max memory used",
      "Memory size",
      "Failed invocations",
    ]);
    expect(byMetric["Published size (zip)"]).toMatchObject({
      x86_64: 33_554_432,
      arm64: 31_457_280,
      changePercent: -6.25,
      affectedByEmulation: false,
    });
    expect(byMetric["Init duration, median"]).toMatchObject({ x86_64: 40, arm64: 450, affectedByEmulation: true });
    expect(byMetric["Init duration, median"]?.changePercent).toBeCloseTo(1025, 6);
    expect(byMetric["Files in the zip"]?.changePercent).toBe(0);
  });

  test("renders a Markdown table that marks emulated figures", () => {
    const table = renderCompareTable(summariseLocalRuns(x86Local), summariseLocalRuns(armLocal));
    expect(table).toBe(
      [
        "### x86_64 vs arm64 (local runs)",
        "",
        "| Metric | x86_64 | arm64 (emulated: qemu-aarch64-static) † | Change |",
        "| --- | ---: | ---: | ---: |",
        "| Published size (zip) | 32.00 MiB (33,554,432 B) | 30.00 MiB (31,457,280 B) | -6.3% |",
        "| Files in the zip | 1 | 1 | 0.0% |",
        "| Executable size | 92.00 MiB (96,468,992 B) | 90.00 MiB (94,371,840 B) | -2.2% |",
        "| Cold starts | 3 | 2 | -33.3% |",
        "| Warm invocations | 4 | 2 | -50.0% |",
        "| Init duration, min | 30.00 ms | 400.00 ms † | +1,233.3% † |",
        "| Init duration, median | 40.00 ms | 450.00 ms † | +1,025.0% † |",
        "| Init duration, p95 | 50.00 ms | 500.00 ms † | +900.0% † |",
        "| First invocation duration, min | 8.00 ms | 100.00 ms † | +1,150.0% † |",
        "| First invocation duration, median | 10.00 ms | 110.00 ms † | +1,000.0% † |",
        "| First invocation duration, p95 | 12.00 ms | 120.00 ms † | +900.0% † |",
        "| Warm invocation duration, min | 1.00 ms | 10.00 ms † | +900.0% † |",
        "| Warm invocation duration, median | 2.50 ms | 15.00 ms † | +500.0% † |",
        "| Warm invocation duration, p95 | 4.00 ms | 20.00 ms † | +400.0% † |",
        "| Max memory used | 47 MB | 90 MB † | +91.5% † |",
        "| Memory size | 512 MB | 512 MB | 0.0% |",
        "| Failed invocations | 0 | 0 | 0.0% |",
        "",
        "† arm64 was emulated by qemu-aarch64-static on this host: its durations and memory measure the emulator, not the hardware, so the change is not a Graviton figure.",
        "",
      ].join("\n"),
    );
  });

  test("adds caller notes under the table and marks nothing when both ran natively", () => {
    const table = renderCompareTable(
      summariseLocalRuns(x86Local),
      summariseLocalRuns({ ...armLocal, emulation: undefined }),
      {
        title: "Custom title",
        lines: ["5 cold starts and 20 warm invocations per build."],
      },
    );
    expect(table).toStartWith("### Custom title\n");
    expect(table).not.toContain("†");
    expect(table).toEndWith(
      "| Failed invocations | 0 | 0 | 0.0% |\n\n5 cold starts and 20 warm invocations per build.\n",
    );
  });
});

describe("Lambda logs", () => {
  test("summarises REPORT logs in text and JSON format side by side", async () => {
    const x86 = summariseReports("x86_64", parseReportLines(await fixture("x86_64-text.log")));
    const arm = summariseReports("arm64", parseReportLines(await fixture("arm64-json.log")));
    expect(x86).toMatchObject({
      coldStarts: 2,
      warmInvocations: 3,
      init: { min: 139.4, max: 144.62 },
      first: { min: 38.05, max: 41.87 },
      warm: { count: 2, min: 2.48, median: 2.8, max: 3.12 },
      billedCold: { median: 182.5 },
      billedWarm: { median: 3.5 },
      maxMemoryUsedMb: 63,
      memorySizeMb: 512,
      failures: 1,
      malformed: 1,
    });
    expect(arm).toMatchObject({ coldStarts: 2, warmInvocations: 2, failures: 0, malformed: 1, maxMemoryUsedMb: 59 });
    const table = renderCompareTable(x86, arm);
    expect(table).toStartWith("### x86_64 vs arm64 (from Lambda REPORT logs)\n");
    expect(table).not.toContain("Published size");
    expect(table).not.toContain("†");
    expect(table).toContain("| Init duration, median | 142.01 ms | 117.95 ms | -16.9% |");
    expect(table).toContain("| Billed duration of a cold start, median | 182.50 ms | 149.00 ms | -18.4% |");
    expect(table).toContain("| Malformed lines skipped | 1 | 1 | 0.0% |");
    expect(table).toContain("| Failed invocations | 1 | 0 | -100.0% |");
  });

  test("counts a failed invocation without taking its duration as a timing", () => {
    const result = summariseReports(
      "x86_64",
      parseReportLines(
        [
          "REPORT RequestId: a\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 512 MB\tMax Memory Used: 60 MB",
          "REPORT RequestId: b\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 512 MB\tMax Memory Used: 61 MB\tStatus: timeout",
          '{"type":"platform.report","record":{"requestId":"c","metrics":{"durationMs":4,"billedDurationMs":4,"memorySizeMB":512,"maxMemoryUsedMB":60},"status":"success"}}',
        ].join("\n"),
      ),
    );
    expect(result).toMatchObject({ warmInvocations: 3, failures: 1, warm: { count: 2, max: 4 }, maxMemoryUsedMb: 61 });
  });

  test("prints dashes when one side has no warm invocations", () => {
    const x86 = summariseReports(
      "x86_64",
      parseReportLines(
        "REPORT RequestId: a\tDuration: 40.00 ms\tBilled Duration: 180 ms\tMemory Size: 512 MB\tMax Memory Used: 60 MB\tInit Duration: 140.00 ms",
      ),
    );
    const arm = summariseReports("arm64", parseReportLines(""));
    const table = renderCompareTable(x86, arm);
    expect(table).toContain("| Warm invocation duration, median | – | – | – |");
    expect(table).toContain("| Init duration, median | 140.00 ms | – | – |");
  });

  test("gives the same rows as JSON", () => {
    const x86 = summariseLocalRuns(x86Local);
    const arm = summariseLocalRuns(armLocal);
    const json = renderCompareJson(x86, arm);
    expect(json.source).toBe("local");
    expect(json.rows).toEqual(buildCompareRows(x86, arm));
    expect(JSON.parse(JSON.stringify(json)).arm64.emulation).toBe("qemu-aarch64-static");
  });
});

test.each([
  [33_554_432, "bytes", "32.00 MiB (33,554,432 B)"],
  [1, "count", "1"],
  [12.345, "ms", "12.35 ms"],
  [1234.5, "ms", "1,234.50 ms"],
  [61, "MB", "61 MB"],
  [undefined, "ms", "–"],
  [Number.NaN, "MB", "–"],
] as const)("prints %p %s as %p", (value, unit, cell) => {
  expect(formatCell(value, unit)).toBe(cell);
});

test.each([
  [12.34, "+12.3%"],
  [-4, "-4.0%"],
  [0, "0.0%"],
  [-0.04, "0.0%"],
  [undefined, "–"],
])("prints a change of %p as %p", (change, text) => {
  expect(formatChange(change)).toBe(text);
});
