/**
 * The I/O half of `bun run bench`: performs a `BenchPlan` (builds, starts, invocations, memory
 * reads) and returns the results. Progress goes to `log`; throws `LocalRunError` when the run cannot
 * start at all, and records per-candidate failures instead of stopping.
 */
import { writeFileSync } from "node:fs";
import { chmod, copyFile, mkdir, rm, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { LocalRunError } from "../base/cli-support.ts";
import { driveConcurrently, summariseLoad, type LoadSummary } from "../base/concurrent-load.ts";
import {
  startRuntimeApiEmulator,
  type InvocationOutcome,
  type RuntimeApiEmulator,
  type RuntimeApiEmulatorOptions,
} from "../base/emulator.ts";
import { buildEvent, LOCAL_SKILL_ID, type AlexaEvent } from "../base/events.ts";
import { RECORDED_ACCESS_TOKEN } from "../base/fake-backends.ts";
import { LAMBDA_ZIP_LIMIT_BYTES, type CompileStep, type ZipStep } from "../base/build-plan.ts";
import { runCommand } from "../base/process.ts";
import { zipSingleFileAsync } from "../base/zip.ts";
import { startBenchBackends, type BenchBackends } from "./backends.ts";
import { readMachine } from "./machine.ts";
import {
  functionEnvironment,
  latencyTurns,
  MEMORY_CHECKPOINT,
  memoryCheckpoints,
  REQUEST_KINDS,
  rotate,
  type BenchPlan,
  type Candidate,
  type CandidateId,
  type RequestKind,
} from "./plan.ts";
import { spawnMeasured, type MeasuredProcess } from "../base/bootstrap-process.ts";
import { evictFromPageCache, readProcessFaults, readProcessIo, readProcessMemory } from "../base/process.ts";
import type {
  BenchResults,
  BuildResult,
  CandidateInfo,
  LatencyResult,
  MemoryResult,
  SizeResult,
  StartResult,
} from "./results.ts";
import { median } from "../base/stats.ts";
import { memoryTrend, type RssReading } from "../base/trend.ts";
import { describeSample } from "./stats.ts";
import { checkBytecodeOrder } from "./record-order.ts";

/** What the runner needs from outside. */
export interface RunnerDeps {
  /** Project root: plan paths are relative to it. */
  readonly root: string;
  /** One progress line (stderr in the CLI, so stdout stays the table). */
  readonly log: (line: string) => void;
}

const DROP_CACHES = "/proc/sys/vm/drop_caches";
const INIT_TIMEOUT_MS = 15_000;
const INVOKE_TIMEOUT_MS = 10_000;

/**
 * Whether the page cache can be dropped here: root, and a write to drop_caches succeeds (a
 * read-only /proc in a container refuses it). Returns the reason when not.
 */
export function probeDropCaches(): string | undefined {
  if (process.getuid?.() !== 0) return "not root: dropping the page cache needs root";
  try {
    writeFileSync(DROP_CACHES, "1\n");
    return undefined;
  } catch (error) {
    return `cannot write ${DROP_CACHES}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Runs the whole plan. */
export async function runBench(plan: BenchPlan, deps: RunnerDeps): Promise<BenchResults> {
  const startedAt = new Date();
  const t0 = performance.now();
  const at = (path: string): string => resolve(deps.root, path);
  const notes = [...plan.notes];
  const built = `${plan.settings.distDir}/x86_64/bootstrap`;
  if (!(await Bun.file(at(built)).exists())) {
    throw new LocalRunError(`${built} does not exist: run \`bun run build\` first`);
  }

  for (const step of plan.prepare) {
    const ms = await runCompile(step.label, step.argv, step.outfile, deps);
    deps.log(`${step.label} … ${(ms / 1000).toFixed(1)} s`);
  }
  const measured = plan.buildMeasurement === undefined ? undefined : await measureBuild(plan.buildMeasurement, deps);

  await equalisePageCache(plan, deps);
  const runDir = at(`${plan.settings.distDir}/bench/task-root`);
  await mkdir(runDir, { recursive: true });
  const backends = startBenchBackends();
  const context: RunContext = { plan, deps, backends, runDir, at, notes };
  let warmStarts: StartResult[];
  let coldStarts: StartResult[] = [];
  let latency: LatencyResult[];
  let memory: MemoryResult[];
  let concurrency: LoadSummary[];
  try {
    warmStarts = await measureStarts(context, false);
    if (plan.coldSkipped === undefined) coldStarts = await measureStarts(context, true);
    latency = await measureLatency(context);
    memory = await measureMemory(context);
    concurrency = await measureConcurrency(context);
  } finally {
    await backends.stop();
  }
  // A stale profile lays the start-up code out in an old order, which costs start time unnoticed.
  const bytecodeOrder = await checkBytecodeOrder(at(built), at(`${plan.settings.distDir}/bench/order-check`));
  deps.log("bytecode-order profiles checked against the bootstrap");

  const candidates: CandidateInfo[] = [];
  for (const candidate of plan.candidates) {
    candidates.push({
      id: candidate.id,
      label: candidate.label,
      description: candidate.description,
      command: [...Object.entries(candidate.env).map(([key, value]) => `${key}=${value}`), ...candidate.argv].join(" "),
      executable: candidate.executable,
      executableBytes: await sizeOf(at(candidate.executable)),
    });
  }
  const sizes = await collectSizes(plan, measured, at);
  return {
    schema: "london-travel-bench/1",
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    machine: readMachine(),
    bunVersion: Bun.version,
    nodeVersion: nodeVersionOf(plan),
    settings: {
      starts: plan.settings.starts,
      coldStarts: plan.settings.coldStarts,
      invocations: plan.settings.invocations,
      soakInvocations: plan.settings.soakInvocations,
      trendWindow: plan.trendWindow,
      quick: plan.settings.quick,
    },
    candidates,
    warmStarts,
    coldStarts,
    coldSkipped: plan.coldSkipped,
    latency,
    memory,
    concurrency,
    builds: measured?.builds ?? [],
    buildWallMs: measured?.wallMs,
    sizes,
    emptyExecutableBytes: await sizeOf(at(plan.emptyExecutable)),
    zipLimitBytes: LAMBDA_ZIP_LIMIT_BYTES,
    notes,
    bytecodeOrder,
  };
}

