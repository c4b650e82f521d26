import { expect, test } from "bun:test";
import { formatBytes, formatDuration, formatSizeTable, formatStepLine } from "../../../src/dev/build/index.ts";

test.each([
  [0, "0.0 s"],
  [49, "0.0 s"],
  [1234, "1.2 s"],
  [61_060, "61.1 s"],
])("shows %d ms as %p", (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
});

test.each([
  [0, "0"],
  [999, "999"],
  [52_428_800, "52,428,800"],
  [-3_000, "-3,000"],
])("groups %d bytes as %p", (bytes, text) => {
  expect(formatBytes(bytes)).toBe(text);
});

test("prints one progress line per step with what it wrote and how long it took", () => {
  expect(formatStepLine("compile x86_64", "dist/x86_64/bootstrap", 1234)).toBe(
    "compile x86_64 → dist/x86_64/bootstrap … 1.2 s",
  );
});

test("tabulates sizes and the margin under the limit, negative when over", () => {
  const rows = [
    { arch: "x86_64", bytes: 109_385_904, zipBytes: 52_100_160 },
    { arch: "arm64", bytes: 109_431_800, zipBytes: 52_500_000 },
  ];
  expect(formatSizeTable(rows, 52_428_800)).toBe(
    [
      "arch    bootstrap bytes   zip bytes  margin bytes   margin",
      "x86_64      109,385,904  52,100,160       328,640   0.63 %",
      "arm64       109,431,800  52,500,000       -71,200  -0.14 %",
      "zip limit 52,428,800 bytes (Lambda direct upload)",
      "",
    ].join("\n"),
  );
});
