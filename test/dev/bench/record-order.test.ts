import { describe, expect, test } from "bun:test";
import { BYTECODE_ORDER_FILES } from "../../../src/dev/base/build-plan.ts";
import {
  compareOrderProfiles,
  describeStaleProfiles,
  parseRecordOrderArgs,
  profileEntries,
  RECORD_ORDER_USAGE,
  RERECORD_COMMAND,
} from "../../../src/dev/bench/record-order.ts";

const profile = (...hashes: string[]): string =>
  ["v2", ...hashes.map((hash) => `F ${hash}`), `M ${hashes.join("")}`, ""].join("\n");

test("reads the entries that place code, not the header or the whole-bundle module line", () => {
  expect([...profileEntries("v2\nF aa\nS bb\nM cc\nK dd\n")]).toEqual(["F aa", "S bb", "K dd"]);
});

test.each([
  ["the same functions in another order", profile("a1", "b1", "c1"), profile("c1", "a1", "b1"), 0, 0],
  ["a function changed on the recorded path", profile("a1", "b1", "c1"), profile("a1", "b1", "f1"), 1, 1],
  ["a function the requests now also run", profile("a1", "b1"), profile("a1", "b1", "e1"), 1, 0],
  ["a function the requests no longer run", profile("a1", "b1", "d1"), profile("a1", "b1"), 0, 1],
])("compares as sets of functions: %s", (_name, committed, fresh, missing, extra) => {
  expect(compareOrderProfiles("x.order", committed, fresh)).toEqual({
    file: "x.order",
    missing,
    extra,
    recorded: [...profileEntries(fresh)].length,
  });
});

test("says nothing when every profile matches, and names the stale ones with the fix otherwise", () => {
  const fine = compareOrderProfiles("launch.order", profile("a1"), profile("a1"));
  expect(describeStaleProfiles([fine])).toBe("");
  const stale = compareOrderProfiles("invocations.order", profile("a1", "b1"), profile("a1", "c1", "d1"));
  const text = describeStaleProfiles([fine, stale]);
  expect(text).toContain("invocations.order is stale: 2 of the 3 entries its requests now record are not in it");
  expect(text).not.toContain("launch.order");
  expect(text).toContain(RERECORD_COMMAND);
});

describe("record-order's options", () => {
  test.each([
    [[], "record"],
    [["--check"], "check"],
    [["--dry-run"], "dry-run"],
    [["--help"], "help"],
    [["-h"], "help"],
    [["--bogus"], "usage"],
    [["--check", "--dry-run"], "usage"],
  ] as const)("%p → %p", (argv, mode) => {
    expect(parseRecordOrderArgs(argv)).toBe(mode);
  });

  test("the usage names the profiles and the one command that re-records them", () => {
    for (const file of BYTECODE_ORDER_FILES) expect(RECORD_ORDER_USAGE).toContain(file);
    expect(RECORD_ORDER_USAGE).toContain(RERECORD_COMMAND);
  });
});
