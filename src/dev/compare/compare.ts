/**
 * `bun run compare`: the x86_64 vs arm64 table, from local runs of both builds (default) or from two
 * CloudWatch REPORT exports (`--logs`). The thin I/O shell around compare-plan.ts and compare-report.ts.
 */
import { appendFile, stat } from "node:fs/promises";
import { cpus } from "node:os";
import { ARCHS, type Arch } from "../base/arch.ts";
import { hostArch, qemuAvailable } from "../base/bootstrap-process.ts";
import { LocalRunError, processIo, runCli, type LocalCliDeps } from "../base/cli-support.ts";
import { COMPARE_USAGE, parseCompareArgs, type LocalComparePlan, type LogsComparePlan } from "./compare-plan.ts";
import {
  renderCompareJson,
  renderCompareTable,
  summariseLocalRuns,
  summariseReports,
  type ArchResult,
  type ColdStartSample,
  type LocalMeasurements,
} from "./compare-report.ts";
import { buildEvent, LOCAL_SKILL_ID } from "../base/events.ts";
import { startFakeBackends, type FakeBackends } from "../base/fake-backends.ts";
import { binaryPath, checkRunnable, zipPath } from "../base/builds.ts";
import { buildFunctionEnv } from "../base/function-env.ts";
import { parseReportLines } from "../base/report-parser.ts";
import { createLocalFunction, emulationFor } from "../base/session.ts";
import { listZipEntries } from "./zip-entries.ts";

/** What the CLI reads from its surroundings; tests pass their own. */
export type CompareDeps = LocalCliDeps;

// Function timeout for measurement runs; generous because emulated cold starts are slow.
const MEASURE_TIMEOUT_MS = 30_000;

/** Runs `bun run compare` with these arguments; returns the exit code. */
export async function runCompare(argv: readonly string[], deps: CompareDeps): Promise<number> {
  const command = parseCompareArgs(argv);
  switch (command.command) {
    case "help":
      deps.io.out(COMPARE_USAGE);
      return 0;
    case "logs":
      return compareLogs(command, deps);
    case "local":
      return compareLocal(command, deps);
  }
}

async function compareLogs(plan: LogsComparePlan, deps: CompareDeps): Promise<number> {
  if (plan.dryRun) {
    deps.io.out(JSON.stringify({ source: "logs", x86_64: plan.x86Log, arm64: plan.armLog }, null, 2));
    return 0;
  }
  const results: ArchResult[] = [];
  const notes: string[] = [];
  let empty = false;
  for (const [arch, path] of [
    ["x86_64", plan.x86Log],
    ["arm64", plan.armLog],
  ] as const) {
    const file = Bun.file(path);
    if (!(await file.exists())) {
      throw new LocalRunError(`${path} does not exist`);
    }
    const parsed = parseReportLines(await file.text());
    for (const line of parsed.malformed) {
      deps.io.err(`warning: ${path} ${line.where}: skipped (${line.reason}): ${line.text.slice(0, 120)}`);
    }
    if (parsed.invocations.length === 0) {
      deps.io.err(`warning: ${path} holds no REPORT lines`);
      empty = true;
    }
    notes.push(
      `${arch}: ${path}, ${parsed.invocations.length} invocations (${parsed.cold.length} cold, ${parsed.warm.length} warm), ` +
        `${parsed.malformed.length} malformed lines skipped, ${parsed.duplicates} duplicates dropped.`,
    );
    results.push(summariseReports(arch, parsed));
  }
  notes.push(
    "Cold starts are the reports with an Init Duration. Durations leave out failed invocations (timeouts, crashes), which are counted apart.",
  );
  const [x86, arm] = results as [ArchResult, ArchResult];
  await emit(x86, arm, notes, plan.json, deps);
  return empty ? 1 : 0;
}

