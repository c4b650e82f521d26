/**
 * The in-process fuzzers. Events: fast-check plans rendered into raw bodies, parsed as the runtime
 * would, and answered by the real handler with the real clients against loopback backends. Every
 * event must end in exactly one outcome (a valid Alexa response, or InvalidRequestError /
 * SkillIdMismatchError), a status or disruption question must get the right words for what the
 * backends hold, and a valid canary right after it must still be answered correctly. Answers:
 * judgeable questions with fuzzed TfL and skill-API answers; the user hears the right words, or the
 * apology exactly when a backend's answer is unusable.
 */
import fc from "fast-check";
import { DISRUPTION_MODES, resolveLine, strings } from "../../skill/index.ts";
import {
  answerPlanArbitrary,
  describeAnswerPlan,
  expectationOf,
  questionEvent,
  startAnswerBackends,
  type AnswerPlan,
} from "./backend-answers.ts";
import { reliabilityRecordings, startReliabilityBackends, type ReliabilityBackends } from "./backends.ts";
import { createCapturingLogger } from "./capture-log.ts";
import { baseEvent, describePlan, fuzzPlanArbitrary, renderPlan, TOKENS, type FuzzPlan } from "./events.ts";
import { createInProcessSkill, SECRET_MARKERS, type InProcessSkill, type Outcome } from "./in-process.ts";
import { alexaResponseProblems, leakedSecrets, outboundProblems } from "./invariants.ts";
import { answerProblems, expectedLine, type Bystanders, type ExpectedLine, type Expectation } from "./oracle.ts";

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
  /** Answers the oracle judged word by word (status and disruption questions that got a response). */
  readonly judged: number;
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

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** What the backends hold, as the oracle reads it. */
export interface HeldAnswers {
  /** Every recorded line's expected answer, by TfL id. */
  readonly lines: ReadonlyMap<string, ExpectedLine>;
  readonly overground: readonly ExpectedLine[];
  readonly disruptions: readonly string[];
}

/** Reads the recordings the event fuzzer's backends serve into what each question must be answered with. */
export function heldAnswers(recordings = reliabilityRecordings()): HeldAnswers {
  const lines = new Map<string, ExpectedLine>();
  const overground: ExpectedLine[] = [];
  for (const line of recordings.lines) {
    const expected = expectedLine(line as unknown as Parameters<typeof expectedLine>[0]);
    if (expected === undefined) throw new Error(`the recording of ${line.id} has nothing to say`);
    lines.set(line.id, expected);
    if (line.modeName === "overground") overground.push(expected);
  }
  const disruptions = DISRUPTION_MODES.flatMap((mode) => recordings.disruptionsByMode[mode] ?? []).map((item) =>
    String(field(item, "description") ?? ""),
  );
  return { lines, overground, disruptions };
}

/**
 * What a parsed event must be answered with, for the questions the oracle can judge: a
 * StatusIntent (its LINE slot read as the skill reads it) and a DisruptionIntent. Undefined for
 * everything else. Only called for events the skill answered (not rejected).
 */
export function eventExpectation(
  event: unknown,
  held: HeldAnswers,
): { expectation: Expectation; bystanders?: Bystanders } | undefined {
  const request = field(event, "request");
  if (field(request, "type") !== "IntentRequest") return undefined;
  const intent = field(request, "intent");
  switch (field(intent, "name")) {
    case "DisruptionIntent":
      return { expectation: { kind: "disruptions", descriptions: held.disruptions } };
    case "StatusIntent": {
      const slot = field(field(intent, "slots"), "LINE");
      const query = resolveLine(
        typeof slot === "object" && slot !== null ? (slot as Parameters<typeof resolveLine>[0]) : undefined,
      );
      if (query === undefined) return { expectation: { kind: "unknownLine" } };
      if (query.kind === "overground") {
        const allGoodService = strings.overgroundAllGoodService;
        return { expectation: { kind: "lines", lines: held.overground, allGoodService } };
      }
      const line = held.lines.get(query.line.id);
      if (line === undefined) return undefined;
      return { expectation: { kind: "lines", lines: [line] }, bystanders: { lines: [...held.lines.values()] } };
    }
    default:
      return undefined;
  }
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
  /** Changes each fuzzed event's answer before it is judged: tests prove the oracle notices wrong words. */
  readonly tamper?: ((response: unknown) => unknown) | undefined;
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
  let judged = 0;
  const held = heldAnswers();
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
      const answered = await skill.answer(parsed.event);
      const outcome =
        answered.kind === "response" && options.tamper !== undefined
          ? { ...answered, response: options.tamper(answered.response) }
          : answered;
      if (outcome.kind === "response") responses += 1;
      if (outcome.kind === "invocationError") {
        invocationErrors[outcome.error.name] = (invocationErrors[outcome.error.name] ?? 0) + 1;
      }
      problems.push(...outcomeProblems(outcome, FUZZ_SECRETS));
      const judgement = outcome.kind === "response" ? eventExpectation(parsed.event, held) : undefined;
      if (outcome.kind === "response" && judgement !== undefined) {
        judged += 1;
        problems.push(...answerProblems(outcome.response, judgement.expectation, judgement.bystanders));
      }
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
      judged,
      outboundRequests: backends.requests.length,
      logLines: log.count(),
      seed,
      durationMs: Math.round(performance.now() - started),
      failure: details.failed ? failureMessage(details) : undefined,
      counterexample,
    };
  } finally {
    process.off("unhandledRejection", onUnhandled);
    await backends.stop();
  }
}

