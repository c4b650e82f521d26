/**
 * The pure half of `bun run bench`: which candidates run, how each is built and started, and the
 * order every phase visits them in, as plain data. `runner.ts` performs a plan; `--dry-run` prints one.
 */
import { lambdaEnvironment } from "../base/bootstrap-process.ts";
import { RECOMMENDED_FUNCTION_ENV } from "../base/function-env.ts";
import { posix } from "node:path";
import { COMPILE_FLAGS, planBuild, type BuildPlan, type CompileStep, type ZipStep } from "../base/build-plan.ts";
import type { BenchSettings } from "./args.ts";
import { FLOOR_WARM_JIT_POLICY_VARIABLE } from "./floor/echo-runtime.ts";
import { WARM_JIT_POLICY } from "../../main.ts";

/** Every candidate the bench knows, in the order tables list them. */
const CANDIDATE_IDS = [
  "bootstrap",
  "bootstrap-smol",
  "bootstrap-noftl",
  "bootstrap-traced",
  "bootstrap-nodfg",
  "floor",
  "floor-noftl",
  "floor-warm-policy",
  "floor-bare",
  "node",
  "bun-jit",
] as const;

/**
 * JavaScriptCore's option that turns off its last JIT tier (FTL), which the deploy commands set
 * (README, Configuration; src/dev/base/function-env.ts). Bun reads `BUN_JSC_*` only at start-up, so it
 * cannot be baked into the executable: the function's environment sets it.
 */
const NO_FTL_ENV = RECOMMENDED_FUNCTION_ENV;

/**
 * Stands for the bench's own OTLP receiver in a candidate's environment; `functionEnvironment`
 * replaces it with the receiver's URL, known only once the run has started it.
 */
export const OTLP_RECEIVER = "$OTLP_RECEIVER";

/**
 * JavaScriptCore's option that turns off its optimising tier (DFG, and FTL with it). Under the normal
 * JIT policy it took the peak RSS after 1,000 status invocations from ~51 to ~40 MiB; under the
 * skill's warm JIT policy (README, Decisions D29), which compiles nothing once warm, it should change
 * nothing, and the bench keeps measuring it beside FTL off to show that.
 */
export const NO_DFG_ENV: Readonly<Record<string, string>> = Object.freeze({ BUN_JSC_useDFGJIT: "0" });

/** One of {@link CANDIDATE_IDS}. */
export type CandidateId = (typeof CANDIDATE_IDS)[number];

/** The request kinds of the latency table (issue 6), in the order rows appear. */
export const REQUEST_KINDS = ["launch", "status", "disruption", "commute", "help"] as const;

/** One of {@link REQUEST_KINDS}. */
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** The floors the budgets are measured against; the first is the one the product budgets name. */
export const FLOOR_IDS = ["floor", "floor-bare"] as const satisfies readonly CandidateId[];

/** How one candidate is started and which phases it takes part in. */
export interface Candidate {
  readonly id: CandidateId;
  readonly label: string;
  /** What it is, one sentence for the table's legend. */
  readonly description: string;
  /** "skill" answers Alexa requests; "floor" echoes the event back. */
  readonly role: "skill" | "floor";
  /** The command line, executable first; paths relative to the project root unless absolute. */
  readonly argv: readonly string[];
  /** Extra environment on top of Lambda's and the skill's (e.g. `BUN_OPTIONS=--smol`). */
  readonly env: Readonly<Record<string, string>>;
  /** The file a cold start has to page in, for the size column. */
  readonly executable: string;
  /**
   * The executables the start phases rotate through, one per round: START_COPIES private copies of a
   * compiled candidate's executable (the first is `executable`), or `argv[0]` alone otherwise.
   */
  readonly startExecutables: readonly string[];
  /** Why this candidate takes no cold-cache starts, or undefined when it does. */
  readonly noColdStart: string | undefined;
  /** Status invocations in the memory phase: the soak for the bootstrap and the floors, 1,000 otherwise. */
  readonly memoryInvocations: number;
}

/** A compile or bundle the bench runs before measuring anything. */
export interface PrepareStep {
  readonly label: string;
  readonly argv: readonly string[];
  readonly outfile: string;
}

