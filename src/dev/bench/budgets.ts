/**
 * The product's performance budgets (README, Decisions D27, which supersede issue 6's numbers),
 * judged from one run's results. Printed as met or missed; never a test assertion.
 */
import { formatBytes } from "../base/format.ts";
import { FLOOR_IDS, type CandidateId } from "./plan.ts";
import type { OrderComparison } from "./record-order.ts";
import type { BenchResults, StartResult } from "./results.ts";
import { ratio } from "./stats.ts";

/**
 * Start to first answer: at most this times each floor's (issue 13's goals, README, Decisions D27):
 * what the skill adds to our runtime, and what runtime and skill add to a bare fetch loop.
 */
const START_RATIO_LIMITS: Readonly<Record<string, number>> = { floor: 1.2, "floor-noftl": 1.2, "floor-bare": 1.3 };
/** Peak RSS after 1,000 warm status invocations: at most this times the floor's … */
const RSS_RATIO_LIMIT = 1.35;
/** … and, as a stretch, this. */
const RSS_RATIO_STRETCH = 1.2;
/** No upward trend: under 2 MiB between the second and the last fifth of the window. */
const TREND_LIMIT_KB = 2_048;
/** Warm status p50 with TfL on loopback. */
const STATUS_P50_LIMIT_MS = 1;
/** The executable may be at most 1 MiB bigger than an empty Bun executable. */
const EXECUTABLE_OVERHEAD_LIMIT_BYTES = 1_048_576;

/** A budget's outcome; "not measured" when the run lacks the numbers (a skipped phase, a failed candidate). */
export type Verdict = "met" | "met, stretch met" | "missed" | "not measured";

/** One row of the budget table. */
export interface BudgetOutcome {
  readonly budget: string;
  readonly measured: string;
  readonly limit: string;
  readonly verdict: Verdict;
}

const SUBJECT: CandidateId = "bootstrap";

