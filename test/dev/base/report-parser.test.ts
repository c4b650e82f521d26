import { describe, expect, test } from "bun:test";
import { formatReportLine, type InvocationReport } from "../../../src/dev/base/report-line.ts";
import { isColdStart, parseReportLines } from "../../../src/dev/base/report-parser.ts";

const fixture = (name: string): Promise<string> =>
  Bun.file(new URL(`../../fixtures/local/${name}`, import.meta.url)).text();

const TAB_COLD =
  "REPORT RequestId: 3f1c9a52-6b7e-4d0a-9e21-8c4b5a6d7e01\tDuration: 41.87 ms\tBilled Duration: 187 ms\tMemory Size: 512 MB\tMax Memory Used: 61 MB\tInit Duration: 144.62 ms\t";
const TAB_WARM =
  "REPORT RequestId: a0d2e4f6-1b3c-4d5e-8f70-9a1b2c3d4e5f\tDuration: 3.12 ms\tBilled Duration: 4 ms\tMemory Size: 512 MB\tMax Memory Used: 62 MB\t";
const JSON_COLD = JSON.stringify({
  time: "2026-03-14T08:20:00.153Z",
  type: "platform.report",
  record: {
    requestId: "9c8b7a65-4d3e-4f21-b0a9-8c7d6e5f4a3b",
    metrics: {
      durationMs: 31.44,
      billedDurationMs: 152,
      memorySizeMB: 512,
      maxMemoryUsedMB: 58,
      initDurationMs: 120.13,
    },
    status: "success",
  },
});
const JSON_WARM = JSON.stringify({
  time: "2026-03-14T08:20:05.410Z",
  type: "platform.report",
  record: {
    requestId: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    metrics: { durationMs: 2.05, billedDurationMs: 3, memorySizeMB: 512, maxMemoryUsedMB: 59 },
  },
});