/** The two-architecture build timed for the "build time" rows, and the floor zips for the size table. */
export interface BuildMeasurement {
  /** `planBuild` for both architectures into a scratch folder, so `dist/` stays as the user built it. */
  readonly plan: BuildPlan;
  /** Floor and empty executables zipped with the build's own zip settings. */
  readonly zips: readonly ZipStep[];
}

/** Everything one run does, decided before anything runs. */
export interface BenchPlan {
  readonly settings: BenchSettings;
  readonly candidates: readonly Candidate[];
  /** Compiles (floors, empty executable) and the Node bundle, in order. */
  readonly prepare: readonly PrepareStep[];
  readonly emptyExecutable: string;
  readonly buildMeasurement: BuildMeasurement | undefined;
  /** Why cold-cache starts are skipped, or undefined when they run. */
  readonly coldSkipped: string | undefined;
  /** The memory trend window: the last 8,000 invocations of the soak (fewer in a short soak). */
  readonly trendWindow: number;
  /** Invocations per candidate per turn in the latency phase (each kind this many times / kinds). */
  readonly latencyTurn: number;
  /** Invocations per candidate per turn in the memory phase, and the RSS sampling interval. */
  readonly memoryTurn: number;
  /** Fresh processes per candidate whose peak RSS after 1,000 invocations is taken (the median counts). */
  readonly memoryReplicates: number;
  /**
   * Every executable in the same page-cache state before anything is timed. The compiled
   * candidates run from private copies (a test running `dist/x86_64/bootstrap` at the same time
   * would keep its pages mapped and cached), and the cache is dropped once when it can be, so each
   * is read from disk as in Lambda. A just-written executable maps about 6 MB more (large folios)
   * than one read from disk, which would otherwise favour the freshly built floor.
   */
  readonly pageCache: {
    readonly drop: boolean;
    readonly copies: ReadonlyArray<{ readonly from: string; readonly to: string }>;
  };
  /** Things the reader of the table should know (skipped candidates and why). */
  readonly notes: readonly string[];
}

/** What the runner found out about the machine before planning. */
export interface PlanInput {
  readonly settings: BenchSettings;
  /** The Bun that runs the bench (`process.execPath`): it compiles the floors and runs `bun-jit`. */
  readonly bun: string;
  /** `node` on PATH, or undefined when there is none. */
  readonly node: string | undefined;
  /** Why the page cache cannot be dropped here, or undefined when it can. */
  readonly cannotDropCaches: string | undefined;
}

/** The skill's entry: the bootstrap is compiled from it, Node runs its bundle, `bun-jit` runs it as is. */
const SKILL_ENTRY = "src/main.ts";
/** Our runtime loop with an echo handler (the runtime helper's), the floor the product budgets name. */
const FLOOR_ENTRY = "src/dev/bench/floor/echo-runtime.ts";
/** A barer floor: the Runtime API loop written inline with plain `fetch`, no runtime module at all. */
const BARE_FLOOR_ENTRY = "src/dev/bench/floor/bare-echo.ts";
/** An empty program: the size of Bun itself with our compile flags. */
const EMPTY_ENTRY = "src/dev/bench/floor/empty.ts";

/** The issue's trend window: no upward trend over the last 8,000 invocations. */
const TREND_WINDOW = 8_000;
/** Invocations after which the memory budget reads the peak RSS. */
export const MEMORY_CHECKPOINT = 1_000;
/**
 * Byte-identical copies of each compiled executable the start phases rotate through. How the page
 * cache happens to hold one copy (the folio sizes read-ahead chose when it was first read) stays the
 * same for the whole run, and on this machine kind it moved one copy's first answer by 0.5 to 4 ms
 * against another's: more than the budgets' margins. Rotating over three copies averages that luck
 * out of each candidate's medians instead of letting one draw decide a run's ratios.
 */
export const START_COPIES = 3;

/**
 * Decides candidates, builds and counts. The floors are compiled by `planBuild` itself, so they get
 * exactly the flags the bootstrap gets; Node's bundle takes the flags that apply without `--compile`.
 */
