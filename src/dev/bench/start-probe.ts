/**
 * `bun run src/dev/bench/start-probe.ts`: one executable, started N times behind the emulator and the
 * recorded backends, measured from process start to the first launch answer with counters that
 * other work on the machine does not move: bytes the process read (/proc/<pid>/io), page faults
 * (/proc/<pid>/stat), peak RSS (VmHWM). `--wrap` runs it under a tool, e.g. valgrind's callgrind, to
 * count instructions to the first answer (the process is stopped with SIGTERM right after it).
 */
import { resolve } from "node:path";
import { parseCliArgs, processIo, runCli, UsageError, type CliIo } from "../base/cli-support.ts";
import { pairedMedianDifference } from "../base/stats.ts";
import { startRuntimeApiEmulator } from "../base/emulator.ts";
import { buildEvent, LOCAL_SKILL_ID } from "../base/events.ts";
import { startBenchBackends } from "./backends.ts";
import { functionEnvironment, type Candidate } from "./plan.ts";
import {
  evictFromPageCache,
  readProcessFaults,
  readProcessIo,
  readMappedFileKb,
  readProcessCpu,
  readProcessMemory,
  type ProcessIo,
} from "../base/process.ts";

/** Printed by `--help`. */
export const START_PROBE_USAGE = `Usage: bun run src/dev/bench/start-probe.ts [options] <executable> [args…]

Starts the executable behind the Runtime API emulator (Lambda's environment, the skill's settings,
TfL and the skill API from recordings), sends one launch request, and prints per start: ms to the
first GET /next and to the answer, bytes read (read_bytes: from the disk; rchar: through read(2)),
major and minor page faults and peak RSS, all taken the moment the answer arrives. Several
executables alternate, rotated every round; each after the first also gets the median of its
round-by-round first-answer differences from the first, steadier than comparing medians on a machine
whose speed drifts.

Options:
  --runs N        starts (default 5)
  --cold          evict the executable from the page cache (posix_fadvise DONTNEED) before each start
  --env K=V       extra environment (repeatable), e.g. --env BUN_JSC_useFTLJIT=0
  --status N      after the launch answer, N warm status requests (TfL answers no-cache); then
                  VmHWM is read again and printed as "peak after N"
  --tfl-cached    TfL answers with its recorded max-age, so repeated status requests are served
                  from the skill's cache instead of calling TfL
  --wrap "CMD"    run under CMD (split on spaces), e.g. --wrap "valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p"
  -h, --help      this text`;

/** One measured start. */
export interface ProbeSample {
  readonly initMs: number;
  readonly firstAnswerMs: number;
  readonly io: ProcessIo | undefined;
  readonly majorFaults: number | undefined;
  readonly minorFaults: number | undefined;
  readonly peakKb: number | undefined;
  readonly anonKb: number | undefined;
  /** KiB of the executable's own pages mapped into the process. */
  readonly mappedKb: number | undefined;
  /** CPU time to the answer, ms: main thread, all threads. */
  readonly cpuMainMs: number | undefined;
  readonly cpuAllMs: number | undefined;
  /** VmHWM after the `--status` invocations, KiB. */
  readonly peakAfterStatusKb: number | undefined;
  /** Median wall time of the second half of the status requests, ms. */
  readonly statusP50Ms: number | undefined;
  /** CPU time of the whole process per status request, µs (all threads, JIT compiles included). */
  readonly statusCpuUs: number | undefined;
}

const TIMEOUT_MS = 120_000;

async function probeOnce(
  argv: readonly string[],
  executable: string,
  env: Record<string, string>,
  cold: boolean,
  statusRequests = 0,
  tflCached = false,
): Promise<ProbeSample> {
  const backends = startBenchBackends();
  const emulator = await startRuntimeApiEmulator({ record: false, timeoutMs: TIMEOUT_MS });
  try {
    const environment = functionEnvironment({ env } as unknown as Candidate, {
      runtimeApi: emulator.address,
      backendUrl: statusRequests > 0 && !tflCached ? backends.uncached.url : backends.cached.url,
      taskRoot: process.cwd(),
      path: process.env["PATH"] ?? "/usr/bin:/bin",
      skillId: LOCAL_SKILL_ID,
    });
    if (cold) evictFromPageCache(executable);
    const started = performance.now();
    const child = Bun.spawn([...argv], { env: environment, stdin: "ignore", stdout: "ignore", stderr: "inherit" });
    await emulator.waitForNext();
    const initMs = performance.now() - started;
    const outcome = await emulator.invoke(buildEvent("launch"));
    const firstAnswerMs = performance.now() - started;
    const cpu = readProcessCpu(child.pid);
    const io = readProcessIo(child.pid);
    const faults = readProcessFaults(child.pid);
    const memory = readProcessMemory(child.pid);
    const mappedKb = readMappedFileKb(child.pid, executable);
    const status = buildEvent("status", { line: "victoria" });
    const times: number[] = [];
    for (let done = 0; done < statusRequests; done += 1) {
      const sent = performance.now();
      const answer = await emulator.invoke(status);
      times.push(performance.now() - sent);
      if (answer.kind !== "response") throw new Error(`status request ${done + 1} ended in ${answer.kind}`);
    }
    const cpuAfter = readProcessCpu(child.pid);
    const peakAfterStatusKb = statusRequests > 0 ? readProcessMemory(child.pid)?.peakKb : undefined;
    // The second half only: the JIT tiers have settled by then.
    const settled = times.slice(Math.floor(times.length / 2)).sort((a, b) => a - b);
    const statusP50Ms = settled.length === 0 ? undefined : settled[Math.floor((settled.length - 1) / 2)];
    const statusCpuUs =
      statusRequests > 0 && cpu !== undefined && cpuAfter !== undefined
        ? (cpuAfter.allNs - cpu.allNs) / 1000 / statusRequests
        : undefined;
    child.kill("SIGTERM");
    await child.exited;
    if (outcome.kind !== "response") throw new Error(`the launch request ended in ${outcome.kind}`);
    return {
      initMs,
      firstAnswerMs,
      io,
      majorFaults: faults?.major,
      minorFaults: faults?.minor,
      peakKb: memory?.peakKb,
      anonKb: memory?.anonKb,
      mappedKb,
      cpuMainMs: cpu === undefined ? undefined : cpu.mainNs / 1e6,
      cpuAllMs: cpu === undefined ? undefined : cpu.allNs / 1e6,
      peakAfterStatusKb,
      statusP50Ms,
      statusCpuUs,
    };
  } finally {
    await emulator.stop();
    await backends.stop();
  }
}