interface RunContext {
  readonly plan: BenchPlan;
  readonly deps: RunnerDeps;
  readonly backends: BenchBackends;
  readonly runDir: string;
  readonly at: (path: string) => string;
  readonly notes: string[];
}

// ---------------------------------------------------------------------------------------------
// Builds

/**
 * Copies the compiled candidates where nothing else runs them, then drops the page cache when it
 * can, so every executable starts in the same state (see `BenchPlan.pageCache`).
 */
async function equalisePageCache(plan: BenchPlan, deps: RunnerDeps): Promise<void> {
  for (const copy of plan.pageCache.copies) {
    const to = resolve(deps.root, copy.to);
    await mkdir(dirname(to), { recursive: true });
    await rm(to, { force: true });
    await copyFile(resolve(deps.root, copy.from), to);
    await chmod(to, 0o755);
  }
  deps.log(`compiled candidates copied to ${plan.pageCache.copies.map((copy) => copy.to).join(", ")}`);
  if (plan.pageCache.drop) {
    Bun.spawnSync(["sync"]);
    writeFileSync(DROP_CACHES, "3\n");
    deps.log("page cache dropped: every executable is read from disk the same way");
  }
}

async function runCompile(label: string, argv: readonly string[], outfile: string, deps: RunnerDeps): Promise<number> {
  await mkdir(dirname(resolve(deps.root, outfile)), { recursive: true });
  const started = performance.now();
  const { exitCode, output } = await runCommand(argv, deps.root);
  if (exitCode !== 0) throw new LocalRunError(`${label} failed (exit ${exitCode}):\n${output.trim()}`);
  return performance.now() - started;
}

interface MeasuredBuild {
  readonly builds: BuildResult[];
  readonly wallMs: number;
  readonly floorZips: ReadonlyMap<string, number>;
}

/**
 * Times the two-architecture build the way `bun run build` runs it (compiles in turn, then both
 * zips at once), into a scratch folder; then zips the floor and the empty executable.
 */
