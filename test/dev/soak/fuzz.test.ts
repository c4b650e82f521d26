/**
 * Issue 7, item 1 (in process): fast-check events through the real handler with the real TfL and
 * skill-API clients on loopback. FUZZ_RUNS sets the count (default 10,000), FUZZ_SEED replays a run.
 * A failure prints the shrunk plan: add it to test/fixtures/reliability/regressions.json.
 */
import { describe, expect, test } from "bun:test";
import { runInProcessFuzz } from "../../../src/dev/soak/fuzz.ts";
import { fuzzRuns, fuzzSeed } from "../helpers/soak-settings.ts";

describe("fuzzing the event path in process", () => {
  test("every generated event ends in exactly one answer and the next valid event is answered correctly", async () => {
    const runs = fuzzRuns(10_000);
    const report = await runInProcessFuzz({ runs, seed: fuzzSeed() });
    console.log(
      `fuzz (in process): ${report.events} events, ${report.responses} responses, ` +
        `${JSON.stringify(report.invocationErrors)} invocation errors, ${report.canaries} canaries, ` +
        `${report.outboundRequests} loopback requests, ${report.logLines} log lines, seed ${report.seed}, ${report.durationMs} ms`,
    );
    if (report.counterexample !== undefined) {
      console.log(`shrunk counterexample (add to regressions.json): ${JSON.stringify(report.counterexample)}`);
    }
    expect(report.failure).toBeUndefined();
    expect(report.generatedRuns).toBe(runs);
    const errors = Object.values(report.invocationErrors).reduce((sum, count) => sum + count, 0);
    expect(report.responses + errors + report.unparseable).toBe(report.events);
    // The generator must reach both outcomes and real I/O, or it is not testing much.
    expect(report.responses).toBeGreaterThan(runs / 10);
    expect(report.invocationErrors["InvalidRequestError"] ?? 0).toBeGreaterThan(runs / 10);
    expect(report.invocationErrors["SkillIdMismatchError"] ?? 0).toBeGreaterThan(0);
    expect(report.outboundRequests).toBeGreaterThan(0);
  }, 120_000);
});