/** Figures of one run of the answer fuzzer. */
export interface AnswerFuzzReport {
  readonly runs: number;
  readonly seed: number;
  /** Cases by what the user had to hear ("apology", "lines", "disruptions", …). */
  readonly expected: Readonly<Record<string, number>>;
  readonly backendRequests: number;
  readonly durationMs: number;
  readonly failure: string | undefined;
  readonly counterexample: AnswerPlan | undefined;
}

/** Options for {@link runAnswerFuzz}. */
export interface AnswerFuzzOptions {
  readonly runs: number;
  readonly seed: number;
  /** Changes each answer before it is judged: tests prove the oracle notices wrong words. */
  readonly tamper?: ((response: unknown, plan: AnswerPlan) => unknown) | undefined;
}

/**
 * Fuzzes the backends' answers: each case asks a judgeable question while TfL and the skill API
 * answer as the plan says. The answer must be a valid Alexa response with escaped SSML, within
 * Alexa's limits, with no secret anywhere, and say what the oracle expects: the apology exactly
 * when a backend's answer is unusable.
 */
export async function runAnswerFuzz(options: AnswerFuzzOptions): Promise<AnswerFuzzReport> {
  const backends = startAnswerBackends();
  const log = createCapturingLogger(FUZZ_SECRETS);
  // Retries are part of the path under test; their waits are not.
  const retry = { baseDelayMs: 1, maxDelayMs: 2 };
  const skill = createInProcessSkill({ tflUrl: backends.tflUrl, skillApiUrl: backends.skillApiUrl, log, retry });
  const expected: Record<string, number> = {};
  let backendRequests = 0;
  const started = performance.now();
  const property = fc.asyncProperty(answerPlanArbitrary(), async (plan) => {
    backends.serve(plan);
    const expectation = expectationOf(plan);
    const answered = await skill.answer(questionEvent(plan));
    const outcome =
      answered.kind === "response" && options.tamper !== undefined
        ? { ...answered, response: options.tamper(answered.response, plan) }
        : answered;
    backendRequests += backends.seen.length;
    expected[expectation.kind] = (expected[expectation.kind] ?? 0) + 1;
    const problems = outcomeProblems(outcome, FUZZ_SECRETS);
    if (outcome.kind !== "response") problems.push(`expected an answer, got ${outcome.kind}`);
    else problems.push(...answerProblems(outcome.response, expectation));
    for (const url of skill.outbound.splice(0)) {
      problems.push(...outboundProblems(url, { tfl: backends.tflUrl, skillApi: backends.skillApiUrl }));
    }
    problems.push(...log.problems.splice(0));
    if (problems.length > 0) throw new Error(`${describeAnswerPlan(plan)}: ${problems.join("; ")}`);
  });
  try {
    const details = await fc.check(property, { numRuns: options.runs, seed: options.seed, endOnFailure: false });
    return {
      runs: details.numRuns,
      seed: options.seed,
      expected,
      backendRequests,
      durationMs: Math.round(performance.now() - started),
      failure: details.failed ? failureMessage(details) : undefined,
      counterexample: details.counterexample?.[0],
    };
  } finally {
    await backends.stop();
  }
}

/** fast-check's report plus the problems the shrunk case had (its error message). */
function failureMessage<T>(details: fc.RunDetails<T>): string {
  const error = details.errorInstance;
  const problems = error instanceof Error ? `\n${error.message}` : "";
  return `${fc.defaultReportMessage(details)}${problems}`;
}