export function planBench(input: PlanInput): BenchPlan {
  const { settings } = input;
  const benchDir = posix.join(settings.distDir, "bench");
  const notes: string[] = [];
  const stepsFor = (entry: string, folder: string): { compile: CompileStep; zip: ZipStep } =>
    buildStepsOf(planBuild({ archs: ["x86_64"], entry, outDir: posix.join(benchDir, folder), bun: input.bun }));
  const { compile: floor, zip: floorZip } = stepsFor(FLOOR_ENTRY, "floor");
  const { compile: bare } = stepsFor(BARE_FLOOR_ENTRY, "floor-bare");
  const { compile: empty, zip: emptyZip } = stepsFor(EMPTY_ENTRY, "empty");
  const nodeBundle = posix.join(benchDir, "node", "main.mjs");
  const prepare: PrepareStep[] = [
    { label: "compile floor (our runtime loop, echo handler)", argv: floor.argv, outfile: floor.outfile },
    { label: "compile bare floor (plain fetch loop, echo handler)", argv: bare.argv, outfile: bare.outfile },
    { label: "compile empty program", argv: empty.argv, outfile: empty.outfile },
  ];
  if (input.node !== undefined) {
    prepare.push({
      label: "bundle the skill for Node.js",
      argv: [input.bun, "build", SKILL_ENTRY, "--target=node", `--outfile=${nodeBundle}`, ...nodeBundleFlags()],
      outfile: nodeBundle,
    });
  } else {
    notes.push("Node.js is not on PATH: the node candidate is left out.");
  }
  const soak = settings.soakInvocations;
  const short = Math.min(MEMORY_CHECKPOINT, soak);
  const bootstrap = posix.join(settings.distDir, "x86_64", "bootstrap");
  const jitReason = "the bench runs on this same bun executable, so its pages stay mapped and cannot be dropped";
  const all: Omit<Candidate, "startExecutables">[] = [
    {
      id: "bootstrap",
      label: "bootstrap",
      description: `our ${bootstrap} (skill + runtime, compiled)`,
      role: "skill",
      argv: [bootstrap],
      env: {},
      executable: bootstrap,
      noColdStart: undefined,
      memoryInvocations: soak,
    },
    {
      id: "bootstrap-smol",
      label: "bootstrap --smol",
      description:
        "the same executable with BUN_OPTIONS=--smol in its environment too (the build already bakes --smol in with --compile-exec-argv)",
      role: "skill",
      argv: [bootstrap],
      env: { BUN_OPTIONS: "--smol" },
      executable: bootstrap,
      noColdStart: "same executable as bootstrap",
      memoryInvocations: soak,
    },
    {
      id: "bootstrap-noftl",
      label: "bootstrap, FTL off",
      description:
        "the same executable with BUN_JSC_useFTLJIT=0 in its environment (the deploy commands' setting: no FTL tier)",
      role: "skill",
      argv: [bootstrap],
      env: NO_FTL_ENV,
      executable: bootstrap,
      noColdStart: "same executable as bootstrap",
      memoryInvocations: soak,
    },
    {
      id: "bootstrap-traced",
      label: "bootstrap, traces on",
      description:
        "the same executable exporting every invocation's spans over OTLP/HTTP to a receiver in the bench process (OTEL_EXPORTER_OTLP_ENDPOINT set; the bootstrap column is the same with tracing off)",
      role: "skill",
      argv: [bootstrap],
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: OTLP_RECEIVER },
      executable: bootstrap,
      noColdStart: "same executable as bootstrap",
      memoryInvocations: short,
    },
    {
      id: "bootstrap-nodfg",
      label: "bootstrap, DFG off",
      description:
        "the same executable with BUN_JSC_useDFGJIT=0 in its environment (no optimising JIT tier: interpreter and baseline JIT only)",
      role: "skill",
      argv: [bootstrap],
      env: NO_DFG_ENV,
      executable: bootstrap,
      noColdStart: "same executable as bootstrap",
      memoryInvocations: soak,
    },
    {
      id: "floor",
      label: "floor",
      description: `our runtime loop with an echo handler (${FLOOR_ENTRY}), compiled in this run with the same flags`,
      role: "floor",
      argv: [floor.outfile],
      env: {},
      executable: floor.outfile,
      noColdStart: undefined,
      memoryInvocations: soak,
    },
    {
      id: "floor-noftl",
      label: "floor, FTL off",
      description: "the floor with BUN_JSC_useFTLJIT=0, the like-for-like base for the bootstrap with FTL off",
      role: "floor",
      argv: [floor.outfile],
      env: NO_FTL_ENV,
      executable: floor.outfile,
      noColdStart: "same executable as floor",
      memoryInvocations: short,
    },
    {
      id: "floor-warm-policy",
      label: `floor, warm JIT policy ${WARM_JIT_POLICY.toLocaleString("en-US")}`,
      description: `the floor keeping the skill's warm JIT policy (${WARM_JIT_POLICY.toLocaleString("en-US")}, WARM_JIT_POLICY in src/main.ts) after its first answer, as the bootstrap does: the like-for-like base for the skill's own cost`,
      role: "floor",
      argv: [floor.outfile],
      env: { [FLOOR_WARM_JIT_POLICY_VARIABLE]: String(WARM_JIT_POLICY) },
      executable: floor.outfile,
      noColdStart: "same executable as floor",
      memoryInvocations: soak,
    },
    {
      id: "floor-bare",
      label: "bare floor",
      description: `a plain-fetch Runtime API loop with an echo handler (${BARE_FLOOR_ENTRY}), same flags`,
      role: "floor",
      argv: [bare.outfile],
      env: {},
      executable: bare.outfile,
      noColdStart: undefined,
      memoryInvocations: soak,
    },
    {
      id: "node",
      label: "node",
      description: `the same skill bundled with --target=node, run by node (${nodeBundle})`,
      role: "skill",
      argv: [input.node ?? "node", nodeBundle],
      env: {},
      executable: input.node ?? "node",
      noColdStart: undefined,
      memoryInvocations: short,
    },
    {
      id: "bun-jit",
      label: "bun src/main.ts",
      description: "the skill run from source by bun (JIT, not compiled)",
      role: "skill",
      argv: [input.bun, SKILL_ENTRY],
      env: {},
      executable: input.bun,
      noColdStart: jitReason,
      memoryInvocations: short,
    },
  ];
  const present = all.filter((candidate) => candidate.id !== "node" || input.node !== undefined);
  const coldSkipped = input.cannotDropCaches ?? (settings.coldStarts === 0 ? "--cold-starts 0" : undefined);
  const copyNames = new Map([
    [bootstrap, "bootstrap"],
    [floor.outfile, "floor"],
    [bare.outfile, "floor-bare"],
  ]);
  const compiled = [...copyNames.keys()];
  // The first copy keeps the folder's own name; the others sit in numbered folders inside it.
  const copyOf = (path: string, copy = 1): string => {
    const folder = posix.join(benchDir, "exec", copyNames.get(path) ?? "other");
    return copy === 1 ? posix.join(folder, "bootstrap") : posix.join(folder, String(copy), "bootstrap");
  };
  const copyNumbers = Array.from({ length: START_COPIES }, (_, index) => index + 1);
  const pageCache: BenchPlan["pageCache"] = {
    drop: input.cannotDropCaches === undefined,
    copies: compiled.flatMap((from) => copyNumbers.map((copy) => ({ from, to: copyOf(from, copy) }))),
  };
  notes.push(
    `The compiled candidates run from byte-identical private copies under ${posix.join(benchDir, "exec")}, so a test running ` +
      `dist/x86_64/bootstrap at the same time cannot keep their pages cached; the starts rotate over ${START_COPIES} ` +
      "copies of each, so no one copy's page-cache layout decides its medians.",
  );
  if (!pageCache.drop) {
    notes.push(
      "The page cache cannot be dropped here: the compiled candidates run from copies all in the same just-written state.",
    );
  }
  const candidates = present.map((candidate): Candidate => {
    if (!compiled.includes(candidate.executable)) return { ...candidate, startExecutables: candidate.argv.slice(0, 1) };
    const executable = copyOf(candidate.executable);
    return {
      ...candidate,
      executable,
      argv: [executable, ...candidate.argv.slice(1)],
      startExecutables: copyNumbers.map((copy) => copyOf(candidate.executable, copy)),
    };
  });
  const buildMeasurement = settings.measureBuild
    ? {
        plan: planBuild({
          archs: ["x86_64", "arm64"],
          entry: SKILL_ENTRY,
          outDir: posix.join(benchDir, "build"),
          bun: input.bun,
        }),
        zips: [floorZip, emptyZip],
      }
    : undefined;
  if (buildMeasurement === undefined) {
    notes.push("--quick: build times and floor zips are not measured; zip sizes come from the last `bun run build`.");
  }
  return {
    settings,
    candidates,
    prepare,
    emptyExecutable: empty.outfile,
    buildMeasurement,
    coldSkipped,
    trendWindow: trendWindowFor(soak),
    latencyTurn: REQUEST_KINDS.length * Math.max(1, Math.min(10, Math.floor(settings.invocations / 10))),
    memoryTurn: 100,
    memoryReplicates: settings.quick ? 1 : 3,
    pageCache,
    notes,
  };
}

