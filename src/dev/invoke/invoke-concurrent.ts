/**
 * `bun run invoke --concurrency N`: the binary sent `--repeat` copies of the event with N in flight at
 * once, after one unmeasured round; prints throughput and p50/p99 latency. Above 1 it runs in Lambda
 * Managed Instances mode (AWS_LAMBDA_MAX_CONCURRENCY=N); at 1 it is the on-demand loop, for comparison.
 */
import { spawnBootstrap } from "../base/bootstrap-process.ts";
import { binaryPath } from "../base/builds.ts";
import type { LocalCliDeps } from "../base/cli-support.ts";
import type { Arch } from "../base/arch.ts";
import { driveConcurrently, formatLoadSummary, summariseLoad } from "../base/concurrent-load.ts";
import { startRuntimeApiEmulator } from "../base/emulator.ts";
import type { InvokePlan } from "./invoke-plan.ts";
import { emulationFor } from "../base/session.ts";

/** Runs one build under load; resolves to the number of failed invocations (1 when it never started). */
export async function invokeConcurrently(
  plan: InvokePlan,
  concurrency: number,
  arch: Arch,
  env: Record<string, string>,
  event: { readonly send: () => unknown; readonly description: string },
  deps: LocalCliDeps,
): Promise<number> {
  const binary = binaryPath(plan.distDir, arch);
  const emulation = emulationFor(arch, deps.hostArch);
  deps.io.out(
    `▶ ${arch}${emulation === undefined ? " (native)" : ` (emulated: ${emulation})`} · ${binary} · ${event.description} · ` +
      `${plan.repeat} invocations, ${concurrency} at once` +
      `${concurrency > 1 ? ` (AWS_LAMBDA_MAX_CONCURRENCY=${concurrency})` : " (one at a time, the on-demand loop)"}\n`,
  );
  // Managed Instances: deadlines are the runtime's own job, so the emulator enforces none.
  const emulator = await startRuntimeApiEmulator({ managedInstances: true, record: false, timeoutMs: plan.timeoutMs });
  const child = spawnBootstrap({
    binary,
    arch,
    runtimeApi: emulator.address,
    env:
      concurrency > 1
        ? {
            ...env,
            AWS_LAMBDA_MAX_CONCURRENCY: String(concurrency),
            AWS_LAMBDA_INITIALIZATION_TYPE: "lambda-managed-instances",
          }
        : env,
  });
  try {
    const ready = await Promise.race([
      emulator.waitForParked(concurrency).then(() => true),
      emulator.initError.then(() => false),
      child.exited.then(() => false),
    ]);
    if (!ready) {
      deps.io.out(`✗ the function did not start:\n${child.stdout()}${child.stderr()}`);
      return 1;
    }
    // One unmeasured round, so JIT tiers and connection pools are where they stay.
    await driveConcurrently(emulator, event.send, concurrency, concurrency);
    const summary = summariseLoad(await driveConcurrently(emulator, event.send, plan.repeat, concurrency));
    deps.io.out(`${formatLoadSummary(summary)}${emulation === undefined ? "" : ` (emulated: ${emulation})`}\n`);
    return summary.failures;
  } finally {
    child.kill();
    await child.exited;
    await emulator.stop();
  }
}