describe("one line at a time", () => {
  test.each<[string, string, Partial<InvocationReport>, "cold" | "warm"]>([
    [
      "a tab-separated cold start with Init Duration",
      TAB_COLD,
      {
        requestId: "3f1c9a52-6b7e-4d0a-9e21-8c4b5a6d7e01",
        durationMs: 41.87,
        billedDurationMs: 187,
        memorySizeMb: 512,
        maxMemoryUsedMb: 61,
        initDurationMs: 144.62,
      },
      "cold",
    ],
    [
      "a tab-separated warm invocation without Init Duration",
      TAB_WARM,
      { durationMs: 3.12, billedDurationMs: 4, maxMemoryUsedMb: 62 },
      "warm",
    ],
    [
      "a console copy with a timestamp in front and spaces for tabs",
      `2026-03-14T08:31:04.024+00:00  ${TAB_WARM.replaceAll("\t", " ")}`,
      { requestId: "a0d2e4f6-1b3c-4d5e-8f70-9a1b2c3d4e5f", durationMs: 3.12 },
      "warm",
    ],
    [
      "an `aws logs tail` line with the stream name in front",
      `2026-03-14T08:31:00.611000+00:00 2026/03/14/[$LATEST]4b1e0d7c ${TAB_COLD}`,
      { initDurationMs: 144.62 },
      "cold",
    ],
    [
      "a line with the XRAY trace on the same line",
      `${TAB_COLD}XRAY TraceId: 1-65f2b0a6-4c1d2e3f5a6b7c8d9e0f1a2b\tSegmentId: 5b6c7d8e9f0a1b2c\tSampled: true`,
      { durationMs: 41.87, initDurationMs: 144.62 },
      "cold",
    ],
    [
      "a timed-out invocation with its status",
      `${TAB_WARM.replace("Duration: 3.12 ms", "Duration: 10000.00 ms")}Status: timeout`,
      { durationMs: 10000, status: "timeout" },
      "warm",
    ],
    [
      "a crash with its error type",
      `${TAB_WARM}Status: error\tError Type: Runtime.ExitError`,
      { status: "error", errorType: "Runtime.ExitError" },
      "warm",
    ],
    [
      "a SnapStart restore, counted as a cold start",
      `${TAB_WARM}Restore Duration: 412.08 ms\tBilled Restore Duration: 181 ms`,
      { restoreDurationMs: 412.08 },
      "cold",
    ],
    [
      "a JSON platform.report cold start",
      JSON_COLD,
      { durationMs: 31.44, initDurationMs: 120.13, status: "success" },
      "cold",
    ],
    ["a JSON platform.report warm invocation", JSON_WARM, { durationMs: 2.05, maxMemoryUsedMb: 59 }, "warm"],
    ["a JSON record with a timestamp in front", `2026-03-14T08:20:05.410Z\t${JSON_WARM}`, { durationMs: 2.05 }, "warm"],
    [
      "a filter-log-events event on one line",
      JSON.stringify({ timestamp: 1773476430911, message: `${TAB_WARM}\n`, eventId: "1" }),
      { durationMs: 3.12 },
      "warm",
    ],
    [
      "a pretty-printed message property",
      `            "message": ${JSON.stringify(`${TAB_COLD}\nXRAY TraceId: 1-65f2\tSampled: true\n`)},`,
      { initDurationMs: 144.62 },
      "cold",
    ],
  ])("reads %s", (_title, line, expected, kind) => {
    const parsed = parseReportLines(line);
    expect(parsed.malformed).toEqual([]);
    expect(parsed.invocations).toHaveLength(1);
    expect(parsed.invocations[0]).toMatchObject(expected);
    expect(parsed[kind]).toHaveLength(1);
  });

  test.each([
    [
      "a truncated text line",
      "REPORT RequestId: 5a4b3c2d\tDuration: 2.91 ms\tBilled Duration: 3",
      "Billed Duration is not a number of ms",
    ],
    [
      "a line cut before Memory Size",
      "REPORT RequestId: 5a4b3c2d\tDuration: 2.91 ms\tBilled Duration: 3 ms",
      "no Memory Size",
    ],
    [
      "a word where a number belongs",
      "REPORT RequestId: 5a4b3c2d\tDuration: fast\tBilled Duration: 3 ms\tMemory Size: 512 MB\tMax Memory Used: 62 MB",
      "Duration is not a number of ms",
    ],
    [
      "a wrong unit",
      "REPORT RequestId: 5a4b3c2d\tDuration: 2 s\tBilled Duration: 3 ms\tMemory Size: 512 MB\tMax Memory Used: 62 MB",
      "Duration is not a number of ms",
    ],
    [
      "a negative duration",
      "REPORT RequestId: 5a4b3c2d\tDuration: -2.00 ms\tBilled Duration: 3 ms\tMemory Size: 512 MB\tMax Memory Used: 62 MB",
      "Duration is not a number of ms",
    ],
    ["a bad init duration", `${TAB_WARM}Init Duration: soon ms`, "Init Duration is not a number of ms"],
    ["no request id", "2026-03-14T08:31:09.880+00:00  REPORT RequestId:", "no request id"],
    ["a field name where the id belongs", "REPORT RequestId: Duration: 2 ms", "no request id"],
    [
      "a truncated JSON record",
      '{"time":"2026-03-14T08:20:09.300Z","type":"platform.report","record":{"requestId":"d1e2","metrics":{"durationMs":',
      "platform.report record is not valid JSON",
    ],
    [
      "a JSON record without metrics",
      '{"type":"platform.report","record":{"requestId":"d1e2"}}',
      "platform.report without metrics",
    ],
    [
      "a JSON record without a request id",
      '{"type":"platform.report","record":{"metrics":{}}}',
      "platform.report without a requestId",
    ],
    [
      "a JSON record with a string duration",
      '{"type":"platform.report","record":{"requestId":"d1e2","metrics":{"durationMs":"2","billedDurationMs":3,"memorySizeMB":512,"maxMemoryUsedMB":60}}}',
      "metrics.durationMs is not a number",
    ],
    [
      "a JSON record with a null record",
      '{"type":"platform.report","record":null}',
      "platform.report without a record",
    ],
  ])("skips and counts %s", (_title, line, reason) => {
    const parsed = parseReportLines(`${TAB_WARM}\n${line}\n`);
    expect(parsed.invocations).toHaveLength(1);
    expect(parsed.malformed).toEqual([{ where: "line 2", text: line, reason }]);
  });

  test.each([
    ["START", "START RequestId: 3f1c9a52-6b7e-4d0a-9e21-8c4b5a6d7e01 Version: $LATEST"],
    ["END", "END RequestId: 3f1c9a52-6b7e-4d0a-9e21-8c4b5a6d7e01"],
    ["XRAY", "XRAY TraceId: 1-65f2b0a6-4c1d2e3f5a6b7c8d9e0f1a2b\tSegmentId: 5b6c7d8e9f0a1b2c\tSampled: true\t"],
    ["INIT_START", "INIT_START Runtime Version: provided:al2023.v98"],
    ["a JSON application log", '{"timestamp":"2026-03-14T08:15:02.118Z","level":"INFO","event":"skill.request"}'],
    [
      "a platform.start record",
      '{"time":"2026-03-14T08:20:00.121Z","type":"platform.start","record":{"requestId":"9c8b"}}',
    ],
    ["binary noise", "\u0000\u0001garbage {"],
  ])("ignores %s lines without calling them malformed", (_title, line) => {
    const parsed = parseReportLines(line);
    expect(parsed).toMatchObject({ invocations: [], malformed: [], ignored: 1 });
  });

  test("reads nothing from an empty file", () => {
    expect(parseReportLines("")).toEqual({
      invocations: [],
      cold: [],
      warm: [],
      malformed: [],
      ignored: 0,
      duplicates: 0,
    });
  });

  test("reads back every line formatReportLine writes", () => {
    const reports: InvocationReport[] = [
      {
        requestId: "r-1",
        durationMs: 12.345,
        billedDurationMs: 68,
        memorySizeMb: 512,
        maxMemoryUsedMb: 40,
        initDurationMs: 55.1,
      },
      { requestId: "r-2", durationMs: 1.5, billedDurationMs: 2, memorySizeMb: 512, maxMemoryUsedMb: 41 },
      {
        requestId: "r-3",
        durationMs: 10000,
        billedDurationMs: 10000,
        memorySizeMb: 512,
        maxMemoryUsedMb: 41,
        status: "timeout",
      },
    ];
    const parsed = parseReportLines(reports.map(formatReportLine).join("\n"));
    expect(parsed.invocations).toEqual([
      { ...reports[0], durationMs: 12.35 } as InvocationReport,
      reports[1] as InvocationReport,
      reports[2] as InvocationReport,
    ]);
    expect(parsed.cold.map((report) => report.requestId)).toEqual(["r-1"]);
  });
});

