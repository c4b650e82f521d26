import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendStepSummary, markdownTable, runCli, ShipError, UsageError } from "../../../src/dev/ship/cli.ts";
import { captureIo } from "../helpers/capture-io.ts";

const ROOT = join(import.meta.dir, "../../..");
const TEMP = await mkdtemp(join(tmpdir(), "ship-cli-"));

afterAll(() => rm(TEMP, { recursive: true, force: true }));

describe("runCli", () => {
  test.each([
    ["a result", async () => 0, 0, ""],
    [
      "a usage error, with the usage",
      async () => Promise.reject(new UsageError("no such option")),
      2,
      "✗ no such option\n\nUSAGE",
    ],
    [
      "a failed check, message only",
      async () => Promise.reject(new ShipError("digest differs")),
      1,
      "✗ digest differs",
    ],
  ])("turns %s into its exit code", async (_title, body, code, err) => {
    const captured = captureIo();
    expect(await runCli(body, "USAGE", captured.io)).toBe(code);
    expect(captured.err.join("")).toBe(err);
  });

  test("shows the stack of an unexpected error", async () => {
    const captured = captureIo();
    expect(await runCli(async () => Promise.reject(new TypeError("oops")), "USAGE", captured.io)).toBe(1);
    expect(captured.err.join("")).toContain("TypeError: oops\n    at ");
  });
});

describe("appendStepSummary", () => {
  test("appends to the file GitHub names, each section followed by a blank line", async () => {
    const path = join(TEMP, "summary.md");
    expect(await appendStepSummary("# one\n", { GITHUB_STEP_SUMMARY: path })).toBe(true);
    expect(await appendStepSummary("two", { GITHUB_STEP_SUMMARY: path })).toBe(true);
    expect(await Bun.file(path).text()).toBe("# one\n\ntwo\n\n");
  });

  test.each([[{}], [{ GITHUB_STEP_SUMMARY: "" }]])("does nothing outside GitHub Actions (%p)", async (env) => {
    expect(await appendStepSummary("x", env)).toBe(false);
  });
});

describe("markdownTable", () => {
  test("aligns columns and escapes pipes and line breaks in cells", () => {
    expect(markdownTable(["a", "b"], [["x|y", "1\n2"]], ["l", "r"])).toBe(
      "| a | b |\n| --- | ---: |\n| x\\|y | 1 2 |\n",
    );
  });
});

describe("every ship script", () => {
  test.each(["deploy", "launch-event", "rie-invoke", "sha256sums", "size-summary", "verify-launch-response"])(
    "%s.ts runs from the command line and prints its help",
    (name) => {
      const result = Bun.spawnSync([process.execPath, "run", `src/dev/ship/${name}.ts`, "--help"], {
        cwd: ROOT,
        env: { PATH: process.env["PATH"] ?? "" },
      });
      expect({ code: result.exitCode, stderr: result.stderr.toString() }).toEqual({ code: 0, stderr: "" });
      expect(result.stdout.toString()).toStartWith(`Usage: bun run src/dev/ship/${name}.ts`);
    },
  );
});
