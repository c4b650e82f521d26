import { expect, test } from "bun:test";
import fixture from "../../fixtures/bench/results.json" with { type: "json" };
import {
  evaluateBudgets,
  evaluateOptions,
  formatKib,
  formatMs,
  formatSignedKib,
  type BudgetOutcome,
} from "../../../src/dev/bench/budgets.ts";
import type { BenchResults, MemoryResult, StartResult } from "../../../src/dev/bench/results.ts";

const base = fixture as unknown as BenchResults;

function outcome(results: BenchResults, budget: string): BudgetOutcome | undefined {
  return evaluateBudgets(results).find((entry) => entry.budget.startsWith(budget));
}

function withStarts(bootstrapMs: number, floorMs: number): BenchResults {
  const starts = base.warmStarts.map((start): StartResult => {
    const p50 =
      start.candidate === "bootstrap" ? bootstrapMs : start.candidate === "floor" ? floorMs : start.firstAnswerMs?.p50;
    return {
      ...start,
      firstAnswerMs:
        p50 === undefined ? undefined : { count: 20, min: p50, p50, p95: p50, p99: p50, max: p50, mean: p50 },
    };
  });
  return { ...base, warmStarts: starts };
}

function withMemory(bootstrapKb: number, floorKb: number): BenchResults {
  const memory = base.memory.map((entry): MemoryResult =>
    entry.candidate === "bootstrap"
      ? { ...entry, after1000PeakKb: bootstrapKb }
      : entry.candidate === "floor"
        ? { ...entry, after1000PeakKb: floorKb }
        : entry,
  );
  return { ...base, memory };
}

test("lists every budget (README, Decisions D27) once per floor where it is relative, in a fixed order", () => {
  expect(evaluateBudgets(base).map((entry) => entry.budget)).toEqual([
    "start to first answer, warm cache (median) vs floor",
    "start to first answer, warm cache (median) vs bare floor",
    "peak RSS after 1,000 warm status invocations vs floor",
    "peak RSS after 1,000 warm status invocations vs bare floor",
    "no upward RSS trend over invocations 2,001–10,000",
    "warm status p50, TfL called on loopback every time",
    "warm status p50, TfL answer cached (max-age)",
    "executable over an empty Bun executable (same flags)",
    "lambda-x86_64.zip under the direct-upload limit",
    "lambda-arm64.zip under the direct-upload limit",
    "bytecode-order profiles match the build (src/dev/build/bytecode-order/)",
  ]);
});

test.each<[number, number, string]>([
  [12, 10, "met"],
  [12.1, 10, "missed"],
  [10, 10, "met"],
])("a first answer of %p ms against the floor's %p ms is %s (limit 1.2×)", (bootstrapMs, floorMs, verdict) => {
  expect(
    outcome(withStarts(bootstrapMs, floorMs), "start to first answer, warm cache (median) vs floor")?.verdict,
  ).toBe(verdict as BudgetOutcome["verdict"]);
});

test.each<[number, string]>([
  [13, "met"],
  [13.1, "missed"],
])("a first answer of %p ms against the bare floor's 10 ms is %s (limit 1.3×)", (bootstrapMs, verdict) => {
  const starts = base.warmStarts.map((start): StartResult => {
    const p50 = start.candidate === "bootstrap" ? bootstrapMs : start.candidate === "floor-bare" ? 10 : undefined;
    return {
      ...start,
      firstAnswerMs:
        p50 === undefined ? start.firstAnswerMs : { count: 20, min: p50, p50, p95: p50, p99: p50, max: p50, mean: p50 },
    };
  });
  expect(
    outcome({ ...base, warmStarts: starts }, "start to first answer, warm cache (median) vs bare floor")?.verdict,
  ).toBe(verdict as BudgetOutcome["verdict"]);
});

test.each<[number, number, string]>([
  [36_000, 30_000, "met, stretch met"],
  [40_500, 30_000, "met"],
  [40_600, 30_000, "missed"],
])(
  "a peak RSS of %p KiB against the floor's %p KiB is %s (limit 1.35×, stretch 1.2×)",
  (bootstrapKb, floorKb, verdict) => {
    expect(
      outcome(withMemory(bootstrapKb, floorKb), "peak RSS after 1,000 warm status invocations vs floor")?.verdict,
    ).toBe(verdict as BudgetOutcome["verdict"]);
  },
);

test("shows the ratio and both figures", () => {
  expect(outcome(base, "peak RSS after 1,000 warm status invocations vs floor")).toEqual({
    budget: "peak RSS after 1,000 warm status invocations vs floor",
    measured: "1.41× (45.0 MiB vs 32.0 MiB)",
    limit: "≤ 1.35× (stretch 1.20×)",
    verdict: "missed",
  });
});

test.each<[number, string]>([
  [2_047, "met"],
  [2_048, "missed"],
  [-500, "met"],
])("an RSS trend of %p KiB is %s (limit under 2 MiB)", (growthKb, verdict) => {
  const memory = base.memory.map((entry) =>
    entry.candidate === "bootstrap" && entry.trend !== undefined
      ? { ...entry, trend: { ...entry.trend, growthKb } }
      : entry,
  );
  expect(outcome({ ...base, memory }, "no upward RSS trend")?.verdict).toBe(verdict as BudgetOutcome["verdict"]);
});