describe("whole exports", () => {
  test("splits a text log into cold starts and warm invocations and skips the truncated line", async () => {
    const parsed = parseReportLines(await fixture("x86_64-text.log"));
    expect(parsed.cold.map((report) => report.initDurationMs)).toEqual([144.62, 139.4]);
    expect(parsed.warm.map((report) => report.durationMs)).toEqual([3.12, 2.48, 10000]);
    expect(parsed.warm[2]?.status).toBe("timeout");
    expect(parsed.malformed).toEqual([
      {
        where: "line 20",
        text: expect.stringContaining("5a4b3c2d") as unknown as string,
        reason: "Billed Duration is not a number of ms",
      },
    ]);
    expect(parsed.ignored).toBe(14);
  });

  test("reads a JSON-format log and counts the cut-off record", async () => {
    const parsed = parseReportLines(await fixture("arm64-json.log"));
    expect(parsed.cold.map((report) => report.durationMs)).toEqual([31.44, 29.8]);
    expect(parsed.warm.map((report) => report.durationMs)).toEqual([2.05, 1.87]);
    expect(parsed.malformed.map((line) => line.where)).toEqual(["line 8"]);
    expect(parsed.ignored).toBe(4);
  });

  test("reads `aws logs filter-log-events` output, text and JSON messages alike", async () => {
    const parsed = parseReportLines(await fixture("filter-log-events.json"));
    expect(parsed.cold.map((report) => report.requestId)).toEqual(["2b3c4d5e-6f70-4819-a2b3-c4d5e6f70819"]);
    expect(parsed.warm.map((report) => report.durationMs)).toEqual([2.77, 2.31]);
    expect(parsed.malformed).toEqual([
      {
        where: "events[4]",
        text: expect.stringContaining("Duration: fast") as unknown as string,
        reason: "Duration is not a number of ms",
      },
    ]);
    expect(parsed.ignored).toBe(1);
  });

  test("reads the same events line by line when the export is not one JSON document", async () => {
    const text = await fixture("filter-log-events.json");
    const parsed = parseReportLines(`${text}\n${text}`);
    expect(parsed.invocations).toHaveLength(3);
    expect(parsed.duplicates).toBe(3);
    expect(parsed.malformed).toHaveLength(2);
  });

  test("reads a console copy, drops the repeated row and counts the empty report", async () => {
    const parsed = parseReportLines(await fixture("console-copy.txt"));
    expect(parsed.cold).toEqual([
      {
        requestId: "61a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8",
        durationMs: 45.02,
        billedDurationMs: 199,
        memorySizeMb: 512,
        maxMemoryUsedMb: 60,
        initDurationMs: 153.33,
      },
    ]);
    expect(parsed.warm).toHaveLength(1);
    expect(parsed.duplicates).toBe(1);
    expect(parsed.malformed.map((line) => line.reason)).toEqual(["no request id"]);
  });

  test("reads a JSON array of records", () => {
    const parsed = parseReportLines(`[${JSON_COLD}, ${JSON_WARM}, "${TAB_WARM.replaceAll("\t", "\\t")}", 42]`);
    expect(parsed.invocations.map(isColdStart)).toEqual([true, false, false]);
    expect(parsed.ignored).toBe(1);
  });

  test("never throws on arbitrary text", () => {
    const samples = [
      "{",
      "[",
      "{}",
      "[1,",
      '{"events":',
      '{"events":[null, 1, "x", {"message": 5}]}',
      "\t\t\n\n  ",
      "REPORT RequestId: x Duration: 1e3 ms",
    ];
    for (const sample of samples) {
      expect(() => parseReportLines(sample)).not.toThrow();
    }
  });
});
