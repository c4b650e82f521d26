/**
 * Load at a fixed concurrency for a runtime in Lambda Managed Instances mode: `count` events sent to
 * the emulator with `concurrency` of them in flight at all times (each sender sends its next event as
 * soon as its last one is answered), timing every invocation and the whole run. Shared by
 * `bun run invoke --concurrency N` and the bench's concurrency table; the figures are pure functions.
 */
import type { InvocationOutcome, RuntimeApiEmulator } from "./emulator.ts";
import { percentile } from "./stats.ts";

/** What one loaded run measured. */
export interface LoadRun {
  readonly concurrency: number;
  /** Milliseconds from handing each answered event over to its answer. */
  readonly latenciesMs: readonly number[];
  /** Invocations that ended in anything but a response (an error, a timeout, no answer). */
  readonly failures: number;
  /** First event handed over to last answer, ms. */
  readonly wallMs: number;
}

/** The row printed for one concurrency. */
export interface LoadSummary {
  readonly concurrency: number;
  readonly invocations: number;
  readonly failures: number;
  readonly throughputPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Sends `count` events (`eventAt(index)`) with `concurrency` in flight and times them. */
export async function driveConcurrently(
  emulator: RuntimeApiEmulator,
  eventAt: (index: number) => unknown,
  count: number,
  concurrency: number,
): Promise<LoadRun> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  const sender = async (): Promise<void> => {
    for (let index = next++; index < count; index = next++) {
      const sent = performance.now();
      let outcome: InvocationOutcome | undefined;
      try {
        outcome = await emulator.invoke(eventAt(index));
      } catch {
        outcome = undefined;
      }
      if (outcome?.kind === "response") latenciesMs.push(performance.now() - sent);
      else failures += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, sender));
  return { concurrency, latenciesMs, failures, wallMs: performance.now() - started };
}

/** Throughput (answered invocations per second of wall time) and nearest-rank p50/p99 latency. */
export function summariseLoad(run: LoadRun): LoadSummary {
  const sorted = [...run.latenciesMs].sort((a, b) => a - b);
  const answered = sorted.length;
  return {
    concurrency: run.concurrency,
    invocations: answered + run.failures,
    failures: run.failures,
    throughputPerSecond: run.wallMs > 0 ? (answered / run.wallMs) * 1000 : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

/** One line per summary: "concurrency 4: 1000 invocations, 812/s, p50 4.1 ms, p99 9.8 ms". */
export function formatLoadSummary(summary: LoadSummary): string {
  const failed = summary.failures === 0 ? "" : `, ${summary.failures} failed`;
  return (
    `concurrency ${summary.concurrency}: ${summary.invocations} invocations${failed}, ` +
    `${summary.throughputPerSecond.toFixed(0)}/s, p50 ${summary.p50Ms.toFixed(1)} ms, p99 ${summary.p99Ms.toFixed(1)} ms`
  );
}