/** Judges every budget for the bootstrap, against each floor where a budget is relative to it. */
export function evaluateBudgets(results: BenchResults): BudgetOutcome[] {
  const outcomes: BudgetOutcome[] = [];
  const floors = FLOOR_IDS.filter((id) => results.candidates.some((candidate) => candidate.id === id));
  const labelOf = (id: CandidateId): string => results.candidates.find((candidate) => candidate.id === id)?.label ?? id;

  for (const [cache, starts] of [
    ["warm", results.warmStarts],
    ["cold", results.coldStarts],
  ] as const) {
    if (cache === "cold" && starts.length === 0) continue;
    for (const floor of floors) {
      const subject = firstAnswerMedian(starts, SUBJECT);
      const base = firstAnswerMedian(starts, floor);
      outcomes.push(
        relative(
          `start to first answer, ${cache} cache (median) vs ${labelOf(floor)}`,
          subject === undefined || base === undefined ? undefined : `${formatMs(subject)} vs ${formatMs(base)}`,
          ratio(subject, base),
          startRatioLimit(floor),
          undefined,
        ),
      );
    }
  }

  const memoryOf = (id: CandidateId): number | undefined =>
    results.memory.find((memory) => memory.candidate === id)?.after1000PeakKb;
  for (const floor of floors) {
    const subject = memoryOf(SUBJECT);
    const base = memoryOf(floor);
    outcomes.push(
      relative(
        `peak RSS after 1,000 warm status invocations vs ${labelOf(floor)}`,
        subject === undefined || base === undefined ? undefined : `${formatKib(subject)} vs ${formatKib(base)}`,
        ratio(subject, base),
        RSS_RATIO_LIMIT,
        RSS_RATIO_STRETCH,
      ),
    );
  }

  const trend = results.memory.find((memory) => memory.candidate === SUBJECT)?.trend;
  outcomes.push({
    budget:
      trend === undefined
        ? "no upward RSS trend"
        : `no upward RSS trend over invocations ${formatBytes(trend.from + 1)}–${formatBytes(trend.to)}`,
    measured:
      trend === undefined
        ? "–"
        : `${formatSignedKib(trend.growthKb)} (2nd fifth ${formatKib(trend.secondFifthKb)}, last ${formatKib(trend.lastFifthKb)})`,
    limit: "< +2.0 MiB",
    verdict: trend === undefined ? "not measured" : trend.growthKb < TREND_LIMIT_KB ? "met" : "missed",
  });

  for (const tfl of ["uncached", "cached"] as const) {
    const p50 = results.latency
      .find((latency) => latency.candidate === SUBJECT && latency.tfl === tfl)
      ?.kinds.find((kind) => kind.kind === "status")?.ms?.p50;
    outcomes.push({
      budget:
        tfl === "uncached"
          ? "warm status p50, TfL called on loopback every time"
          : "warm status p50, TfL answer cached (max-age)",
      measured: p50 === undefined ? "–" : formatMs(p50),
      limit: `< ${formatMs(STATUS_P50_LIMIT_MS)}`,
      verdict: p50 === undefined ? "not measured" : p50 < STATUS_P50_LIMIT_MS ? "met" : "missed",
    });
  }

  const executable = results.candidates.find((candidate) => candidate.id === SUBJECT)?.executableBytes;
  const empty = results.emptyExecutableBytes;
  const overhead = executable === undefined || empty === undefined ? undefined : executable - empty;
  outcomes.push({
    budget: "executable over an empty Bun executable (same flags)",
    measured:
      overhead === undefined
        ? "–"
        : `${formatBytes(overhead)} B (${formatBytes(executable ?? 0)} − ${formatBytes(empty ?? 0)})`,
    limit: `≤ ${formatBytes(EXECUTABLE_OVERHEAD_LIMIT_BYTES)} B`,
    verdict: overhead === undefined ? "not measured" : overhead <= EXECUTABLE_OVERHEAD_LIMIT_BYTES ? "met" : "missed",
  });

  for (const arch of ["x86_64", "arm64"] as const) {
    const zipBytes =
      results.builds.find((build) => build.arch === arch)?.zipBytes ??
      results.sizes.find((size) => size.label === `lambda-${arch}.zip`)?.zipBytes;
    const margin = zipBytes === undefined ? undefined : results.zipLimitBytes - zipBytes;
    outcomes.push({
      budget: `lambda-${arch}.zip under the direct-upload limit`,
      measured:
        zipBytes === undefined || margin === undefined
          ? "–"
          : `${formatBytes(zipBytes)} B, margin ${formatMarginText(margin, results.zipLimitBytes)}`,
      limit: `< ${formatBytes(results.zipLimitBytes)} B`,
      verdict: zipBytes === undefined ? "not measured" : zipBytes < results.zipLimitBytes ? "met" : "missed",
    });
  }
  outcomes.push(bytecodeOrderOutcome(results.bytecodeOrder));
  return outcomes;
}

function startRatioLimit(floor: CandidateId): number {
  return START_RATIO_LIMITS[floor] ?? 1.2;
}

/** The committed bytecode-order profiles against a fresh recording from the measured bootstrap. */
function bytecodeOrderOutcome(comparisons: readonly OrderComparison[] | undefined): BudgetOutcome {
  const budget = "bytecode-order profiles match the build (src/dev/build/bytecode-order/)";
  const limit = "no entry missing or extra";
  if (comparisons === undefined || comparisons.length === 0)
    return { budget, measured: "–", limit, verdict: "not measured" };
  const stale = comparisons.filter((entry) => entry.missing > 0 || entry.extra > 0);
  const measured =
    stale.length === 0
      ? comparisons.map((entry) => `${entry.file.split("/").at(-1)} ${entry.recorded} entries`).join(", ")
      : stale
          .map((entry) => `${entry.file.split("/").at(-1)} stale: ${entry.missing} missing, ${entry.extra} extra`)
          .join("; ");
  return { budget, measured, limit, verdict: stale.length === 0 ? "met" : "missed" };
}

function formatMarginText(margin: number, limit: number): string {
  const sign = margin < 0 ? "−" : "";
  return `${sign}${formatBytes(Math.abs(margin))} B (${sign}${Math.abs((margin / limit) * 100).toFixed(2)} %)`;
}

/**
 * The same budgets for the run-time options the bench also measured (`--smol`, FTL off), so the
 * closing note can say what each would change. Rows whose candidates did not run are left out.
 */
