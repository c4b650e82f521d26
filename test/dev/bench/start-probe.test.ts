import { expect, test } from "bun:test";
import { runStartProbe, START_PROBE_USAGE } from "../../../src/dev/bench/start-probe.ts";
import { UsageError } from "../../../src/dev/base/cli-support.ts";

const quiet = { out: () => undefined, err: () => undefined };

test("prints its usage for --help and starts nothing", async () => {
  const out: string[] = [];
  expect(await runStartProbe(["--help"], { out: (line) => out.push(line), err: () => undefined })).toBe(0);
  expect(out).toEqual([START_PROBE_USAGE]);
});

test.each([
  [[], "name the executable(s) to start"],
  [["--runs", "0", "x"], "--runs must be a positive whole number"],
  [["--env", "NOEQUALS", "x"], '--env wants K=V, not "NOEQUALS"'],
])("refuses %p with a usage error", async (argv, message) => {
  const error = await runStartProbe(argv, quiet).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).toBe(message);
});
