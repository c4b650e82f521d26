import { describe, expect, test } from "bun:test";
import { downstreamDeadline, init } from "../src/main.ts";

describe("downstreamDeadline (README, Decisions D12)", () => {
  const arrival = 1_800_000_000_000;
  test.each([
    ["Alexa's patience when Lambda allows more", arrival + 30_000, arrival + 7_000],
    ["half a second before Lambda's deadline when that comes first", arrival + 3_000, arrival + 2_500],
    ["the two limits where they meet", arrival + 7_500, arrival + 7_000],
    ["already past when Lambda's deadline is under the margin", arrival + 200, arrival - 300],
  ])("ends downstream calls at %s", (_case, lambdaDeadline, expected) => {
    expect(downstreamDeadline(lambdaDeadline, arrival)).toBe(expected);
  });
});

describe("init", () => {
  const log = { debug() {}, info() {}, warn() {}, error() {}, child: () => log, redact() {} };

  test("fails with the variable's name on a bad setting, before any invocation", async () => {
    const saved = process.env["TFL_API_URL"];
    process.env["TFL_API_URL"] = "ftp://example.invalid/";
    try {
      expect(() => init(log as never)).toThrow(/TFL_API_URL/);
    } finally {
      if (saved === undefined) delete process.env["TFL_API_URL"];
      else process.env["TFL_API_URL"] = saved;
    }
  });
});
