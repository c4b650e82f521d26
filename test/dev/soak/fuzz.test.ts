/**
 * Issue 7, item 1 (in process): fast-check events through the real handler with the real TfL and
 * skill-API clients on loopback, judged word by word where the right answer is known; then the
 * backends' answers fuzzed. FUZZ_RUNS sets the event count (default 10,000), FUZZ_ANSWER_RUNS the
 * answer count (default 1,000), FUZZ_SEED replays a run. A failure prints the shrunk plan: add an
 * event plan to test/fixtures/reliability/regressions.json.
 */
import { describe, expect, test } from "bun:test";
import { runAnswerFuzz, runInProcessFuzz } from "../../../src/dev/soak/fuzz.ts";
import { strings } from "../../../src/skill/speech/strings.ts";
import { answerFuzzRuns, fuzzRuns, fuzzSeed } from "../helpers/soak-settings.ts";

/** The answer fuzzer's seed when FUZZ_SEED is unset: CI judges the same cases every run. */
const ANSWER_SEED = 20_261_204;

/** An Alexa answer with `speech` said and shown on a card, as a broken skill might give it. */
function sayInstead(speech: string): unknown {
  return {
    version: "1.0",
    response: {
      outputSpeech: { type: "SSML", ssml: `<speak>${speech.replaceAll("'", "&apos;")}</speak>` },
      card: { type: "Standard", title: "Status", text: speech },
      shouldEndSession: true,
    },
  };
}

describe("fuzzing the event path in process", () => {
  test("every generated event ends in exactly one answer, judged questions get the right words, and the next valid event is answered correctly", async () => {
    const runs = fuzzRuns(10_000);
    const report = await runInProcessFuzz({ runs, seed: fuzzSeed() });
    console.log(
      `fuzz (in process): ${report.events} events, ${report.responses} responses (${report.judged} judged word by word), ` +
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
    // The generator must reach both outcomes, real I/O and the judged questions, or it is not testing much.
    expect(report.responses).toBeGreaterThan(runs / 10);
    expect(report.judged).toBeGreaterThan(runs / 10);
    expect(report.invocationErrors["InvalidRequestError"] ?? 0).toBeGreaterThan(runs / 10);
    expect(report.invocationErrors["SkillIdMismatchError"] ?? 0).toBeGreaterThan(0);
    expect(report.outboundRequests).toBeGreaterThan(0);
  }, 120_000);

  test.each([
    [
      "apologises to every question it could answer",
      strings.apology,
      "apologised, but the backends' answers were usable",
    ],
    ["answers every question with the Victoria line's good service", "The Victoria line has a good service.", ""],
  ])(
    "notices a skill that %s",
    async (_name, words, problem) => {
      const report = await runInProcessFuzz({ runs: 300, seed: 1, tamper: () => sayInstead(words) });
      expect(report.failure).toBeDefined();
      expect(report.failure).toContain(problem);
    },
    60_000,
  );
});

describe("fuzzing TfL's and the skill API's answers in process", () => {
  test("every answer is valid, safe and right: the apology exactly when a backend's answer is unusable", async () => {
    const runs = answerFuzzRuns(1_000);
    const report = await runAnswerFuzz({ runs, seed: fuzzSeed() ?? ANSWER_SEED });
    console.log(
      `fuzz (backend answers): ${report.runs} cases ${JSON.stringify(report.expected)}, ` +
        `${report.backendRequests} loopback requests, seed ${report.seed}, ${report.durationMs} ms`,
    );
    if (report.counterexample !== undefined) {
      console.log(`shrunk counterexample: ${JSON.stringify(report.counterexample)}`);
    }
    expect(report.failure).toBeUndefined();
    expect(report.runs).toBe(runs);
    // Both sides of "apology exactly when unusable" and every other answer must be reached.
    for (const kind of ["apology", "lines", "disruptions", "noFavourites", "relink"]) {
      expect(report.expected[kind] ?? 0).toBeGreaterThan(runs / 100);
    }
  }, 120_000);

  test.each([
    ["apologises whatever the backends said", () => sayInstead(strings.apology), "apologised, but"],
    [
      "answers every question with another line's good service",
      () => sayInstead("The Circle line has a good service."),
      "",
    ],
    ["never apologises", () => sayInstead("All fine."), ""],
    [
      "keeps the session open after an answer",
      (response: unknown) => {
        const copy = structuredClone(response) as { response: Record<string, unknown> };
        copy.response["shouldEndSession"] = false;
        return copy;
      },
      "session",
    ],
  ] as const)(
    "notices a skill that %s",
    async (_name, tamper, says) => {
      const report = await runAnswerFuzz({ runs: 200, seed: ANSWER_SEED, tamper });
      expect(report.failure).toBeDefined();
      expect(report.failure).toContain(says);
    },
    60_000,
  );
});
