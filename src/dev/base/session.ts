/**
 * A local Lambda function: the real compiled `bootstrap` behind our Runtime API emulator, with
 * Lambda's lifecycle around it. The first invocation starts a sandbox (its init duration is spawn to
 * the first `GET /next`); a timeout or a crash kills the process, is reported the way Lambda reports
 * it, and the next invocation starts a new sandbox (README, Decisions D22 and D24 items 5-6).
 */
import { hostArch, spawnBootstrap, type BootstrapProcess } from "./bootstrap-process.ts";
import type { Arch } from "./arch.ts";
import { startRuntimeApiEmulator, type InvocationOutcome, type RuntimeApiEmulator } from "./emulator.ts";
import { billedDurationMs, kibToMb, type InvocationReport } from "./report-line.ts";

/** How to run one build. */
export interface LocalFunctionOptions {
  readonly binary: string;
  readonly arch: Arch;
  /** The function's own configuration; spawnBootstrap adds Lambda's variables. */
  readonly env: Readonly<Record<string, string>>;
  /** The function timeout, enforced on every invocation. */
  readonly timeoutMs: number;
  readonly memorySizeMb: number;
  /** Lambda gives init 10 s (README, Decisions D22). */
  readonly initTimeoutMs?: number | undefined;
  readonly cwd?: string | undefined;
  /** Monotonic milliseconds; tests may pass their own. */
  readonly now?: (() => number) | undefined;
}

/** How an invocation ended, in Lambda's words. */
export type InvocationStatus = "success" | "error" | "timeout";

/** One invocation as Lambda would report it. */
export interface LocalInvocation {
  readonly requestId: string;
  readonly status: InvocationStatus;
  /** "init" when the sandbox never got as far as the invocation. */
  readonly phase: "init" | "invoke";
  /** True when this invocation started the sandbox (the REPORT line then carries Init Duration). */
  readonly cold: boolean;
  /** The raw body the runtime posted (response or error), if it posted one. */
  readonly body: string | undefined;
  /** The body parsed as JSON, or undefined. */
  readonly json: unknown;
  readonly errorType: string | undefined;
  /** Lambda's sentence for a failure: "Task timed out after 10.00 seconds", "Runtime exited with error: exit status 1". */
  readonly message: string | undefined;
  readonly report: InvocationReport;
  /** What the function wrote to stdout and stderr during this invocation (and its init, when cold). */
  readonly output: string;
}

/** A function that starts its sandbox on demand, like an on-demand Lambda. */
export interface LocalFunction {
  readonly arch: Arch;
  /** The emulator running the binary ("qemu-aarch64-static"), or undefined when it runs natively. */
  readonly emulation: string | undefined;
  /** Sends one event (an object is sent as JSON, a string as the raw body). */
  invoke(event: unknown): Promise<LocalInvocation>;
  /** Kills the sandbox, if any; the next invoke starts a new one. */
  stop(): Promise<void>;
}

interface Sandbox {
  readonly emulator: RuntimeApiEmulator;
  readonly process: BootstrapProcess;
  readonly initDurationMs: number;
  outputOffset: { stdout: number; stderr: number };
}

type InitResult =
  | { readonly kind: "ready"; readonly sandbox: Sandbox }
  | {
      readonly kind: "failed";
      readonly invocation: Omit<LocalInvocation, "requestId" | "report" | "cold"> & { readonly initDurationMs: number };
    };

const DEFAULT_INIT_TIMEOUT_MS = 10_000;
const KILL_GRACE_MS = 2_000;
// The emulator enforces the deadline; this margin only guards against a missed deadline.
const DEADLINE_GRACE_MS = 2_000;

/** The emulator a build runs under on this host, or undefined when it runs natively. */
export function emulationFor(arch: Arch, host: Arch = hostArch()): string | undefined {
  if (arch === host) {
    return undefined;
  }
  return arch === "arm64" ? "qemu-aarch64-static" : "qemu-x86_64-static";
}