test("judges the status p50 with TfL called every time and with TfL's cache separately", () => {
  expect(outcome(base, "warm status p50, TfL called")).toMatchObject({ measured: "0.600 ms", verdict: "met" });
  expect(outcome(base, "warm status p50, TfL answer cached")).toMatchObject({ measured: "0.250 ms", verdict: "met" });
});

test("compares the executable with the empty program and each zip with the limit, margin included", () => {
  expect(outcome(base, "executable over")).toMatchObject({
    measured: "400,000 B (109,600,000 − 109,200,000)",
    verdict: "met",
  });
  expect(outcome(base, "lambda-x86_64.zip")).toMatchObject({
    measured: "52,200,000 B, margin 228,800 B (0.44 %)",
    verdict: "met",
  });
  expect(outcome(base, "lambda-arm64.zip")).toMatchObject({
    measured: "52,500,000 B, margin −71,200 B (−0.14 %)",
    verdict: "missed",
  });
});

test("says not measured when a phase has no numbers, instead of passing or failing", () => {
  const empty: BenchResults = {
    ...base,
    warmStarts: [],
    memory: [],
    latency: [],
    builds: [],
    sizes: [],
    emptyExecutableBytes: undefined,
  };
  expect(new Set(evaluateBudgets(empty).map((entry) => entry.verdict))).toEqual(new Set(["not measured"]));
});

test("judges cold starts too when there were any", () => {
  const cold = { ...base, coldStarts: base.warmStarts };
  expect(evaluateBudgets(cold).filter((entry) => entry.budget.includes("cold cache"))).toHaveLength(2);
});

test.each<[number, string]>([
  [0.4123, "0.412 ms"],
  [21.372, "21.37 ms"],
  [312.44, "312.4 ms"],
  [Number.NaN, "–"],
])("formats %p ms as %p", (ms, text) => {
  expect(formatMs(ms)).toBe(text);
});

test("formats memory in MiB, signed for a difference", () => {
  expect(formatKib(46_080)).toBe("45.0 MiB");
  expect(formatSignedKib(1_536)).toBe("+1.50 MiB");
  expect(formatSignedKib(-512)).toBe("−0.50 MiB");
});

test("judges the run-time options against the same budgets, leaving out options that did not run", () => {
  expect(evaluateOptions(base)).toEqual([]);
  const noDfg: BenchResults = {
    ...base,
    candidates: [
      ...base.candidates,
      {
        id: "bootstrap-noftl",
        label: "bootstrap, FTL off",
        description: "",
        command: "",
        executable: "",
        executableBytes: undefined,
      },
    ],
    warmStarts: [
      ...base.warmStarts,
      {
        candidate: "bootstrap-noftl",
        initMs: undefined,
        firstAnswerMs: { count: 1, min: 14, p50: 14, p95: 14, p99: 14, max: 14, mean: 14 },
        firstAnswerPeakKb: undefined,
        failures: 0,
      },
    ],
    memory: [
      ...base.memory,
      {
        candidate: "bootstrap-noftl",
        invocations: 10_000,
        afterInitPeakKb: undefined,
        after1000PeakKb: 38_000,
        after1000PeakKbSamples: [38_000],
        finalPeakKb: undefined,
        trend: undefined,
        rss: [],
        failures: 0,
      },
    ],
  };
  expect(evaluateOptions(noDfg)).toEqual([
    {
      budget: "bootstrap, FTL off: start to first answer, warm cache vs floor",
      measured: "1.09× (14.00 ms vs 12.80 ms)",
      limit: "≤ 1.20×",
      verdict: "met",
    },
    {
      budget: "bootstrap, FTL off: peak RSS after 1,000 vs floor",
      measured: "1.16× (37.1 MiB vs 32.0 MiB)",
      limit: "≤ 1.35× (stretch 1.20×)",
      verdict: "met, stretch met",
    },
    {
      budget: "bootstrap, FTL off: warm status p50, TfL called every time",
      measured: "–",
      limit: "< 1.00 ms",
      verdict: "not measured",
    },
    { budget: "bootstrap, FTL off: no upward RSS trend", measured: "–", limit: "< +2.0 MiB", verdict: "not measured" },
  ]);
});

test.each<[string, Array<{ missing: number; extra: number }> | undefined, string, string]>([
  [
    "both profiles match",
    [
      { missing: 0, extra: 0 },
      { missing: 0, extra: 0 },
    ],
    "met",
    "launch.order 10 entries, invocations.order 10 entries",
  ],
  [
    "one profile is stale",
    [
      { missing: 0, extra: 0 },
      { missing: 3, extra: 1 },
    ],
    "missed",
    "invocations.order stale: 3 missing, 1 extra",
  ],
  ["no check ran", undefined, "not measured", "–"],
])("the bytecode-order row when %s", (_name, counts, verdict, measured) => {
  const files = ["src/dev/build/bytecode-order/launch.order", "src/dev/build/bytecode-order/invocations.order"];
  const bytecodeOrder = counts?.map((entry, index) => ({ file: files[index] ?? "", recorded: 10, ...entry }));
  expect(outcome({ ...base, bytecodeOrder }, "bytecode-order profiles")).toMatchObject({ verdict, measured });
});
