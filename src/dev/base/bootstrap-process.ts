/**
 * Runs a compiled `bootstrap` the way Lambda starts it (README, Decisions D21, D24 item 5): Lambda's
 * variables and no HOME, the task root as cwd, and arm64 builds under qemu-user on an x86_64 host.
 */
import { existsSync } from "node:fs";
import { arch as processArch } from "node:os";
import { dirname, resolve } from "node:path";
import type { Arch } from "./arch.ts";
import { spawnMeasured, type MeasuredProcess } from "./process.ts";

/** Options of spawnBootstrap; `env` is added on top of (and may override) Lambda's variables. */
export interface SpawnBootstrapOptions {
  readonly binary: string;
  readonly arch: Arch;
  /** AWS_LAMBDA_RUNTIME_API, e.g. the emulator's address. */
  readonly runtimeApi: string;
  readonly env?: Record<string, string> | undefined;
  /** Default: the binary's directory, which is also LAMBDA_TASK_ROOT (as /var/task on Lambda). */
  readonly cwd?: string | undefined;
}

/** A running bootstrap: a measured process that knows whether qemu runs it. */
export interface BootstrapProcess extends MeasuredProcess {
  /** True when an arm64 build runs under qemu on an x86_64 host. */
  readonly emulated: boolean;
}

const QEMU = "qemu-aarch64-static";
const AARCH64_SYSROOT = "/usr/aarch64-linux-gnu";
// The PATH Lambda gives a function (README, Decisions D21).
const LAMBDA_PATH = "/usr/local/bin:/usr/bin/:/bin:/opt/bin";

/** The host as a Lambda architecture. */
export function hostArch(): Arch {
  return processArch() === "arm64" ? "arm64" : "x86_64";
}

/** Whether arm64 builds can run here under qemu-user (the binary and the aarch64 sysroot). */
export function qemuAvailable(): boolean {
  return Bun.which(QEMU) !== null && existsSync(AARCH64_SYSROOT);
}

/** What {@link lambdaEnvironment} needs to know about the sandbox. */
export interface LambdaEnvironmentInput {
  /** AWS_LAMBDA_RUNTIME_API, `host:port`. */
  readonly runtimeApi: string;
  /** LAMBDA_TASK_ROOT: where the zip was unpacked (/var/task on Lambda). */
  readonly taskRoot: string;
  readonly functionName: string;
  /** PATH; Lambda's own unless given. */
  readonly path?: string | undefined;
}

/**
 * The variables Lambda sets for a custom runtime and nothing else (no HOME: Lambda sets none):
 * the Runtime API address, the function's name, version, memory, log group and stream, region,
 * handler, task root, runtime dir, `TZ=:UTC` and Lambda's PATH.
 */
export function lambdaEnvironment(input: LambdaEnvironmentInput): Record<string, string> {
  return {
    AWS_LAMBDA_RUNTIME_API: input.runtimeApi,
    AWS_LAMBDA_FUNCTION_NAME: input.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${input.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "2026/01/01/[$LATEST]00000000000000000000000000000000",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_REGION: "eu-west-2",
    AWS_DEFAULT_REGION: "eu-west-2",
    _HANDLER: "bootstrap",
    LAMBDA_TASK_ROOT: input.taskRoot,
    LAMBDA_RUNTIME_DIR: "/var/runtime",
    TZ: ":UTC",
    PATH: input.path ?? LAMBDA_PATH,
  };
}

/**
 * Starts the binary with Lambda's environment. The caller owns the process: it kills it on a
 * timeout and awaits `exited`. Throws when the build cannot run on this host.
 */
export function spawnBootstrap(options: SpawnBootstrapOptions): BootstrapProcess {
  const binary = resolve(options.binary);
  const taskRoot = dirname(binary);
  const host = hostArch();
  const emulated = options.arch !== host;
  if (emulated && options.arch !== "arm64") {
    throw new Error(`An ${options.arch} build cannot run on an ${host} host`);
  }
  const qemu = emulated ? Bun.which(QEMU) : null;
  if (emulated && (qemu === null || !existsSync(AARCH64_SYSROOT))) {
    throw new Error(`Running an arm64 build on ${host} needs ${QEMU} and ${AARCH64_SYSROOT}`);
  }
  const command = qemu === null ? [binary] : [qemu, "-L", AARCH64_SYSROOT, binary];
  const env = {
    ...lambdaEnvironment({
      runtimeApi: options.runtimeApi,
      taskRoot,
      functionName: options.env?.AWS_LAMBDA_FUNCTION_NAME ?? "london-travel-local",
    }),
    ...options.env,
  };
  return { ...spawnMeasured(command, { env, cwd: options.cwd ?? taskRoot }), emulated };
}