/** Lambda's message for a timed-out invocation: "Task timed out after 3.00 seconds". */
export function timeoutMessage(timeoutMs: number): string {
  return `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
}

/** Lambda's message for a runtime that exits mid-invocation. */
export function exitMessage(exitCode: number): string {
  return `Runtime exited with error: exit status ${exitCode}`;
}

/**
 * Creates a local function for one build. Nothing starts until the first invoke.
 * @example const fn = createLocalFunction({ binary: "dist/x86_64/bootstrap", arch: "x86_64", env, timeoutMs: 10_000, memorySizeMb: 512 });
 */
export function createLocalFunction(options: LocalFunctionOptions): LocalFunction {
  const now = options.now ?? ((): number => performance.now());
  const emulation = emulationFor(options.arch);
  let current: Sandbox | undefined;

  const retire = async (sandbox: Sandbox): Promise<void> => {
    if (current === sandbox) {
      current = undefined;
    }
    await killSandbox(sandbox);
  };

  return {
    arch: options.arch,
    emulation,
    async invoke(event) {
      const requestId = crypto.randomUUID();
      let cold = false;
      if (current === undefined) {
        const init = await startSandbox(options, now);
        if (init.kind === "failed") {
          const { initDurationMs, ...failure } = init.invocation;
          return {
            ...failure,
            requestId,
            cold: true,
            report: {
              requestId,
              durationMs: 0,
              billedDurationMs: billedDurationMs(0, initDurationMs),
              memorySizeMb: options.memorySizeMb,
              maxMemoryUsedMb: undefined,
              initDurationMs,
              status: failure.status,
              errorType: failure.errorType,
            },
          };
        }
        current = init.sandbox;
        cold = true;
      }
      const sandbox = current;
      const result = await invokeInSandbox(sandbox, event, requestId, options);
      const peakKib = sandbox.process.peakRssKb();
      const output = takeOutput(sandbox);
      if (result.sandboxLost) {
        await retire(sandbox);
      }
      const initDurationMs = cold ? sandbox.initDurationMs : undefined;
      const { sandboxLost: _lost, durationMs, ...rest } = result;
      return {
        ...rest,
        requestId,
        phase: "invoke",
        cold,
        output,
        report: {
          requestId,
          durationMs,
          billedDurationMs: billedDurationMs(durationMs, initDurationMs),
          memorySizeMb: options.memorySizeMb,
          maxMemoryUsedMb: peakKib === undefined ? undefined : kibToMb(peakKib),
          initDurationMs,
          // Lambda prints a status only when the platform, not the function, ended the invocation.
          ...(result.sandboxLost
            ? { status: result.status, errorType: result.status === "timeout" ? undefined : result.errorType }
            : {}),
        },
      };
    },
    async stop() {
      if (current !== undefined) {
        await retire(current);
      }
    },
  };
}

async function startSandbox(options: LocalFunctionOptions, now: () => number): Promise<InitResult> {
  const emulator = await startRuntimeApiEmulator({ timeoutMs: options.timeoutMs });
  const started = now();
  let child: BootstrapProcess;
  try {
    child = spawnBootstrap({
      binary: options.binary,
      arch: options.arch,
      runtimeApi: emulator.address,
      env: { ...options.env },
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  const initTimeoutMs = options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    emulator.waitForNext().then(() => ({ kind: "ready" as const })),
    emulator.initError.then((error) => ({ kind: "init-error" as const, error })),
    child.exited.then((exitCode) => ({ kind: "exited" as const, exitCode })),
    new Promise<{ kind: "timeout" }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: "timeout" }), initTimeoutMs);
    }),
  ]);
  clearTimeout(timer);
  const initDurationMs = now() - started;
  const sandbox: Sandbox = { emulator, process: child, initDurationMs, outputOffset: { stdout: 0, stderr: 0 } };
  if (outcome.kind === "ready") {
    return { kind: "ready", sandbox };
  }
  await killSandbox(sandbox);
  const output = takeOutput(sandbox);
  switch (outcome.kind) {
    case "init-error": {
      const body = JSON.stringify(outcome.error.body);
      return {
        kind: "failed",
        invocation: {
          status: "error",
          phase: "init",
          body,
          json: outcome.error.body,
          errorType: outcome.error.errorType ?? errorTypeOf(outcome.error.body) ?? "Runtime.Unknown",
          message: messageOf(outcome.error.body),
          output,
          initDurationMs,
        },
      };
    }
    case "exited":
      return {
        kind: "failed",
        invocation: {
          status: "error",
          phase: "init",
          body: undefined,
          json: undefined,
          errorType: "Runtime.ExitError",
          message: exitMessage(outcome.exitCode),
          output,
          initDurationMs,
        },
      };
    case "timeout":
      return {
        kind: "failed",
        invocation: {
          status: "timeout",
          phase: "init",
          body: undefined,
          json: undefined,
          errorType: undefined,
          message: `Init timed out after ${(initTimeoutMs / 1000).toFixed(2)} seconds`,
          output,
          initDurationMs,
        },
      };
  }
}

interface SandboxResult {
  readonly status: InvocationStatus;
  readonly body: string | undefined;
  readonly json: unknown;
  readonly errorType: string | undefined;
  readonly message: string | undefined;
  readonly durationMs: number;
  /** True when the process was killed or died: the next invocation needs a new sandbox. */
  readonly sandboxLost: boolean;
}

async function invokeInSandbox(
  sandbox: Sandbox,
  event: unknown,
  requestId: string,
  options: LocalFunctionOptions,
): Promise<SandboxResult> {
  const startedAt = performance.now();
  const answered = sandbox.emulator.invoke(event, { requestId });
  // If the process dies instead, the emulator's promise is left pending until stop(); keep it quiet.
  answered.catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    answered.then((result) => ({ kind: "outcome" as const, result })),
    sandbox.process.exited.then((exitCode) => ({ kind: "exited" as const, exitCode })),
    new Promise<{ kind: "late" }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: "late" }), options.timeoutMs + DEADLINE_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  const elapsed = performance.now() - startedAt;
  if (outcome.kind === "exited") {
    return {
      status: "error",
      body: undefined,
      json: undefined,
      errorType: "Runtime.ExitError",
      message: exitMessage(outcome.exitCode),
      durationMs: elapsed,
      sandboxLost: true,
    };
  }
  if (outcome.kind === "late") {
    return timedOut(options.timeoutMs);
  }
  return fromOutcome(outcome.result, options.timeoutMs);
}

function timedOut(timeoutMs: number): SandboxResult {
  return {
    status: "timeout",
    body: undefined,
    json: undefined,
    errorType: undefined,
    message: timeoutMessage(timeoutMs),
    durationMs: timeoutMs,
    sandboxLost: true,
  };
}

function fromOutcome(outcome: InvocationOutcome, timeoutMs: number): SandboxResult {
  switch (outcome.kind) {
    case "response":
      return {
        status: "success",
        body: outcome.body,
        json: outcome.json,
        errorType: undefined,
        message: undefined,
        durationMs: outcome.durationMs,
        sandboxLost: false,
      };
    case "error":
      return {
        status: "error",
        body: JSON.stringify(outcome.body),
        json: outcome.body,
        errorType: outcome.errorType ?? errorTypeOf(outcome.body),
        message: messageOf(outcome.body),
        durationMs: outcome.durationMs,
        sandboxLost: false,
      };
    case "timeout":
      return { ...timedOut(timeoutMs), durationMs: Math.max(outcome.durationMs, timeoutMs) };
  }
}

function errorTypeOf(body: unknown): string | undefined {
  const value = typeof body === "object" && body !== null ? (body as Record<string, unknown>)["errorType"] : undefined;
  return typeof value === "string" ? value : undefined;
}

function messageOf(body: unknown): string | undefined {
  const value =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>)["errorMessage"] : undefined;
  return typeof value === "string" ? value : undefined;
}

function takeOutput(sandbox: Sandbox): string {
  const stdout = sandbox.process.stdout();
  const stderr = sandbox.process.stderr();
  const fresh = stdout.slice(sandbox.outputOffset.stdout) + stderr.slice(sandbox.outputOffset.stderr);
  sandbox.outputOffset = { stdout: stdout.length, stderr: stderr.length };
  return fresh;
}

async function killSandbox(sandbox: Sandbox): Promise<void> {
  sandbox.process.kill("SIGKILL");
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    sandbox.process.exited.catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, KILL_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  await sandbox.emulator.stop();
}