/**
 * Node's bundle gets the compile flags that mean anything without `--compile` (minify, production,
 * ESM); bytecode, the autoload switches and the baked argv exist only for executables, and
 * `--splitting` would write chunk files beside the one `--outfile` the bench runs.
 */
export function nodeBundleFlags(): string[] {
  return COMPILE_FLAGS.filter(
    (flag) =>
      !flag.startsWith("--bytecode") &&
      !flag.includes("--compile-") &&
      !flag.includes("compile-autoload") &&
      flag !== "--splitting",
  );
}

/**
 * The trend window for a soak: the last 8,000 invocations when the soak leaves the first 1,000 out
 * of it, otherwise the last four fifths of a shorter soak.
 */
export function trendWindowFor(soak: number): number {
  return soak - MEMORY_CHECKPOINT >= TREND_WINDOW ? TREND_WINDOW : Math.floor(soak * 0.8);
}

function buildStepsOf(plan: BuildPlan): { compile: CompileStep; zip: ZipStep } {
  const compile = plan.steps.find((step): step is CompileStep => step.kind === "compile");
  const zip = plan.steps.find((step): step is ZipStep => step.kind === "zip");
  if (compile === undefined || zip === undefined) throw new Error("planBuild no longer plans a compile and a zip");
  return { compile, zip };
}

