import { expect, test } from "bun:test";
import { billedDurationMs, formatReportLine, kibToMb } from "../../../src/dev/base/report-line.ts";

test.each([
  [
    "a cold start, with Init Duration last",
    {
      requestId: "8d1f",
      durationMs: 12.344,
      billedDurationMs: 68,
      memorySizeMb: 512,
      maxMemoryUsedMb: 40,
      initDurationMs: 55.1,
    },
    "REPORT RequestId: 8d1f\tDuration: 12.34 ms\tBilled Duration: 68 ms\tMemory Size: 512 MB\tMax Memory Used: 40 MB\tInit Duration: 55.10 ms",
  ],
  [
    "a warm invocation",
    { requestId: "8d20", durationMs: 1.005, billedDurationMs: 2, memorySizeMb: 512, maxMemoryUsedMb: 41 },
    "REPORT RequestId: 8d20\tDuration: 1.00 ms\tBilled Duration: 2 ms\tMemory Size: 512 MB\tMax Memory Used: 41 MB",
  ],
  [
    "a timeout, with its status",
    {
      requestId: "8d21",
      durationMs: 3000,
      billedDurationMs: 3000,
      memorySizeMb: 128,
      maxMemoryUsedMb: 41,
      status: "timeout",
    },
    "REPORT RequestId: 8d21\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\tStatus: timeout",
  ],
  [
    "a crash, with its error type and no memory figure",
    {
      requestId: "8d22",
      durationMs: 4.5,
      billedDurationMs: 5,
      memorySizeMb: 512,
      maxMemoryUsedMb: undefined,
      status: "error",
      errorType: "Runtime.ExitError",
    },
    "REPORT RequestId: 8d22\tDuration: 4.50 ms\tBilled Duration: 5 ms\tMemory Size: 512 MB\tMax Memory Used: ? MB\tStatus: error\tError Type: Runtime.ExitError",
  ],
  [
    "a success status, which Lambda does not print",
    {
      requestId: "8d23",
      durationMs: 2,
      billedDurationMs: 2,
      memorySizeMb: 512,
      maxMemoryUsedMb: 41,
      status: "success",
    },
    "REPORT RequestId: 8d23\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 512 MB\tMax Memory Used: 41 MB",
  ],
])("formats %s", (_title, report, line) => {
  expect(formatReportLine(report)).toBe(line);
});

test.each([
  [12.01, undefined, 13],
  [12, undefined, 12],
  [41.87, 144.62, 187],
  [0.2, 0.2, 1],
])("bills %p ms after an init of %p ms as %p ms", (duration, init, billed) => {
  expect(billedDurationMs(duration, init)).toBe(billed);
});

test.each([
  [40_960, 40],
  [40_961, 41],
  [1, 1],
])("reports %p KiB of peak RSS as %p MB", (kib, mb) => {
  expect(kibToMb(kib)).toBe(mb);
});
