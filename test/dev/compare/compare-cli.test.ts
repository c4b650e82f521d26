import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMPARE_USAGE } from "../../../src/dev/compare/compare-plan.ts";
import { runCompare } from "../../../src/dev/compare/compare.ts";
import { runLocalCli, type CliRun } from "../helpers/capture-io.ts";

const fixture = (name: string): string => new URL(`../../fixtures/local/${name}`, import.meta.url).pathname;
let directory = "";

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "compare-cli-"));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const run = (argv: string[], env: Record<string, string> = {}): Promise<CliRun> =>
  runLocalCli(runCompare, COMPARE_USAGE, argv, { env, qemuAvailable: true });

describe("compare --logs", () => {
  test("prints the Markdown table for a text log and a JSON log and warns about skipped lines", async () => {
    const { code, stdout, stderr } = await run(["--logs", fixture("x86_64-text.log"), fixture("arm64-json.log")]);
    expect(code).toBe(0);
    expect(stdout).toStartWith(
      "### x86_64 vs arm64 (from Lambda REPORT logs)\n\n| Metric | x86_64 | arm64 | Change |\n",
    );
    expect(stdout).toContain("| Cold starts | 2 | 2 | 0.0% |");
    expect(stdout).toContain("| Warm invocations | 3 | 2 | -33.3% |");
    expect(stdout).toContain("x86_64: ");
    expect(stdout).toContain("5 invocations (2 cold, 3 warm), 1 malformed lines skipped");
    expect(stderr).toContain("line 20: skipped (Billed Duration is not a number of ms)");
    expect(stderr).toContain("line 8: skipped (platform.report record is not valid JSON)");
  });

  test("prints JSON with --json", async () => {
    const { code, stdout } = await run([
      "--logs",
      fixture("filter-log-events.json"),
      fixture("console-copy.txt"),
      "--json",
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as {
      source: string;
      x86_64: { coldStarts: number };
      arm64: { warmInvocations: number };
      rows: unknown[];
    };
    expect(json.source).toBe("logs");
    expect(json.x86_64.coldStarts).toBe(1);
    expect(json.arm64.warmInvocations).toBe(1);
    expect(json.rows.length).toBeGreaterThan(10);
  });

  test("appends the Markdown table to $GITHUB_STEP_SUMMARY", async () => {
    const summary = join(directory, "summary.md");
    await writeFile(summary, "# Earlier step\n");
    const { code } = await run(["--logs", fixture("x86_64-text.log"), fixture("arm64-json.log"), "--json"], {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(code).toBe(0);
    const text = await Bun.file(summary).text();
    expect(text).toStartWith("# Earlier step\n### x86_64 vs arm64 (from Lambda REPORT logs)\n");
    expect(text).toContain("| Cold starts | 2 | 2 | 0.0% |");
  });

  test("fails on a log without a single REPORT line, after printing the table", async () => {
    const empty = join(directory, "empty.log");
    await writeFile(empty, "START RequestId: 1 Version: $LATEST\nnothing else\n");
    const { code, stdout, stderr } = await run(["--logs", empty, fixture("arm64-json.log")]);
    expect(code).toBe(1);
    expect(stdout).toContain("| Cold starts | 0 | 2 | – |");
    expect(stderr).toContain("holds no REPORT lines");
  });

  test("fails with a message for a missing file", async () => {
    const { code, stderr } = await run(["--logs", join(directory, "missing.log"), fixture("arm64-json.log")]);
    expect(code).toBe(1);
    expect(stderr).toContain("missing.log does not exist");
  });
});

describe("compare, other commands", () => {
  test("prints the usage for --help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: bun run compare [--local] [options]");
  });

  test("prints the local plan for --dry-run without running anything", async () => {
    const { code, stdout } = await run(["--dry-run", "--cold", "3", "--dist", "/nowhere"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      source: "local",
      builds: [
        { arch: "x86_64", binary: "/nowhere/x86_64/bootstrap", zip: "/nowhere/lambda-x86_64.zip", emulation: null },
        {
          arch: "arm64",
          binary: "/nowhere/arm64/bootstrap",
          zip: "/nowhere/lambda-arm64.zip",
          emulation: "qemu-aarch64-static",
        },
      ],
      coldStarts: 3,
      warmInvocations: 20,
      event: 'StatusIntent, LINE "victoria"',
    });
  });

  test("says which build is missing", async () => {
    const { code, stderr } = await run(["--dist", join(directory, "no-dist")]);
    expect(code).toBe(1);
    expect(stderr).toContain("no-dist/x86_64/bootstrap does not exist: build it first with `bun run build`");
  });

  test("exits 2 with the usage for a bad argument", async () => {
    const { code, stderr } = await run(["--cold", "none"]);
    expect(code).toBe(2);
    expect(stderr).toContain('✗ --cold must be a whole number, not "none"');
    expect(stderr).toContain("Usage: bun run compare");
  });
});