/**
 * Visiting order for one round: the candidates rotated by the round number, so over n rounds each
 * candidate goes first, second, … equally often and drift on the machine is shared.
 */
export function rotate<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const shift = ((round % items.length) + items.length) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/**
 * The latency phase's turns: each turn asks every kind in rotation, `turn / kinds` times each, until
 * every kind has been asked `perKind` times; the last turn may be shorter.
 */
export function latencyTurns(kinds: readonly RequestKind[], perKind: number, turn: number): RequestKind[][] {
  const perTurn = Math.max(1, Math.floor(turn / Math.max(1, kinds.length)));
  const turns: RequestKind[][] = [];
  for (let done = 0; done < perKind; done += perTurn) {
    const repeat = Math.min(perTurn, perKind - done);
    const sequence: RequestKind[] = [];
    for (let index = 0; index < repeat; index += 1) sequence.push(...rotate(kinds, index));
    turns.push(sequence);
  }
  return turns;
}

/** The memory phase's checkpoints for one candidate: every `turn` invocations, plus 1,000, up to `total`. */
export function memoryCheckpoints(total: number, turn: number): number[] {
  const points = new Set<number>();
  for (let at = turn; at < total; at += turn) points.add(at);
  if (MEMORY_CHECKPOINT <= total) points.add(MEMORY_CHECKPOINT);
  points.add(total);
  return [...points].sort((a, b) => a - b);
}

