import { expect, test } from "bun:test";
import {
  parseMappedFileKb,
  parseProcessFaults,
  parseProcessIo,
  parseProcessMemory,
} from "../../../src/dev/base/process.ts";

const STATUS = [
  "Name:\tbootstrap",
  "VmPeak:\t  1203344 kB",
  "VmHWM:\t    46120 kB",
  "VmRSS:\t    44876 kB",
  "Threads:\t5",
].join("\n");

test("reads the peak and the current resident memory from a /proc status file", () => {
  expect(parseProcessMemory(STATUS)).toEqual({ peakKb: 46_120, rssKb: 44_876, anonKb: undefined, fileKb: undefined });
  const split = `${STATUS}\nRssAnon:\t    3676 kB\nRssFile:\t   26544 kB`;
  expect(parseProcessMemory(split)).toEqual({ peakKb: 46_120, rssKb: 44_876, anonKb: 3_676, fileKb: 26_544 });
});

test("gives nothing for a status file without memory lines, as a zombie's has", () => {
  expect(parseProcessMemory("Name:\tbootstrap\nState:\tZ (zombie)\n")).toBeUndefined();
});

test("reads bytes from the disk, bytes through read(2) and read calls from a /proc io file", () => {
  const io = "rchar: 14667\nwchar: 512\nsyscr: 33\nsyscw: 4\nread_bytes: 103591936\nwrite_bytes: 0\n";
  expect(parseProcessIo(io)).toEqual({ readBytes: 103_591_936, rchar: 14_667, syscr: 33 });
  expect(parseProcessIo("rchar: 1\n")).toBeUndefined();
});

test("reads minor and major faults from a /proc stat line whose command holds spaces and parentheses", () => {
  const stat = "4242 (boot (x) strap) S 1 4242 4242 0 -1 4194560 1366 0 36 0 10 3 0 0 20 0 5 0 100 0 0";
  expect(parseProcessFaults(stat)).toEqual({ minor: 1_366, major: 36 });
});

test("sums the resident pages of one file's mappings in a smaps text", () => {
  const smaps = [
    "00200000-01a39000 r--p 00000000 fe:00 5316638    /task/bootstrap",
    "Size:              24676 kB",
    "Rss:                5120 kB",
    "01a40000-0684a000 r-xp 01838000 fe:00 5316638    /task/bootstrap",
    "Rss:               19524 kB",
    "7fb19098c000-7fb190ae2000 r-xp 00026000 fe:00 339380 /usr/lib/libc.so.6",
    "Rss:                1168 kB",
    "21817e00000-21857e00000 rw-p 00000000 00:00 0",
    "Rss:                2996 kB",
  ].join("\n");
  expect(parseMappedFileKb(smaps, "/task/bootstrap")).toBe(24_644);
  expect(parseMappedFileKb(smaps, "/task/other")).toBe(0);
});