export function evaluateOptions(results: BenchResults): BudgetOutcome[] {
  const has = (id: CandidateId): boolean => results.candidates.some((candidate) => candidate.id === id);
  const labelOf = (id: CandidateId): string => results.candidates.find((candidate) => candidate.id === id)?.label ?? id;
  const memoryOf = (id: CandidateId): number | undefined =>
    results.memory.find((memory) => memory.candidate === id)?.after1000PeakKb;
  const pairs: Array<[CandidateId, CandidateId]> = [
    ["bootstrap-smol", "floor"],
    ["bootstrap-noftl", "floor"],
    ["bootstrap-noftl", "floor-noftl"],
    ["bootstrap", "floor-warm-policy"],
    ["bootstrap-noftl", "floor-warm-policy"],
    ["bootstrap-traced", "floor"],
    ["bootstrap-nodfg", "floor"],
  ];
  const outcomes: BudgetOutcome[] = [];
  for (const [subject, floor] of pairs.filter(([a, b]) => has(a) && has(b))) {
    const first = firstAnswerMedian(results.warmStarts, subject);
    const base = firstAnswerMedian(results.warmStarts, floor);
    outcomes.push(
      relative(
        `${labelOf(subject)}: start to first answer, warm cache vs ${labelOf(floor)}`,
        first === undefined || base === undefined ? undefined : `${formatMs(first)} vs ${formatMs(base)}`,
        ratio(first, base),
        startRatioLimit(floor),
        undefined,
      ),
    );
    const peak = memoryOf(subject);
    const floorPeak = memoryOf(floor);
    outcomes.push(
      relative(
        `${labelOf(subject)}: peak RSS after 1,000 vs ${labelOf(floor)}`,
        peak === undefined || floorPeak === undefined ? undefined : `${formatKib(peak)} vs ${formatKib(floorPeak)}`,
        ratio(peak, floorPeak),
        RSS_RATIO_LIMIT,
        RSS_RATIO_STRETCH,
      ),
    );
  }
  for (const subject of (["bootstrap-smol", "bootstrap-noftl", "bootstrap-nodfg", "bootstrap-traced"] as const).filter(
    has,
  )) {
    const p50 = results.latency
      .find((latency) => latency.candidate === subject && latency.tfl === "uncached")
      ?.kinds.find((kind) => kind.kind === "status")?.ms?.p50;
    outcomes.push({
      budget: `${labelOf(subject)}: warm status p50, TfL called every time`,
      measured: p50 === undefined ? "–" : formatMs(p50),
      limit: `< ${formatMs(STATUS_P50_LIMIT_MS)}`,
      verdict: p50 === undefined ? "not measured" : p50 < STATUS_P50_LIMIT_MS ? "met" : "missed",
    });
    const trend = results.memory.find((memory) => memory.candidate === subject)?.trend;
    outcomes.push({
      budget: `${labelOf(subject)}: no upward RSS trend`,
      measured: trend === undefined ? "–" : formatSignedKib(trend.growthKb),
      limit: "< +2.0 MiB",
      verdict: trend === undefined ? "not measured" : trend.growthKb < TREND_LIMIT_KB ? "met" : "missed",
    });
  }
  return outcomes;
}

function firstAnswerMedian(starts: readonly StartResult[], id: CandidateId): number | undefined {
  return starts.find((start) => start.candidate === id)?.firstAnswerMs?.p50;
}

function relative(
  budget: string,
  figures: string | undefined,
  value: number | undefined,
  limit: number,
  stretch: number | undefined,
): BudgetOutcome {
  const limitText =
    stretch === undefined ? `≤ ${limit.toFixed(2)}×` : `≤ ${limit.toFixed(2)}× (stretch ${stretch.toFixed(2)}×)`;
  if (value === undefined || figures === undefined)
    return { budget, measured: "–", limit: limitText, verdict: "not measured" };
  const verdict: Verdict =
    value > limit ? "missed" : stretch !== undefined && value <= stretch ? "met, stretch met" : "met";
  return { budget, measured: `${value.toFixed(2)}× (${figures})`, limit: limitText, verdict };
}

/** Milliseconds with the precision the size deserves: 0.412 ms, 21.37 ms, 312.4 ms. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (Math.abs(ms) < 1) return `${ms.toFixed(3)} ms`;
  if (Math.abs(ms) < 100) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** KiB as MiB with one decimal, the unit Lambda's REPORT line uses (in MB). */
export function formatKib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

/** A KiB difference as signed MiB with two decimals. */
export function formatSignedKib(kib: number): string {
  const mib = kib / 1024;
  return `${mib >= 0 ? "+" : "−"}${Math.abs(mib).toFixed(2)} MiB`;
}
