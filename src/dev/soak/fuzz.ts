/**
 * The in-process event fuzzer: fast-check plans rendered into raw bodies, parsed as the runtime
 * would, and answered by the real handler with the real clients against loopback backends. Every
 * event must end in exactly one outcome (a valid Alexa response, or InvalidRequestError /
 * SkillIdMismatchError), and a valid canary right after it must still be answered correctly.
 */
import fc from "fast-check";
import { startReliabilityBackends, type ReliabilityBackends } from "./backends.ts";
import { createCapturingLogger } from "./capture-log.ts";
import { baseEvent, describePlan, fuzzPlanArbitrary, renderPlan, TOKENS, type FuzzPlan } from "./events.ts";
import { createInProcessSkill, SECRET_MARKERS, type InProcessSkill, type Outcome } from "./in-process.ts";
import { alexaResponseProblems, leakedSecrets, outboundProblems } from "./invariants.ts";

/** Every secret the fuzz events or the configuration carry. */
export const FUZZ_SECRETS: readonly string[] = Object.freeze([
  SECRET_MARKERS.tflAppKey,
  ...Object.values(TOKENS),
  "local-alexa-api-access-token",
]);

/** Figures of one fuzz run. */
export interface FuzzReport {
  /** Events handed to the handler (generated runs plus shrink replays). */
  readonly events: number;
  readonly generatedRuns: number;
  readonly responses: number;
  readonly invocationErrors: Readonly<Record<string, number>>;
  /** Events that were not JSON at all (only through the Runtime API; counted, not handled). */
  readonly unparseable: number;
  readonly canaries: number;
  readonly outboundRequests: number;
  readonly logLines: number;
  readonly seed: number;
  readonly durationMs: number;
  /** Empty when everything held; otherwise the first failure, shrunk. */
  readonly failure: string | undefined;
  /** The shrunk plan that failed, ready to be stored as a regression case. */
  readonly counterexample: FuzzPlan | undefined;
}

/** What must hold for one event's outcome; returns problems (empty: fine). */
export function outcomeProblems(outcome: Outcome, secrets: readonly string[]): string[] {
  switch (outcome.kind) {
    case "noAnswer":
      return [`no answer within ${Math.round(outcome.ms)} ms`];
    case "unexpectedError": {
      const error = outcome.error;
      return [`unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`];
    }
    case "invocationError": {
      const problems: string[] = [];
      const message = outcome.error.message;
      if (message.length > 4_096) problems.push(`invocation error message is ${message.length} characters`);
      for (const secret of leakedSecrets(message, secrets)) problems.push(`invocation error leaks ${secret}`);
      return problems;
    }
    case "response": {
      const problems = alexaResponseProblems(outcome.response);
      let text = "";
      try {
        text = JSON.stringify(outcome.response);
      } catch {
        // reported by alexaResponseProblems
      }
      for (const secret of leakedSecrets(text, secrets)) problems.push(`response leaks ${secret}`);
      return problems;
    }
  }
}

/** A launch request must get the welcome with the session open. */
export function launchCanaryProblems(outcome: Outcome): string[] {
  if (outcome.kind !== "response") return [`launch canary: ${outcome.kind}`];
  const text = JSON.stringify(outcome.response);
  const problems: string[] = [];
  if (!text.includes("Welcome to London Travel")) problems.push("launch canary: no welcome");
  if (!text.includes('"shouldEndSession":false')) problems.push("launch canary: session not kept open");
  return problems;
}

/** The commute of the two-favourites account must name both lines (fresh HTTP: not cached). */
export function commuteCanaryProblems(outcome: Outcome): string[] {
  if (outcome.kind !== "response") return [`commute canary: ${outcome.kind}`];
  const text = JSON.stringify(outcome.response);
  return text.includes("Jubilee") && text.includes("Victoria")
    ? []
    : [`commute canary: unexpected answer ${text.slice(0, 200)}`];
}

/** Parses a raw body as the runtime does (UTF-8, then JSON); undefined when it is not JSON. */
export function parseBody(body: string | Uint8Array): { ok: true; event: unknown } | { ok: false } {
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  try {
    return { ok: true, event: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Options for {@link runInProcessFuzz}. */
export interface InProcessFuzzOptions {
  readonly runs: number;
  readonly seed?: number | undefined;
  /** Answer a commute canary (HTTP to the skill API and TfL) after every `commuteEvery` events. */
  readonly commuteEvery?: number | undefined;
}

/** Runs the fuzzer; starts and stops its own backends. */
export async function runInProcessFuzz(options: InProcessFuzzOptions): Promise<FuzzReport> {
  const seed = options.seed ?? Date.now() % 2_147_483_647;
  const commuteEvery = options.commuteEvery ?? 20;
  const backends: ReliabilityBackends = startReliabilityBackends();
  const log = createCapturingLogger(FUZZ_SECRETS);
  const skill: InProcessSkill = createInProcessSkill({
    tflUrl: backends.tflUrl,
    skillApiUrl: backends.skillApiUrl,
    log,
  });
  const launch = baseEvent("launch");
  const commute = baseEvent("commute");
  const invocationErrors: Record<string, number> = {};
  let events = 0;
  let responses = 0;
  let unparseable = 0;
  let canaries = 0;
  const unhandled: string[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
  };
  process.on("unhandledRejection", onUnhandled);
  const started = performance.now();

  const property = fc.asyncProperty(fuzzPlanArbitrary({ invalidUtf8: false, large: true }), async (plan) => {
    events += 1;
    const fuzzCase = renderPlan(plan);
    const parsed = parseBody(fuzzCase.body);
    const problems: string[] = [];
    if (!parsed.ok) {
      unparseable += 1;
    } else {
      const outcome = await skill.answer(parsed.event);
      if (outcome.kind === "response") responses += 1;
      if (outcome.kind === "invocationError") {
        invocationErrors[outcome.error.name] = (invocationErrors[outcome.error.name] ?? 0) + 1;
      }
      problems.push(...outcomeProblems(outcome, FUZZ_SECRETS));
    }
    canaries += 1;
    problems.push(...launchCanaryProblems(await skill.answer(structuredClone(launch))));
    if (events % commuteEvery === 0) {
      canaries += 1;
      problems.push(...commuteCanaryProblems(await skill.answer(structuredClone(commute))));
    }
    for (const url of skill.outbound.splice(0)) {
      problems.push(...outboundProblems(url, { tfl: backends.tflUrl, skillApi: backends.skillApiUrl }));
    }
    problems.push(...log.problems.splice(0), ...unhandled.splice(0));
    if (problems.length > 0) {
      throw new Error(`${describePlan(plan)}: ${problems.join("; ")}`);
    }
  });

  try {
    const details = await fc.check(property, { numRuns: options.runs, seed, endOnFailure: false });
    const counterexample = details.counterexample?.[0];
    return {
      events,
      generatedRuns: details.numRuns,
      responses,
      invocationErrors,
      unparseable,
      canaries,
      outboundRequests: backends.requests.length,
      logLines: log.count(),
      seed,
      durationMs: Math.round(performance.now() - started),
      failure: details.failed ? fc.defaultReportMessage(details) : undefined,
      counterexample,
    };
  } finally {
    process.off("unhandledRejection", onUnhandled);
    await backends.stop();
  }
}
