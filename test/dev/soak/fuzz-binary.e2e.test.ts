/**
 * Issue 7, item 1 (through the binary): a sample of the fuzz events, raw bodies with invalid UTF-8
 * included, sent to the compiled bootstrap by the Runtime API emulator. FUZZ_BINARY_RUNS sets the
 * count (CI default 1,000; `bun run soak` sends 10,000).
 */
import { afterAll, describe, expect } from "bun:test";
import { startFunction, type FunctionUnderTest } from "../../../src/dev/soak/binary.ts";
import { FUZZ_SECRETS } from "../../../src/dev/soak/fuzz.ts";
import { runBinaryFuzz } from "../../../src/dev/soak/fuzz-binary.ts";
import { SECRET_MARKERS } from "../../../src/dev/soak/in-process.ts";
import { renderRegression, type RegressionCase } from "../../../src/dev/soak/regressions.ts";
import regressions from "../../fixtures/reliability/regressions.json" with { type: "json" };
import { binaryFuzzRuns, fuzzSeed } from "../helpers/soak-settings.ts";
import { testIfRunnable } from "../helpers/builds.ts";

const e2e = testIfRunnable("x86_64", "binary fuzz");

const e2eArm = testIfRunnable("arm64", "fuzz sample");

let fn: FunctionUnderTest | undefined;
let arm: FunctionUnderTest | undefined;
afterAll(async () => {
  await fn?.stop();
  await arm?.stop();
});

describe("fuzzing the event path through the compiled binary", () => {
  e2e(
    "every generated raw body gets exactly one answer and the process never exits",
    async () => {
      fn = await startFunction({ proxy: true });
      const runs = binaryFuzzRuns(1_000);
      const report = await runBinaryFuzz({
        fn,
        runs,
        seed: fuzzSeed(),
        secrets: [...FUZZ_SECRETS, SECRET_MARKERS.tflAppId],
        large: true,
      });
      console.log(
        `fuzz (binary): ${report.events} events, ${report.responses} responses, ${JSON.stringify(report.errors)} errors, ` +
          `${report.canaries} canaries, ${report.outputLines} log lines checked, seed ${report.seed}, ${report.durationMs} ms`,
      );
      if (report.counterexample !== undefined) {
        console.log(`shrunk counterexample (add to regressions.json): ${JSON.stringify(report.counterexample)}`);
      }
      expect(report.failure).toBeUndefined();
      expect(report.generatedRuns).toBe(runs);
      expect(fn.exitCode()).toBeUndefined();
    },
    90_000,
  );
});

describe("the arm64 binary under qemu", () => {
  e2eArm(
    "a smaller sample and every regression case get their answers from the arm64 build",
    async () => {
      arm = await startFunction({ arch: "arm64", proxy: true });
      for (const entry of regressions as unknown as RegressionCase[]) {
        const outcome = await arm.invoke(null, { rawBody: renderRegression(entry) });
        // The body's readable errorType (the header carries the Function.* form).
        const kind = outcome.kind === "error" ? (outcome.body as { errorType?: unknown }).errorType : outcome.kind;
        expect(`${entry.title}: ${kind}`).toBe(`${entry.title}: ${entry.expect}`);
      }
      const runs = Math.max(50, Math.round(binaryFuzzRuns(1_000) / 5));
      const report = await runBinaryFuzz({
        fn: arm,
        runs,
        seed: fuzzSeed(),
        secrets: [...FUZZ_SECRETS, SECRET_MARKERS.tflAppId],
        large: false,
      });
      console.log(
        `fuzz (arm64 under qemu): ${report.events} events, ${report.responses} responses, ${JSON.stringify(report.errors)}, seed ${report.seed}, ${report.durationMs} ms`,
      );
      expect(report.failure).toBeUndefined();
      expect(arm.exitCode()).toBeUndefined();
    },
    90_000,
  );
});
