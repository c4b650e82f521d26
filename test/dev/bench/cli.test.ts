import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { runBenchCli } from "../../../src/dev/bench/cli.ts";
import { BENCH_USAGE } from "../../../src/dev/bench/args.ts";
import { captureIo } from "../helpers/capture-io.ts";

const ROOT = resolve(import.meta.dir, "../../..");

test("prints the usage for --help", async () => {
  const { out, io } = captureIo();
  expect(await runBenchCli(["--help"], io)).toBe(0);
  expect(out).toEqual([BENCH_USAGE]);
});

test("prints the plan for --dry-run and starts nothing", async () => {
  const { out, io } = captureIo();
  expect(await runBenchCli(["--dry-run", "--out", "dist/bench/never-written.json"], io)).toBe(0);
  expect(out.join("")).toContain("bench plan (dry run: nothing is built or started)");
  expect(existsSync(resolve(ROOT, "dist/bench/never-written.json"))).toBe(false);
});