async function measureBuild(
  measurement: NonNullable<BenchPlan["buildMeasurement"]>,
  deps: RunnerDeps,
): Promise<MeasuredBuild> {
  const started = performance.now();
  const compiles = measurement.plan.steps.filter((step): step is CompileStep => step.kind === "compile");
  const zips = measurement.plan.steps.filter((step): step is ZipStep => step.kind === "zip");
  const compileMs = new Map<string, number>();
  for (const step of compiles) {
    compileMs.set(step.arch, await runCompile(step.label, step.argv, step.outfile, deps));
    deps.log(`${step.label} … ${((compileMs.get(step.arch) ?? 0) / 1000).toFixed(1)} s`);
  }
  const zipped = await Promise.all(zips.map((step) => zipTimed(step, deps)));
  const wallMs = performance.now() - started;
  deps.log(`both architectures built and zipped in ${(wallMs / 1000).toFixed(1)} s`);
  const builds: BuildResult[] = [];
  for (const step of compiles) {
    const zip = zipped.find((entry) => entry.step.arch === step.arch);
    builds.push({
      arch: step.arch,
      compileMs: compileMs.get(step.arch) ?? Number.NaN,
      zipMs: zip?.ms,
      bytes: (await sizeOf(resolve(deps.root, step.outfile))) ?? 0,
      zipBytes: zip?.bytes,
    });
  }
  const floorZips = await Promise.all(measurement.zips.map((step) => zipTimed(step, deps)));
  return { builds, wallMs, floorZips: new Map(floorZips.map((entry) => [entry.step.input, entry.bytes])) };
}

async function zipTimed(step: ZipStep, deps: RunnerDeps): Promise<{ step: ZipStep; ms: number; bytes: number }> {
  const bytes = await Bun.file(resolve(deps.root, step.input)).bytes();
  const started = performance.now();
  const zip = await zipSingleFileAsync(bytes, step);
  const ms = performance.now() - started;
  await Bun.write(resolve(deps.root, step.output), zip);
  deps.log(`zip ${step.input} → ${zip.length} bytes … ${(ms / 1000).toFixed(1)} s`);
  return { step, ms, bytes: zip.length };
}