async function compareLocal(plan: LocalComparePlan, deps: CompareDeps): Promise<number> {
  if (plan.dryRun) {
    deps.io.out(
      JSON.stringify(
        {
          source: "local",
          builds: ARCHS.map((arch) => ({
            arch,
            binary: binaryPath(plan.distDir, arch),
            zip: zipPath(plan.distDir, arch),
            emulation: emulationFor(arch, deps.hostArch) ?? null,
          })),
          coldStarts: plan.coldStarts,
          warmInvocations: plan.warmInvocations,
          event: `StatusIntent, LINE "${plan.line}"`,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  checkRunnable(ARCHS, plan.distDir, deps);
  const backends = startFakeBackends();
  try {
    const measured = await measureBoth(plan, backends, deps);
    const [x86, arm] = ARCHS.map((arch) => summariseLocalRuns(measured[arch])) as [ArchResult, ArchResult];
    const notes = [
      `Measured on this host (${deps.hostArch}, ${cpus().length} CPUs, Bun ${Bun.version}) on ${new Date().toISOString().slice(0, 10)}: ` +
        `${plan.coldStarts} cold starts per build, then ${plan.warmInvocations} warm invocations in the last sandbox; ` +
        `each a StatusIntent for "${plan.line}" with TfL served from recordings on 127.0.0.1, builds alternating.`,
      "Init duration: process start to the first GET /next. Duration: the Runtime API handing out the event to the response. " +
        "Max memory used: the process's peak RSS (VmHWM).",
    ];
    await emit(x86, arm, notes, plan.json, deps);
    return x86.failures + arm.failures === 0 ? 0 : 1;
  } finally {
    await backends.stop();
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

async function zipEntryCount(path: string): Promise<number | undefined> {
  const file = Bun.file(path);
  if (!(await file.exists())) {
    return undefined;
  }
  return listZipEntries(new Uint8Array(await file.arrayBuffer())).length;
}

async function measureBoth(
  plan: LocalComparePlan,
  backends: FakeBackends,
  deps: CompareDeps,
): Promise<Record<Arch, LocalMeasurements>> {
  const env = buildFunctionEnv(
    { live: false, memorySizeMb: plan.memorySizeMb },
    { tflApiUrl: backends.url, skillApiUrl: backends.url },
    LOCAL_SKILL_ID,
    {},
  );
  const samples: Record<Arch, { cold: ColdStartSample[]; warm: number[]; peak: number | undefined; failures: number }> =
    {
      x86_64: { cold: [], warm: [], peak: undefined, failures: 0 },
      arm64: { cold: [], warm: [], peak: undefined, failures: 0 },
    };
  const event = (): unknown => buildEvent("status", { line: plan.line });
  for (let round = 0; round < plan.coldStarts; round += 1) {
    // Alternate which build goes first so drift on the host does not favour one of them.
    const order = round % 2 === 0 ? ARCHS : [...ARCHS].reverse();
    const last = round === plan.coldStarts - 1;
    for (const arch of order) {
      const sample = samples[arch];
      const fn = createLocalFunction({
        binary: binaryPath(plan.distDir, arch),
        arch,
        env,
        timeoutMs: MEASURE_TIMEOUT_MS,
        memorySizeMb: plan.memorySizeMb,
      });
      try {
        const first = await fn.invoke(event());
        if (first.status !== "success" || first.report.initDurationMs === undefined) {
          sample.failures += 1;
          deps.io.err(
            `${arch} cold start ${round + 1}: ${first.status}: ${first.errorType ?? ""} ${first.message ?? ""}\n${first.output}`,
          );
          continue;
        }
        sample.cold.push({
          initMs: first.report.initDurationMs,
          firstMs: first.report.durationMs,
          maxMemoryUsedMb: first.report.maxMemoryUsedMb,
        });
        deps.io.err(
          `${arch}${emulationFor(arch, deps.hostArch) === undefined ? "" : " (emulated)"} cold start ${round + 1}/${plan.coldStarts}: ` +
            `init ${first.report.initDurationMs.toFixed(2)} ms, first invocation ${first.report.durationMs.toFixed(2)} ms`,
        );
        if (last) {
          for (let index = 0; index < plan.warmInvocations; index += 1) {
            const warm = await fn.invoke(event());
            if (warm.status === "success" && !warm.cold) {
              sample.warm.push(warm.report.durationMs);
              sample.peak = warm.report.maxMemoryUsedMb ?? sample.peak;
            } else {
              sample.failures += 1;
            }
          }
        }
      } finally {
        await fn.stop();
      }
    }
  }
  const measurements = {} as Record<Arch, LocalMeasurements>;
  for (const arch of ARCHS) {
    const sample = samples[arch];
    if (!(await Bun.file(zipPath(plan.distDir, arch)).exists())) {
      deps.io.err(
        `warning: ${zipPath(plan.distDir, arch)} does not exist (did the build fail?): its size and file count show as –`,
      );
    }
    measurements[arch] = {
      arch,
      emulation: emulationFor(arch, deps.hostArch),
      zipBytes: await sizeOf(zipPath(plan.distDir, arch)),
      zipEntries: await zipEntryCount(zipPath(plan.distDir, arch)),
      executableBytes: await sizeOf(binaryPath(plan.distDir, arch)),
      memorySizeMb: plan.memorySizeMb,
      coldStarts: sample.cold,
      warmMs: sample.warm,
      maxMemoryUsedMb: sample.peak,
      failures: sample.failures,
    };
  }
  return measurements;
}

async function emit(
  x86: ArchResult,
  arm: ArchResult,
  notes: readonly string[],
  json: boolean,
  deps: CompareDeps,
): Promise<void> {
  const markdown = renderCompareTable(x86, arm, { lines: notes });
  deps.io.out(json ? JSON.stringify(renderCompareJson(x86, arm), null, 2) : markdown);
  const summary = deps.env["GITHUB_STEP_SUMMARY"];
  if (summary !== undefined && summary.length > 0) {
    await appendFile(summary, `${markdown}\n`);
  }
}

if (import.meta.main) {
  const code = await runCli(
    () => runCompare(Bun.argv.slice(2), { io: processIo, env: process.env, hostArch: hostArch(), qemuAvailable }),
    COMPARE_USAGE,
  );
  process.exit(code);
}
