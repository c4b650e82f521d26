/**
 * The event fuzzer through the compiled binary: the same fast-check plans, delivered as raw bodies
 * (invalid UTF-8 included) by the Runtime API emulator. Every event must get exactly one answer
 * (one POST, a valid Alexa response or an expected invocation error), the process must stay up,
 * a launch canary right after must be answered, and every output line must be one JSON object
 * free of secret markers.
 */
import fc from "fast-check";
import type { FunctionUnderTest, Outcome } from "./binary.ts";
import { baseEvent, describePlan, fuzzPlanArbitrary, renderPlan, type FuzzPlan } from "./events.ts";
import { alexaResponseProblems, leakedSecrets } from "./invariants.ts";

/** Error types (Lambda-Runtime-Function-Error-Type, Category.Reason) an event may legitimately end in. */
export const EXPECTED_ERROR_TYPES: ReadonlySet<string> = new Set([
  "Function.InvalidRequest",
  "Function.SkillIdMismatch",
  "Runtime.InvalidEvent",
]);

/** Figures of one run through the binary. */
export interface BinaryFuzzReport {
  readonly events: number;
  readonly generatedRuns: number;
  readonly responses: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly canaries: number;
  readonly outputLines: number;
  /** Times the binary was moved to a fresh emulator (its GET /next reset) without restarting. */
  readonly recycles: number;
  readonly seed: number;
  readonly durationMs: number;
  readonly failure: string | undefined;
  readonly counterexample: FuzzPlan | undefined;
}

/** Problems with one outcome from the binary. */
export function binaryOutcomeProblems(outcome: Outcome, secrets: readonly string[]): string[] {
  switch (outcome.kind) {
    case "exited":
      return [`the process exited with ${outcome.code}`];
    case "timeout":
      return ["no answer before the deadline"];
    case "response": {
      const problems = alexaResponseProblems(outcome.json);
      for (const secret of leakedSecrets(outcome.body, secrets)) problems.push(`response leaks ${secret}`);
      return problems;
    }
    case "error": {
      const problems: string[] = [];
      if (outcome.errorType === null || !EXPECTED_ERROR_TYPES.has(outcome.errorType))
        problems.push(`unexpected error type ${String(outcome.errorType)}`);
      const body = outcome.body as { errorMessage?: unknown } | undefined;
      if (typeof body?.errorMessage !== "string") problems.push("error body has no errorMessage");
      for (const secret of leakedSecrets(JSON.stringify(outcome.body) ?? "", secrets))
        problems.push(`error body leaks ${secret}`);
      return problems;
    }
  }
}

/** Checks output lines: each one JSON object with timestamp, level and event, no secret. */
export function outputLineProblems(lines: readonly string[], secrets: readonly string[]): string[] {
  const problems: string[] = [];
  for (const line of lines) {
    if (line === "") continue;
    for (const secret of leakedSecrets(line, secrets)) problems.push(`output leaks ${secret}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      problems.push(`output line is not JSON: ${line.slice(0, 120)}`);
      continue;
    }
    const record = parsed as Record<string, unknown> | null;
    if (
      typeof record !== "object" ||
      record === null ||
      typeof record["timestamp"] !== "string" ||
      typeof record["level"] !== "string" ||
      typeof record["event"] !== "string"
    ) {
      problems.push(`output line lacks timestamp, level or event: ${line.slice(0, 120)}`);
    }
  }
  return problems;
}

/** Reads what a process wrote since the last call, as whole lines. */
export function createLineReader(read: () => string): () => string[] {
  let offset = 0;
  return () => {
    const text = read();
    const end = text.lastIndexOf("\n") + 1;
    if (end <= offset) return [];
    const chunk = text.slice(offset, end);
    offset = end;
    return chunk.split("\n").filter((line) => line !== "");
  };
}

/** Options of {@link runBinaryFuzz}. */
export interface BinaryFuzzOptions {
  readonly fn: FunctionUnderTest;
  readonly runs: number;
  readonly seed?: number | undefined;
  readonly secrets: readonly string[];
  /** Allow the 1 MB strings and 200,000-deep nesting. */
  readonly large?: boolean | undefined;
  /**
   * With the freeze proxy, move the binary to a fresh emulator every this many events (default
   * 500): the emulator keeps every event it delivered, which slows long runs down.
   */
  readonly recycleEvery?: number | undefined;
}

/** Fuzzes the running binary; leaves it running. */
export async function runBinaryFuzz(options: BinaryFuzzOptions): Promise<BinaryFuzzReport> {
  const { fn, secrets } = options;
  const seed = options.seed ?? Date.now() % 2_147_483_647;
  const launch = JSON.stringify(baseEvent("launch"));
  const stdout = createLineReader(() => fn.process.stdout());
  const stderr = createLineReader(() => fn.process.stderr());
  const errors: Record<string, number> = {};
  let events = 0;
  let responses = 0;
  let canaries = 0;
  let outputLines = 0;
  const started = performance.now();

  const recycleEvery = options.recycleEvery ?? 500;
  let recycles = 0;
  const property = fc.asyncProperty(
    fuzzPlanArbitrary({ invalidUtf8: true, large: options.large === true }),
    async (plan) => {
      events += 1;
      if (fn.proxy !== undefined && events % recycleEvery === 0) {
        await fn.recycleEmulator();
        recycles += 1;
      }
      const body = renderPlan(plan).body;
      const requestId = crypto.randomUUID();
      const outcome = await fn.invoke(null, { rawBody: body, requestId });
      const problems = binaryOutcomeProblems(outcome, secrets);
      if (outcome.kind === "response") responses += 1;
      if (outcome.kind === "error")
        errors[outcome.errorType ?? "null"] = (errors[outcome.errorType ?? "null"] ?? 0) + 1;
      const posts = fn.emulator.requests.filter(
        (request) => request.method === "POST" && request.path.includes(`/invocation/${requestId}/`),
      ).length;
      if (outcome.kind !== "exited" && posts !== 1) problems.push(`${posts} answers posted`);
      canaries += 1;
      const canary = await fn.invoke(null, { rawBody: launch });
      if (canary.kind !== "response" || !canary.body.includes("Welcome to London Travel"))
        problems.push(`launch canary: ${canary.kind}`);
      const lines = [...stdout(), ...stderr()];
      outputLines += lines.length;
      problems.push(...outputLineProblems(lines, secrets));
      if (problems.length > 0) throw new Error(`${describePlan(plan)}: ${problems.join("; ")}`);
    },
  );

  const details = await fc.check(property, { numRuns: options.runs, seed, endOnFailure: true });
  return {
    events,
    generatedRuns: details.numRuns,
    responses,
    errors,
    canaries,
    outputLines,
    recycles,
    seed,
    durationMs: Math.round(performance.now() - started),
    failure: details.failed ? fc.defaultReportMessage(details) : undefined,
    counterexample: details.counterexample?.[0],
  };
}
