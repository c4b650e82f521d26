/**
 * Iteration counts and seeds for the reliability tests, from the environment so CI can run fewer
 * and `bun run soak` (or a developer replaying a failure) more.
 */
import { RECOMMENDED_FUNCTION_ENV } from "../../../src/dev/base/function-env.ts";

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** FUZZ_RUNS: events generated per in-process fuzz run. */
export function fuzzRuns(fallback: number): number {
  return positiveInteger("FUZZ_RUNS", fallback);
}

/** FUZZ_ANSWER_RUNS: fuzzed TfL and skill-API answers per in-process run. */
export function answerFuzzRuns(fallback: number): number {
  return positiveInteger("FUZZ_ANSWER_RUNS", fallback);
}

/** FUZZ_BINARY_RUNS: events sent through the compiled binary by the CI sample. */
export function binaryFuzzRuns(fallback: number): number {
  return positiveInteger("FUZZ_BINARY_RUNS", fallback);
}

/** FUZZ_SEED: replays one fast-check run; unset, every run uses a new seed (printed). */
export function fuzzSeed(): number | undefined {
  const raw = process.env["FUZZ_SEED"];
  return raw === undefined || raw.trim() === "" ? undefined : Number(raw);
}

/** SOAK_INVOCATIONS: invocations of the CI soak. */
export function soakInvocations(fallback: number): number {
  return positiveInteger("SOAK_INVOCATIONS", fallback);
}

/** SOAK_BINARY_ENV: extra "KEY=VALUE,KEY=VALUE" for the soaked binary (e.g. BUN_JSC_useFTLJIT=0). */
export function soakBinaryEnv(): Record<string, string> {
  // Unset: the function as we recommend deploying it. SOAK_BINARY_ENV= (empty) soaks the bare binary.
  const raw = process.env["SOAK_BINARY_ENV"] ?? recommendedFunctionEnv();
  const pairs = raw
    .split(",")
    .map((pair) => pair.trim())
    .filter((pair) => pair.includes("="));
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
}

function recommendedFunctionEnv(): string {
  return Object.entries(RECOMMENDED_FUNCTION_ENV)
    .map(([name, value]) => `${name}=${value}`)
    .join(",");
}
