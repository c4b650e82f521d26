/**
 * `bun run soak`: the full-count reliability run (issue 7) that CI runs smaller. Fuzzes 10,000
 * events in process and 10,000 through the binary, soaks 10,000 invocations, and holds a GET /next
 * open for over 6 minutes on a second binary; prints the figures and fails on any broken criterion.
 */
import { hostArch } from "../base/bootstrap-process.ts";
import { LocalRunError, runCli } from "../base/cli-support.ts";
import { reliabilityRecordings, startReliabilityBackends } from "./backends.ts";
import { cannotRun, startFunction, type FunctionUnderTest } from "./binary.ts";
import { baseEvent } from "./events.ts";
import { FUZZ_SECRETS, runInProcessFuzz } from "./fuzz.ts";
import { runBinaryFuzz } from "./fuzz-binary.ts";
import { SECRET_MARKERS } from "./in-process.ts";
import { runSoak } from "./soak-run.ts";
import { parseSoakArgs, SOAK_USAGE, type SoakPlan } from "./soak-plan.ts";
import { memoryTrend } from "../base/trend.ts";

const MIB = 1024;

interface Check {
  readonly name: string;
  /** undefined: not applicable here (printed, not counted). */
  readonly ok: boolean | undefined;
  readonly detail: string;
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function run(plan: SoakPlan): Promise<number> {
  const reason = cannotRun(plan.arch);
  if (reason !== undefined) throw new LocalRunError(reason);
  const checks: Check[] = [];
  const started = performance.now();
  say(`soak: ${plan.arch}${Object.keys(plan.env).length > 0 ? ` with ${JSON.stringify(plan.env)}` : ""}`);

  // 4 starts first and runs alongside the rest: a binary left waiting in GET /next.
  let idle: FunctionUnderTest | undefined;
  let idleSince = 0;
  if (plan.idleMinutes > 0) {
    idle = await startFunction({ arch: plan.arch, extraEnv: plan.env });
    idleSince = performance.now();
    say(`idle: a second binary (pid ${idle.process.pid}) now waits in GET /next for ${plan.idleMinutes} min`);
  }

  try {
    if (plan.fuzzEvents > 0) {
      const fuzz = await runInProcessFuzz({ runs: plan.fuzzEvents, seed: plan.seed });
      say(
        `fuzz (in process): ${fuzz.events} events, ${fuzz.responses} responses, ${JSON.stringify(fuzz.invocationErrors)}, ` +
          `${fuzz.canaries} canaries, seed ${fuzz.seed}, ${fuzz.durationMs} ms`,
      );
      if (fuzz.counterexample !== undefined) say(`  counterexample: ${JSON.stringify(fuzz.counterexample)}`);
      checks.push({
        name: "in-process fuzz",
        ok: fuzz.failure === undefined,
        detail: fuzz.failure ?? `${fuzz.events} events, 0 failures`,
      });
    }

    if (plan.binaryFuzzEvents > 0) {
      const fn = await startFunction({ arch: plan.arch, proxy: true, extraEnv: plan.env });
      try {
        const fuzz = await runBinaryFuzz({
          fn,
          runs: plan.binaryFuzzEvents,
          seed: plan.seed,
          secrets: [...FUZZ_SECRETS, SECRET_MARKERS.tflAppId],
          large: true,
        });
        say(
          `fuzz (binary): ${fuzz.events} events, ${fuzz.responses} responses, ${JSON.stringify(fuzz.errors)}, ` +
            `${fuzz.canaries} canaries, ${fuzz.outputLines} log lines, ${fuzz.recycles} GET /next resets, seed ${fuzz.seed}, ${fuzz.durationMs} ms`,
        );
        if (fuzz.counterexample !== undefined) say(`  counterexample: ${JSON.stringify(fuzz.counterexample)}`);
        const alive = fn.exitCode() === undefined;
        checks.push({
          name: "binary fuzz",
          ok: fuzz.failure === undefined && alive,
          detail: fuzz.failure ?? `${fuzz.events} events, process alive: ${alive}`,
        });
      } finally {
        await fn.stop();
      }
    }

    const backends = startReliabilityBackends(reliabilityRecordings(), { tflMaxAgeSeconds: 1 });
    const fn = await startFunction({ arch: plan.arch, backends, extraEnv: { LOG_LEVEL: "info", ...plan.env } });
    try {
      const soak = await runSoak({ fn, invocations: plan.invocations, sampleEvery: 250 });
      const trend = memoryTrend(soak.samples, plan.invocations);
      say(
        `soak: ${soak.invocations} invocations in ${soak.durationMs} ms, ${soak.responses} answered, ${soak.failed} failed, ${soak.lost} lost`,
      );
      say(
        `  peak RSS (VmHWM): ${soak.peakRssAtWarmKb} KiB at 1,000 -> ${soak.peakRssAtEndKb} KiB at the end: growth ${soak.peakRssGrowthKb} KiB`,
      );
      say(
        `  RSS median: ${trend?.secondFifthKb} KiB (second fifth) -> ${trend?.lastFifthKb} KiB (last fifth): ${trend?.growthKb} KiB`,
      );
      say(`  open fds: ${soak.fdsAtWarm} at 1,000 -> ${soak.fdsAtEnd} at the end (max ${soak.fdsMax})`);
      checks.push({
        name: "soak: no failure, none lost",
        ok: soak.failed === 0 && soak.lost === 0,
        detail: soak.firstFailure ?? "0 failed, 0 lost",
      });
      // Under qemu the RSS is qemu's, translation cache included: not the binary's memory.
      const emulated = fn.process.emulated ? ", not applicable: the RSS under qemu is qemu's own" : "";
      checks.push({
        name: "soak: peak RSS growth 1,000 -> end < 2 MiB",
        ok: emulated === "" ? soak.peakRssGrowthKb !== undefined && soak.peakRssGrowthKb < 2 * MIB : undefined,
        detail: `${soak.peakRssGrowthKb} KiB${emulated}`,
      });
      checks.push({
        name: "soak: RSS trend second -> last fifth < 2 MiB",
        ok: emulated === "" ? trend !== undefined && trend.growthKb < 2 * MIB : undefined,
        detail: `${trend?.growthKb} KiB${emulated}`,
      });
      checks.push({
        name: "soak: open fds stable",
        ok: soak.fdsAtEnd !== undefined && soak.fdsAtWarm !== undefined && soak.fdsAtEnd - soak.fdsAtWarm <= 2,
        detail: `${soak.fdsAtWarm} -> ${soak.fdsAtEnd}`,
      });
    } finally {
      await fn.stop();
      await backends.stop();
    }

    if (idle !== undefined) {
      const waitMs = plan.idleMinutes * 60_000 + 10_000 - (performance.now() - idleSince);
      if (waitMs > 0) {
        say(`idle: waiting ${Math.round(waitMs / 1000)} s more before the next event`);
        await Bun.sleep(waitMs);
      }
      const heldMs = performance.now() - idleSince;
      const nexts = idle.emulator.requests.filter((request) => request.path.endsWith("/next")).length;
      const outcome = await idle.invoke(baseEvent("launch"));
      const served = outcome.kind === "response" && outcome.body.includes("Welcome to London Travel");
      say(
        `idle: GET /next held ${(heldMs / 60_000).toFixed(2)} min on one connection (${nexts} GET /next so far); next event: ${outcome.kind}`,
      );
      checks.push({
        name: `GET /next open over ${plan.idleMinutes} min, then served by the same process`,
        ok: served && nexts === 1 && idle.exitCode() === undefined,
        detail: `${outcome.kind}, ${nexts} GET /next, exit ${String(idle.exitCode())}`,
      });
    }
  } finally {
    await idle?.stop();
  }

  say(`\nchecks (${Math.round((performance.now() - started) / 1000)} s):`);
  for (const check of checks)
    say(`  ${check.ok === undefined ? "-" : check.ok ? "✓" : "✗"} ${check.name}: ${check.detail}`);
  return checks.every((check) => check.ok !== false) ? 0 : 1;
}

const code = await runCli(async () => {
  const plan = parseSoakArgs(process.argv.slice(2), hostArch());
  if (plan === "help") {
    say(SOAK_USAGE);
    return 0;
  }
  return run(plan);
}, SOAK_USAGE);
process.exit(code);
