import { expect, test } from "bun:test";
import { parseProcessMemory } from "../../../src/dev/base/process.ts";

const STATUS = [
  "Name:\tbootstrap",
  "VmPeak:\t  1203344 kB",
  "VmHWM:\t    46120 kB",
  "VmRSS:\t    44876 kB",
  "Threads:\t5",
].join("\n");

test("reads the peak and the current resident memory from a /proc status file", () => {
  expect(parseProcessMemory(STATUS)).toEqual({ peakKb: 46_120, rssKb: 44_876 });
});

test("gives nothing for a status file without memory lines, as a zombie's has", () => {
  expect(parseProcessMemory("Name:\tbootstrap\nState:\tZ (zombie)\n")).toBeUndefined();
});
