/** `bun run compare --local` against both real builds (arm64 under qemu on an x86_64 host), with small counts. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostArch, qemuAvailable } from "../../../src/dev/base/bootstrap-process.ts";
import { zipPath } from "../../../src/dev/base/builds.ts";
import { runCli } from "../../../src/dev/base/cli-support.ts";
import { COMPARE_USAGE } from "../../../src/dev/compare/compare-plan.ts";
import type { CompareJson } from "../../../src/dev/compare/compare-report.ts";
import { runCompare } from "../../../src/dev/compare/compare.ts";
import { captureIo } from "../helpers/capture-io.ts";
import { DIST, skipReason } from "../helpers/builds.ts";

const reasons = [skipReason("x86_64", "compare end-to-end tests"), skipReason("arm64", "compare end-to-end tests")];
const zipsBuilt = (["x86_64", "arm64"] as const).every((arch) => existsSync(zipPath(DIST, arch)));
if (!zipsBuilt && reasons.every((reason) => reason === undefined)) {
  console.warn(
    "\n⚠⚠⚠ compare end-to-end tests: a dist/lambda-<arch>.zip is missing (did the build fail?); the zip rows are not checked ⚠⚠⚠\n",
  );
}

describe.skipIf(reasons.some((reason) => reason !== undefined))("bun run compare --local", () => {
  let directory = "";

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "compare-e2e-"));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test("measures both builds and prints the table, marking emulated figures", async () => {
    const summary = join(directory, "summary.md");
    const { io, stdout, stderr } = captureIo();
    const code = await runCli(
      () =>
        runCompare(["--local", "--cold", "2", "--warm", "3", "--dist", DIST], {
          io,
          env: { GITHUB_STEP_SUMMARY: summary },
          hostArch: hostArch(),
          qemuAvailable,
        }),
      COMPARE_USAGE,
      io,
    );
    const out = stdout();
    expect(code).toBe(0);
    expect(out).toStartWith("### x86_64 vs arm64 (local runs)\n");
    if (zipsBuilt) {
      expect(out).toMatch(
        /\| Published size \(zip\) \| [\d.]+ MiB \([\d,]+ B\) \| [\d.]+ MiB \([\d,]+ B\) \| [-+]?[\d.,]+% \|/,
      );
      expect(out).toContain("| Files in the zip | 1 | 1 | 0.0% |");
    }
    expect(out).toMatch(/\| Executable size \| [\d.]+ MiB \([\d,]+ B\) \| [\d.]+ MiB \([\d,]+ B\) \| [-+]?[\d.,]+% \|/);
    expect(out).toContain("| Cold starts | 2 | 2 | 0.0% |");
    expect(out).toContain("| Warm invocations | 3 | 3 | 0.0% |");
    expect(out).toContain("| Failed invocations | 0 | 0 | 0.0% |");
    expect(out).toMatch(/\| Init duration, median \| [\d.,]+ ms \| [\d.,]+ ms/);
    if (hostArch() === "x86_64") {
      expect(out).toContain("arm64 (emulated: qemu-aarch64-static) †");
      expect(out).toContain("† arm64 was emulated by qemu-aarch64-static");
    }
    expect(stderr()).toContain("cold start 2/2");
    expect(await Bun.file(summary).text()).toBe(`${out}\n`);
  }, 40_000);

  test("gives the same measurements as JSON", async () => {
    const { io, stdout, stderr } = captureIo();
    const code = await runCli(
      () =>
        runCompare(["--cold", "1", "--warm", "1", "--json", "--dist", DIST], {
          io,
          env: {},
          hostArch: hostArch(),
          qemuAvailable,
        }),
      COMPARE_USAGE,
      io,
    );
    expect(code).toBe(0);
    const json = JSON.parse(stdout()) as CompareJson;
    expect(json.source).toBe("local");
    for (const result of [json.x86_64, json.arm64]) {
      if (zipsBuilt) {
        expect(result.zipEntries).toBe(1);
        expect(result.executableBytes).toBeGreaterThan(result.zipBytes ?? Number.POSITIVE_INFINITY);
      }
      expect(result.init?.count).toBe(1);
      expect(result.warm?.count).toBe(1);
      expect(result.maxMemoryUsedMb).toBeGreaterThan(0);
    }
    expect(json.arm64.emulation).toBe(
      hostArch() === "x86_64" ? "qemu-aarch64-static" : (undefined as unknown as string),
    );
  }, 30_000);
});