/** The plan as `--dry-run` prints it. */
export function formatBenchPlan(plan: BenchPlan): string {
  const { settings } = plan;
  const lines = ["bench plan (dry run: nothing is built or started)", "", "prepare:"];
  plan.prepare.forEach((step, index) => {
    lines.push(`${index + 1}. ${step.label}`, `   ${step.argv.join(" ")}`);
  });
  if (plan.buildMeasurement !== undefined) {
    lines.push("", "build time (both architectures, into a scratch folder):");
    for (const step of plan.buildMeasurement.plan.steps) {
      if (step.kind === "compile") lines.push(`- ${step.label}: ${step.argv.join(" ")}`);
      if (step.kind === "zip") lines.push(`- ${step.label}: ${step.input} -> ${step.output}`);
    }
    for (const zip of plan.buildMeasurement.zips) lines.push(`- zip ${zip.input} -> ${zip.output} (size table)`);
  }
  lines.push("", "candidates (alternating, rotated every round):");
  for (const candidate of plan.candidates) {
    const env = Object.entries(candidate.env)
      .map(([key, value]) => `${key}=${value} `)
      .join("");
    lines.push(`- ${candidate.label}: ${env}${candidate.argv.join(" ")}`);
  }
  lines.push(
    "",
    `compiled candidates run from private copies: ${plan.pageCache.copies.map((copy) => `${copy.from} -> ${copy.to}`).join(", ")}`,
    plan.pageCache.drop
      ? "page cache: dropped once after copying, so every executable is read from disk the same way"
      : "page cache: cannot be dropped; the copies are all in the same just-written state",
    "",
    "phases:",
    `1. warm-cache starts: ${START_COPIES} unmeasured + ${settings.starts} per candidate, ` +
      `a compiled candidate's copies taking turns (spawn → first GET /next → launch answered)`,
    plan.coldSkipped === undefined
      ? `2. cold-cache starts: ${settings.coldStarts} per candidate, the candidate's files evicted from the page cache before each`
      : `2. cold-cache starts: skipped (${plan.coldSkipped})`,
    `3. latency: ${settings.invocations} warm invocations per kind (${REQUEST_KINDS.join(", ")}) per candidate, ` +
      `${plan.latencyTurn} per turn; TfL uncached, plus the bootstrap with TfL's own max-age`,
    `4. memory: status invocations in ${plan.memoryReplicates} fresh process(es) per candidate, VmHWM after init, after ${Math.min(MEMORY_CHECKPOINT, settings.soakInvocations)} ` +
      `and at the end; VmRSS every ${plan.memoryTurn}; ` +
      plan.candidates.map((candidate) => `${candidate.label} ${candidate.memoryInvocations}`).join(", "),
    "",
    `results: ${settings.outFile}`,
  );
  for (const note of plan.notes) lines.push(`note: ${note}`);
  return `${lines.join("\n")}\n`;
}

/** The backends a candidate talks to and where it runs. */
export interface EnvironmentInput {
  /** `host:port` of the Runtime API emulator. */
  readonly runtimeApi: string;
  /** Base URL of the TfL and skill API fakes. */
  readonly backendUrl: string;
  /** The candidate's working directory (Lambda's task root). */
  readonly taskRoot: string;
  readonly path: string;
  readonly skillId: string;
  /** Base URL of the bench's OTLP receiver, put where a candidate's environment says OTLP_RECEIVER. */
  readonly otlpEndpoint?: string | undefined;
}

/**
 * The environment Lambda gives a custom runtime (the contract's list, no HOME) plus the skill's
 * configuration at production settings: JSON logs at info, skill id verified.
 */
export function functionEnvironment(candidate: Candidate, input: EnvironmentInput): Record<string, string> {
  return {
    ...lambdaEnvironment({
      runtimeApi: input.runtimeApi,
      taskRoot: input.taskRoot,
      functionName: "london-travel-bench",
      path: input.path,
    }),
    TFL_API_URL: input.backendUrl,
    SKILL_API_URL: input.backendUrl,
    SKILL_ID: input.skillId,
    VERIFY_SKILL_ID: "true",
    LOG_LEVEL: "info",
    AWS_LAMBDA_LOG_FORMAT: "JSON",
    ...Object.fromEntries(
      Object.entries(candidate.env).map(([key, value]) => [
        key,
        value === OTLP_RECEIVER ? (input.otlpEndpoint ?? "http://127.0.0.1:4318") : value,
      ]),
    ),
  };
}
