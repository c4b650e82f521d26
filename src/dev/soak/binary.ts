/**
 * The compiled `bootstrap` under test: the Runtime API emulator (optionally behind the freeze
 * proxy), loopback TfL and skill-API backends, and the binary spawned with Lambda's environment
 * plus secret markers. Outcomes race the process's exit, so a crash is an outcome, never a hang.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { hostArch, qemuAvailable, spawnBootstrap, type BootstrapProcess } from "../base/bootstrap-process.ts";
import type { Arch } from "../base/arch.ts";
import {
  startRuntimeApiEmulator,
  type InvocationOutcome,
  type InvokeOptions,
  type RuntimeApiEmulator,
} from "../base/emulator.ts";
import { startReliabilityBackends, type ReliabilityBackends } from "./backends.ts";
import { RELIABILITY_SKILL_ID } from "./events.ts";
import { startFreezeProxy, type FreezeProxy } from "./freeze-proxy.ts";
import { SECRET_MARKERS } from "./in-process.ts";

/** Where `bun run build.ts` writes the binary for `arch`. */
export function binaryPath(arch: Arch): string {
  return resolve(import.meta.dir, "../../../dist", arch, "bootstrap");
}

/** Why the binary for `arch` cannot run here, or undefined when it can. */
export function cannotRun(arch: Arch): string | undefined {
  if (!existsSync(binaryPath(arch))) return `${binaryPath(arch)} is missing: run \`bun run build.ts\` first`;
  if (arch !== hostArch() && (arch !== "arm64" || !qemuAvailable()))
    return `no way to run ${arch} on this ${hostArch()} host`;
  return undefined;
}

/** An invocation's outcome, or the process exiting first. */
export type Outcome =
  InvocationOutcome | { readonly kind: "exited"; readonly code: number; readonly durationMs: number };

/** The function configuration the reliability tests give the binary (markers included). */
export function functionEnv(
  backends: { tflUrl: string; skillApiUrl: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TFL_API_URL: backends.tflUrl,
    SKILL_API_URL: backends.skillApiUrl,
    SKILL_ID: RELIABILITY_SKILL_ID,
    TFL_APP_ID: SECRET_MARKERS.tflAppId,
    TFL_APP_KEY: SECRET_MARKERS.tflAppKey,
    LOG_LEVEL: "debug",
    ...extra,
  };
}

/**
 * Everything a function wrote or sent to the Runtime API: stdout, stderr, and the method, path,
 * headers and body of every request it made (responses, errors, init errors).
 */
export function outputOf(fn: FunctionUnderTest): string {
  const posted = fn.emulator.requests.map(
    (request) => `${request.method} ${request.path} ${JSON.stringify(request.headers)} ${request.body}`,
  );
  return [fn.process.stdout(), fn.process.stderr(), ...posted].join("\n");
}

/** Options of {@link startFunction}. */
export interface StartFunctionOptions {
  readonly arch?: Arch | undefined;
  /** Replaces the default configuration entirely when given (functionEnv is not applied). */
  readonly env?: Record<string, string> | undefined;
  /** Added on top of functionEnv(backends). */
  readonly extraEnv?: Record<string, string> | undefined;
  readonly cwd?: string | undefined;
  /** Put the freeze proxy between the binary and the emulator. */
  readonly proxy?: boolean | undefined;
  readonly timeoutMs?: number | undefined;
  /** Share backends between functions; otherwise each function starts its own. */
  readonly backends?: ReliabilityBackends | undefined;
  /** Do not wait for the first GET /next (init is expected to fail). */
  readonly expectInitFailure?: boolean | undefined;
}

/** A running function. */
export interface FunctionUnderTest {
  /** The current emulator (replaced by `recycleEmulator`). */
  readonly emulator: RuntimeApiEmulator;
  readonly process: BootstrapProcess;
  readonly backends: ReliabilityBackends;
  readonly proxy: FreezeProxy | undefined;
  /** Sends one event; resolves with its outcome, or `exited` if the process dies first. */
  invoke(event: unknown, options?: InvokeOptions): Promise<Outcome>;
  /** Resolves true once the runtime waits in GET /next, false if the process exits first. */
  ready(): Promise<boolean>;
  /** Kills the process (if alive), stops the servers; resolves with the exit code. */
  stop(): Promise<number>;
  /** Whether the process has exited. */
  exitCode(): number | undefined;
  /**
   * Moves the running binary to a fresh emulator (needs `proxy`): the old one is stopped, which
   * resets the parked GET /next, and the runtime's retry reaches the new one. Long runs use this
   * because the emulator keeps every event it delivered.
   */
  recycleEmulator(): Promise<void>;
}

/** Starts emulator, backends, proxy and binary; waits for the first GET /next unless told not to. */
export async function startFunction(options: StartFunctionOptions = {}): Promise<FunctionUnderTest> {
  const arch = options.arch ?? hostArch();
  const timeoutMs = options.timeoutMs ?? 30_000;
  let emulator = await startRuntimeApiEmulator({ timeoutMs });
  const ownBackends = options.backends === undefined;
  const backends = options.backends ?? startReliabilityBackends();
  const proxy = options.proxy === true ? startFreezeProxy(emulator.address) : undefined;
  const env = options.env ?? functionEnv(backends, options.extraEnv);
  const child = spawnBootstrap({
    binary: binaryPath(arch),
    arch,
    runtimeApi: proxy?.address ?? emulator.address,
    env,
    cwd: options.cwd,
  });
  let code: number | undefined;
  const started = performance.now();
  const exited = child.exited.then((value) => {
    code = value;
    return value;
  });

  const fn: FunctionUnderTest = {
    get emulator() {
      return emulator;
    },
    process: child,
    backends,
    proxy,
    async invoke(event, invokeOptions) {
      const began = performance.now();
      if (code !== undefined) return { kind: "exited", code, durationMs: 0 };
      return Promise.race([
        emulator.invoke(event, invokeOptions),
        exited.then((value) => ({ kind: "exited" as const, code: value, durationMs: performance.now() - began })),
      ]);
    },
    async ready() {
      return Promise.race([emulator.waitForNext().then(() => true), exited.then(() => false)]);
    },
    async stop() {
      if (code === undefined) child.kill("SIGKILL");
      const result = await exited;
      proxy?.stop();
      await emulator.stop();
      if (ownBackends) await backends.stop();
      return result;
    },
    exitCode: () => code,
    async recycleEmulator() {
      if (proxy === undefined) throw new Error("recycleEmulator needs the freeze proxy");
      const old = emulator;
      emulator = await startRuntimeApiEmulator({ timeoutMs });
      proxy.retarget(emulator.address);
      await old.stop();
      if (!(await fn.ready())) throw new Error("bootstrap exited while moving to a new emulator");
    },
  };
  if (options.expectInitFailure !== true) {
    const ready = await fn.ready();
    if (!ready) {
      const stderr = child.stderr().slice(0, 2_000);
      const stdout = child.stdout().slice(0, 2_000);
      await fn.stop();
      throw new Error(
        `bootstrap exited during init after ${Math.round(performance.now() - started)} ms\n${stdout}\n${stderr}`,
      );
    }
  }
  return fn;
}