/** Runs the probe; returns the exit code. */
export async function runStartProbe(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const { values, positionals } = parseCliArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      runs: { type: "string" },
      cold: { type: "boolean" },
      env: { type: "string", multiple: true },
      wrap: { type: "string" },
      each: { type: "boolean" },
      status: { type: "string" },
      "tfl-cached": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values["help"] === true) {
    io.out(START_PROBE_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("name the executable(s) to start");
  const runs = Number(values["runs"] ?? "5");
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError("--runs must be a positive whole number");
  const env: Record<string, string> = {};
  for (const pair of values["env"] ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`--env wants K=V, not "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const statusRequests = Number(values["status"] ?? "0");
  if (!Number.isInteger(statusRequests) || statusRequests < 0) throw new UsageError("--status must be a whole number");
  const wrap = (values["wrap"] ?? "").split(" ").filter((part) => part !== "");
  const paths = positionals.map((name) => (name.includes("/") ? resolve(name) : (Bun.which(name) ?? name)));
  const samples = new Map<string, ProbeSample[]>(paths.map((path) => [path, []]));
  const columns = [
    "init ms",
    "answer ms",
    "read_bytes",
    "rchar",
    "majflt",
    "minflt",
    "VmHWM KiB",
    "RssAnon KiB",
    "mapped KiB",
    "cpu main ms",
    "cpu all ms",
    "peak after status KiB",
    "status p50 ms",
    "CPU µs per status",
  ];
  if (values["each"] === true) io.out(["executable", ...columns].join("\t"));
  // Every executable in the same state first: read from the disk once (a just-written file sits in
  // the page cache in large folios and maps several MiB more), then one unmeasured start each.
  for (const path of paths) {
    evictFromPageCache(path);
    await probeOnce([...wrap, path], path, env, false);
  }
  for (let run = 0; run < runs; run += 1) {
    // Alternate, rotated every round, so drift on the machine hits every executable alike.
    for (let index = 0; index < paths.length; index += 1) {
      const path = paths[(index + run) % paths.length] ?? "";
      const sample = await probeOnce(
        [...wrap, path],
        path,
        env,
        values["cold"] === true,
        statusRequests,
        values["tfl-cached"] === true,
      );
      samples.get(path)?.push(sample);
      if (values["each"] === true)
        io.out([path, ...cellsOf(sample).map((value) => value?.toFixed(2) ?? "-")].join("\t"));
    }
  }
  io.out(
    `medians (min–max) over ${runs} start(s) each${values["cold"] === true ? ", executable evicted from the page cache before each" : ""}:`,
  );
  io.out(["executable", ...columns].join("\t"));
  for (const [path, list] of samples) {
    const cells = columns.map((_, column) => {
      const values = list.flatMap((sample) => {
        const value = cellsOf(sample)[column];
        return value === undefined ? [] : [value];
      });
      if (values.length === 0) return "-";
      values.sort((a, b) => a - b);
      const median = values[Math.floor((values.length - 1) / 2)] ?? 0;
      const digits = median >= 1000 ? 0 : 2;
      return `${median.toFixed(digits)} (${(values[0] ?? 0).toFixed(digits)}–${(values.at(-1) ?? 0).toFixed(digits)})`;
    });
    io.out([path, ...cells].join("\t"));
  }
  const [first, ...others] = paths;
  const answersOf = (path: string): (number | undefined)[] =>
    (samples.get(path) ?? []).map((sample) => sample.firstAnswerMs);
  for (const path of others) {
    const difference = pairedMedianDifference(answersOf(path), answersOf(first ?? ""));
    if (difference === undefined) continue;
    io.out(
      `${path}: first answer ${difference >= 0 ? "+" : ""}${difference.toFixed(2)} ms against ${first} (median of the round-by-round differences)`,
    );
  }
  return 0;
}

function cellsOf(sample: ProbeSample): (number | undefined)[] {
  return [
    sample.initMs,
    sample.firstAnswerMs,
    sample.io?.readBytes,
    sample.io?.rchar,
    sample.majorFaults,
    sample.minorFaults,
    sample.peakKb,
    sample.anonKb,
    sample.mappedKb,
    sample.cpuMainMs,
    sample.cpuAllMs,
    sample.peakAfterStatusKb,
    sample.statusP50Ms,
    sample.statusCpuUs,
  ];
}

if (import.meta.main) {
  process.exitCode = await runCli(() => runStartProbe(Bun.argv.slice(2)), START_PROBE_USAGE);
}