async function collectSizes(
  plan: BenchPlan,
  measured: MeasuredBuild | undefined,
  at: (path: string) => string,
): Promise<SizeResult[]> {
  const dist = plan.settings.distDir;
  const sizes: SizeResult[] = [];
  for (const arch of ["x86_64", "arm64"] as const) {
    const built = measured?.builds.find((build) => build.arch === arch);
    const path = `${dist}/${arch}/bootstrap`;
    const bytes = built?.bytes ?? (await sizeOf(at(path)));
    if (bytes === undefined) continue;
    sizes.push({
      label: `lambda-${arch}.zip`,
      path: built === undefined ? path : `${dist}/bench/build/${arch}/bootstrap`,
      bytes,
      zipBytes: built?.zipBytes ?? (await sizeOf(at(`${dist}/lambda-${arch}.zip`))),
    });
  }
  const originalOf = (path: string): string => plan.pageCache.copies.find((copy) => copy.to === path)?.from ?? path;
  const floors = plan.candidates.filter((entry) => entry.role === "floor" && Object.keys(entry.env).length === 0);
  for (const candidate of floors) {
    const path = originalOf(candidate.executable);
    const bytes = await sizeOf(at(path));
    if (bytes === undefined) continue;
    sizes.push({ label: candidate.label, path, bytes, zipBytes: measured?.floorZips.get(path) });
  }
  const emptyBytes = await sizeOf(at(plan.emptyExecutable));
  if (emptyBytes !== undefined) {
    sizes.push({
      label: "empty program",
      path: plan.emptyExecutable,
      bytes: emptyBytes,
      zipBytes: measured?.floorZips.get(plan.emptyExecutable),
    });
  }
  return sizes;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

function nodeVersionOf(plan: BenchPlan): string | undefined {
  const node = plan.candidates.find((candidate) => candidate.id === "node");
  if (node === undefined) return undefined;
  const result = Bun.spawnSync([node.executable, "--version"], { stdout: "pipe", stderr: "ignore" });
  return result.exitCode === 0 ? result.stdout.toString().trim().replace(/^v/, "") : undefined;
}

// ---------------------------------------------------------------------------------------------
// A running candidate behind its own Runtime API emulator

interface Sandbox {
  readonly candidate: Candidate;
  readonly emulator: RuntimeApiEmulator;
  readonly process: MeasuredProcess;
  /** `performance.now()` just before the spawn. */
  readonly spawnedAt: number;
  /** Spawn → first GET /next, ms. */
  readonly initMs: number;
  /** Set by `stopSandbox`, so a second stop does nothing. */
  stopped: boolean;
}

class SandboxError extends Error {
  override readonly name = "SandboxError";
}

async function startSandbox(
  context: RunContext,
  candidate: Candidate,
  backendUrl: string,
  dropCaches: boolean,
  concurrency?: number,
): Promise<Sandbox> {
  // The bench reads none of the recorded requests: 10,000 bodies would be ~40 MB and GC in the p99s.
  const emulatorOptions: RuntimeApiEmulatorOptions = { timeoutMs: INVOKE_TIMEOUT_MS, record: false };
  const emulator = await startRuntimeApiEmulator(
    concurrency === undefined ? emulatorOptions : { ...emulatorOptions, managedInstances: true },
  );
  const env = functionEnvironment(candidate, {
    runtimeApi: emulator.address,
    backendUrl,
    taskRoot: context.runDir,
    path: process.env["PATH"] ?? "/usr/bin:/bin",
    skillId: LOCAL_SKILL_ID,
    otlpEndpoint: context.backends.otlp.endpoint,
  });
  if (concurrency !== undefined && concurrency > 1) {
    env["AWS_LAMBDA_MAX_CONCURRENCY"] = String(concurrency);
    env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "lambda-managed-instances";
  }
  const argv = candidate.argv.map((part, index) => (index === 0 && !part.includes("/") ? part : context.at(part)));
  if (dropCaches) {
    // Only the candidate's own files (its executable; node's script too) leave the page cache, with
    // posix_fadvise: the start reads them from the disk as a Lambda cold start does, while the rest
    // of the machine (and the libc every candidate shares) keeps its cache.
    for (const path of argv) if (path.startsWith("/")) evictFromPageCache(path);
  }
  const started = performance.now();
  let child: MeasuredProcess;
  try {
    child = spawnMeasured(argv, { env, cwd: context.runDir });
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  const outcome = await raceWithTimeout(
    [
      emulator.waitForNext().then(() => "ready" as const),
      emulator.initError.then((error) => `init error ${error.errorType ?? ""}: ${JSON.stringify(error.body)}`),
      child.exited.then((code) => `exited with ${code} during init`),
    ],
    INIT_TIMEOUT_MS,
    `no GET /next within ${INIT_TIMEOUT_MS / 1000} s`,
  );
  const initMs = performance.now() - started;
  if (outcome !== "ready") {
    await child.stop();
    await emulator.stop();
    throw new SandboxError(`${candidate.label}: ${outcome}\n${child.outputTail().trim()}`);
  }
  return { candidate, emulator, process: child, spawnedAt: started, initMs, stopped: false };
}

/** Kills the candidate and stops its emulator; a second call does nothing. */
async function stopSandbox(sandbox: Sandbox): Promise<void> {
  if (sandbox.stopped) return;
  sandbox.stopped = true;
  await sandbox.process.stop();
  await sandbox.emulator.stop();
}

/** One invocation: wall time from handing the event over to the answer; undefined when it failed. */
async function invokeTimed(sandbox: Sandbox, event: AlexaEvent): Promise<number | undefined> {
  const started = performance.now();
  const answered = sandbox.emulator.invoke(event);
  answered.catch(() => undefined);
  const outcome = await raceWithTimeout<InvocationOutcome>(
    [answered, sandbox.process.exited.then((code) => `exited with ${code}`)],
    INVOKE_TIMEOUT_MS + 2_000,
    "no answer",
  );
  const ms = performance.now() - started;
  return typeof outcome === "object" && outcome.kind === "response" ? ms : undefined;
}

async function raceWithTimeout<T>(
  promises: readonly Promise<T | string>[],
  ms: number,
  late: string,
): Promise<T | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(late), ms);
  });
  try {
    return await Promise.race([...promises, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One event per kind, built once: the bench measures the function, not the event builder. */
function eventsByKind(): Record<RequestKind, AlexaEvent> {
  return {
    launch: buildEvent("launch"),
    status: buildEvent("status", { line: "victoria" }),
    disruption: buildEvent("disruption"),
    commute: buildEvent("commute", { accessToken: RECORDED_ACCESS_TOKEN }),
    help: buildEvent("help"),
  };
}

// ---------------------------------------------------------------------------------------------
// Phase 1 and 2: starts

/** The candidate as started in this round: its copies take turns (see START_COPIES). */
function startCopy(candidate: Candidate, round: number): Candidate {
  const executable = rotate(candidate.startExecutables, round)[0];
  if (executable === undefined || executable === candidate.argv[0]) return candidate;
  return { ...candidate, executable, argv: [executable, ...candidate.argv.slice(1)] };
}

async function measureStarts(context: RunContext, cold: boolean): Promise<StartResult[]> {
  const { plan, deps } = context;
  const candidates = cold
    ? plan.candidates.filter((candidate) => candidate.noColdStart === undefined)
    : plan.candidates;
  const rounds = cold ? plan.settings.coldStarts : plan.settings.starts;
  const samples = new Map<CandidateId, StartSamples>(candidates.map((candidate) => [candidate.id, emptySamples()]));
  const launch = buildEvent("launch");
  const phase = cold ? "cold-cache starts" : "warm-cache starts";
  // Warm cache: one unmeasured start from each copy first, so every executable is in the page cache.
  const warmUps = cold ? 0 : Math.max(...candidates.map((candidate) => candidate.startExecutables.length), 1);
  for (let round = -warmUps; round < rounds; round += 1) {
    for (const candidate of rotate(candidates, round)) {
      const sample = samples.get(candidate.id);
      if (sample === undefined) continue;
      try {
        const sandbox = await startSandbox(context, startCopy(candidate, round), context.backends.cached.url, cold);
        try {
          const answered = await invokeTimed(sandbox, launch);
          const first = performance.now() - sandbox.spawnedAt;
          if (answered === undefined)
            throw new SandboxError(
              `${candidate.label}: the launch request failed\n${sandbox.process.outputTail().trim()}`,
            );
          if (round >= 0) {
            // Read at once: the process is parked in GET /next and reads nothing more until killed.
            const io = readProcessIo(sandbox.process.pid);
            const faults = readProcessFaults(sandbox.process.pid);
            const memory = readProcessMemory(sandbox.process.pid);
            sample.init.push(sandbox.initMs);
            sample.first.push(first);
            if (memory !== undefined) sample.peak.push(memory.peakKb);
            if (io !== undefined) sample.readBytes.push(io.readBytes);
            if (faults !== undefined) {
              sample.majorFaults.push(faults.major);
              sample.minorFaults.push(faults.minor);
            }
          }
        } finally {
          await stopSandbox(sandbox);
        }
      } catch (error) {
        sample.failures += 1;
        sample.lastError = error instanceof Error ? error.message : String(error);
      }
    }
    if (round >= 0 && (round + 1) % 5 === 0) deps.log(`${phase}: ${round + 1}/${rounds}`);
  }
  return candidates.map((candidate): StartResult => {
    const sample = samples.get(candidate.id) ?? emptySamples();
    if (sample.lastError !== undefined) {
      context.notes.push(
        `${phase}, ${candidate.label}: ${sample.failures} failed; last error: ${oneLine(sample.lastError)}`,
      );
    }
    return {
      candidate: candidate.id,
      initMs: describeSample(sample.init),
      firstAnswerMs: describeSample(sample.first),
      firstAnswerPeakKb: describeSample(sample.peak)?.p50,
      firstAnswerReadBytes: median(sample.readBytes),
      firstAnswerMajorFaults: median(sample.majorFaults),
      firstAnswerMinorFaults: median(sample.minorFaults),
      failures: sample.failures,
    };
  });
}

interface StartSamples {
  readonly init: number[];
  readonly first: number[];
  readonly peak: number[];
  readonly readBytes: number[];
  readonly majorFaults: number[];
  readonly minorFaults: number[];
  failures: number;
  lastError?: string;
}

function emptySamples(): StartSamples {
  return { init: [], first: [], peak: [], readBytes: [], majorFaults: [], minorFaults: [], failures: 0 };
}

// ---------------------------------------------------------------------------------------------
// Phase 3: warm latency

interface Lane {
  readonly candidate: Candidate;
  readonly tfl: "uncached" | "cached";
  readonly turns: RequestKind[][];
  readonly sandbox: Sandbox;
  readonly times: Map<RequestKind, number[]>;
  failures: number;
}

async function measureLatency(context: RunContext): Promise<LatencyResult[]> {
  const { plan, deps, backends } = context;
  const events = eventsByKind();
  const lanes: Lane[] = [];
  const specs: Array<{ candidate: Candidate; tfl: "uncached" | "cached"; kinds: readonly RequestKind[] }> = [
    ...plan.candidates.map((candidate) => ({ candidate, tfl: "uncached" as const, kinds: REQUEST_KINDS })),
    ...plan.candidates
      .filter((candidate) => candidate.id === "bootstrap")
      .map((candidate) => ({ candidate, tfl: "cached" as const, kinds: ["status"] as const })),
  ];
  try {
    for (const spec of specs) {
      const url = spec.tfl === "cached" ? backends.cached.url : backends.uncached.url;
      try {
        const sandbox = await startSandbox(context, spec.candidate, url, false);
        lanes.push({
          candidate: spec.candidate,
          tfl: spec.tfl,
          turns: latencyTurns(spec.kinds, plan.settings.invocations, plan.latencyTurn),
          sandbox,
          times: new Map(spec.kinds.map((kind) => [kind, []])),
          failures: 0,
        });
      } catch (error) {
        context.notes.push(`latency, ${spec.candidate.label}: did not start: ${oneLine(String(error))}`);
      }
    }
    // Warm-up, unmeasured: two turns' worth, so JIT tiers and connection pools are where they stay.
    for (const lane of lanes) {
      for (const kind of [...(lane.turns[0] ?? []), ...(lane.turns[0] ?? [])])
        await invokeTimed(lane.sandbox, events[kind]);
    }
    const rounds = Math.max(...lanes.map((lane) => lane.turns.length), 0);
    for (let round = 0; round < rounds; round += 1) {
      for (const lane of rotate(lanes, round)) {
        for (const kind of lane.turns[round] ?? []) {
          const ms = await invokeTimed(lane.sandbox, events[kind]);
          if (ms === undefined) lane.failures += 1;
          else lane.times.get(kind)?.push(ms);
        }
      }
      if ((round + 1) % Math.max(1, Math.floor(rounds / 4)) === 0) deps.log(`latency: round ${round + 1}/${rounds}`);
    }
    return lanes.map((lane) => ({
      candidate: lane.candidate.id,
      tfl: lane.tfl,
      kinds: [...lane.times.entries()].map(([kind, times]) => ({ kind, ms: describeSample(times) })),
      failures: lane.failures,
      peakKb: readProcessMemory(lane.sandbox.process.pid)?.peakKb,
    }));
  } finally {
    await Promise.all(lanes.map((lane) => stopSandbox(lane.sandbox)));
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 4: memory

interface MemoryLane {
  readonly candidate: Candidate;
  readonly replicate: number;
  readonly sandbox: Sandbox;
  readonly checkpoints: number[];
  readonly afterInitPeakKb: number | undefined;
  after1000PeakKb: number | undefined;
  done: number;
  failures: number;
  readonly rss: RssReading[];
}

/**
 * Status invocations in fresh processes: `memoryReplicates` per candidate go to 1,000 (the budget
 * takes the median of their peaks); the first of each goes on to the candidate's soak length.
 */
async function measureMemory(context: RunContext): Promise<MemoryResult[]> {
  const { plan, deps, backends } = context;
  const status = eventsByKind().status;
  const lanes: MemoryLane[] = [];
  try {
    for (let replicate = 0; replicate < plan.memoryReplicates; replicate += 1) {
      for (const candidate of rotate(plan.candidates, replicate)) {
        const total =
          replicate === 0 ? candidate.memoryInvocations : Math.min(MEMORY_CHECKPOINT, candidate.memoryInvocations);
        try {
          const sandbox = await startSandbox(context, candidate, backends.uncached.url, false);
          lanes.push({
            candidate,
            replicate,
            sandbox,
            checkpoints: memoryCheckpoints(total, plan.memoryTurn),
            afterInitPeakKb: readProcessMemory(sandbox.process.pid)?.peakKb,
            after1000PeakKb: undefined,
            done: 0,
            failures: 0,
            rss: [],
          });
        } catch (error) {
          context.notes.push(`memory, ${candidate.label}: did not start: ${oneLine(String(error))}`);
        }
      }
    }
    const rounds = Math.max(...lanes.map((lane) => lane.checkpoints.length), 0);
    for (let round = 0; round < rounds; round += 1) {
      for (const lane of rotate(lanes, round)) {
        const target = lane.checkpoints[round];
        if (target === undefined) continue;
        while (lane.done < target) {
          if ((await invokeTimed(lane.sandbox, status)) === undefined) lane.failures += 1;
          lane.done += 1;
        }
        const memory = readProcessMemory(lane.sandbox.process.pid);
        if (memory !== undefined) lane.rss.push({ invocations: lane.done, rssKb: memory.rssKb });
        if (lane.done === MEMORY_CHECKPOINT) {
          lane.after1000PeakKb = memory?.peakKb;
          // Replicates that stop at 1,000 free their memory for the rest of the soak.
          if (lane.replicate > 0) await stopSandbox(lane.sandbox);
        }
      }
      if ((round + 1) % 20 === 0) deps.log(`memory: round ${round + 1}/${rounds}`);
    }
    return plan.candidates.flatMap((candidate): MemoryResult[] => {
      const mine = lanes.filter((lane) => lane.candidate.id === candidate.id);
      const first = mine.find((lane) => lane.replicate === 0);
      if (first === undefined) return [];
      const peaks = mine.flatMap((lane) => (lane.after1000PeakKb === undefined ? [] : [lane.after1000PeakKb]));
      return [
        {
          candidate: candidate.id,
          invocations: first.done,
          afterInitPeakKb: describeSample(
            mine.flatMap((lane) => (lane.afterInitPeakKb === undefined ? [] : [lane.afterInitPeakKb])),
          )?.p50,
          after1000PeakKb: median(peaks),
          after1000PeakKbSamples: peaks,
          finalPeakKb: readProcessMemory(first.sandbox.process.pid)?.peakKb,
          trend:
            first.done >= plan.settings.soakInvocations
              ? memoryTrend(first.rss, first.done, Math.max(0, first.done - plan.trendWindow))
              : undefined,
          rss: first.rss,
          failures: mine.reduce((sum, lane) => sum + lane.failures, 0),
        },
      ];
    });
  } finally {
    await Promise.all(lanes.map((lane) => stopSandbox(lane.sandbox)));
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 5: concurrency (Lambda Managed Instances)

/** Invocations in flight at once for the concurrency table; 1 is the on-demand loop, for comparison. */
export const CONCURRENCY_LEVELS = [1, 4, 16] as const;

/**
 * The bootstrap under load at each level, in a fresh process per level: AWS_LAMBDA_MAX_CONCURRENCY set
 * to the level (unset at 1), the five request kinds in turn with TfL uncached (every status call
 * crosses loopback), `--invocations` of them after one unmeasured round.
 */
async function measureConcurrency(context: RunContext): Promise<LoadSummary[]> {
  const { plan, deps, backends } = context;
  const bootstrap = plan.candidates.find((candidate) => candidate.id === "bootstrap");
  if (bootstrap === undefined) return [];
  const events = eventsByKind();
  const eventAt = (index: number): AlexaEvent => events[REQUEST_KINDS[index % REQUEST_KINDS.length] ?? "launch"];
  const summaries: LoadSummary[] = [];
  for (const level of CONCURRENCY_LEVELS) {
    let sandbox: Sandbox | undefined;
    try {
      sandbox = await startSandbox(context, bootstrap, backends.uncached.url, false, level);
      await sandbox.emulator.waitForParked(level);
      await driveConcurrently(sandbox.emulator, eventAt, level * 2, level);
      summaries.push(
        summariseLoad(await driveConcurrently(sandbox.emulator, eventAt, plan.settings.invocations, level)),
      );
      deps.log(`concurrency: ${level} done`);
    } catch (error) {
      context.notes.push(`concurrency ${level}: ${oneLine(String(error))}`);
    } finally {
      if (sandbox !== undefined) await stopSandbox(sandbox);
    }
  }
  return summaries;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 400);
}
