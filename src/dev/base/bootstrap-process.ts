/**
 * Runs a compiled `bootstrap` the way Lambda starts it (README, Decisions D21, D24 item 5): Lambda's
 * variables and no HOME, the task root as cwd, and arm64 builds under qemu-user on an x86_64 host.
 * Underneath, `spawnMeasured` is the one way the dev tools start a process they measure (the bootstrap
 * under invoke, compare and soak, and every bench candidate): exactly the environment given, output
 * captured to files, peak memory from /proc.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { arch as processArch, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Arch } from "./arch.ts";
import { readProcessMemory } from "./process.ts";

/** A running process under measurement. */
export interface MeasuredProcess {
  readonly pid: number;
  /** Exit code (128 + signal number when killed), after its output files are fully read. */
  readonly exited: Promise<number>;
  /** Everything the process has written to stdout up to this call (read synchronously). */
  stdout(): string;
  /** Everything the process has written to stderr up to this call (read synchronously). */
  stderr(): string;
  /** The last few KiB of stdout and stderr, for error messages. */
  outputTail(): string;
  /** VmHWM in KiB (for qemu, the emulator's process); the last value read once the process is gone. */
  peakRssKb(): number | undefined;
  kill(signal?: NodeJS.Signals | number): void;
  /** SIGKILL, then waits for the exit. */
  stop(): Promise<void>;
}

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

const TAIL_CHARS = 8_192;

/**
 * Starts `argv` with exactly `env` in `cwd`. Output goes to files, not pipes: a line the process wrote
 * before a request is then readable the moment the request arrives, with no race against an
 * asynchronous pipe reader, and a long run costs the measuring process nothing until it reads.
 */
export function spawnMeasured(
  argv: readonly string[],
  options: { readonly env: Record<string, string>; readonly cwd: string },
): MeasuredProcess {
  const outputDir = mkdtempSync(join(tmpdir(), "measured-output-"));
  const out = openCapture(join(outputDir, "stdout"));
  const err = openCapture(join(outputDir, "stderr"));
  let child;
  try {
    child = Bun.spawn([...argv], {
      cwd: options.cwd,
      env: options.env,
      stdin: "ignore",
      stdout: out.fd,
      stderr: err.fd,
    });
  } catch (error) {
    out.close();
    err.close();
    rmSync(outputDir, { recursive: true, force: true });
    throw error;
  }
  let lastPeak: number | undefined;
  const exited = child.exited.then((code) => {
    out.close();
    err.close();
    rmSync(outputDir, { recursive: true, force: true });
    return code;
  });
  return {
    pid: child.pid,
    exited,
    stdout: () => out.text(),
    stderr: () => err.text(),
    outputTail: () => `${out.text().slice(-TAIL_CHARS)}${err.text().slice(-TAIL_CHARS)}`.slice(-TAIL_CHARS),
    peakRssKb(): number | undefined {
      lastPeak = readProcessMemory(child.pid)?.peakKb ?? lastPeak;
      return lastPeak;
    },
    kill(signal?: NodeJS.Signals | number): void {
      child.kill(signal);
    },
    async stop(): Promise<void> {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

interface Capture {
  readonly fd: number;
  /** Reads what was appended since the last call and returns the whole text. */
  text(): string;
  /** Reads the rest and closes the file; text() then returns the final text. */
  close(): void;
}

/** A file the child writes through its own descriptor; we read it with pread from where we stopped. */
function openCapture(path: string): Capture {
  const fd = openSync(path, "w+");
  const decoder = new TextDecoder();
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let position = 0;
  let text = "";
  let open = true;
  const pull = (): void => {
    if (!open) return;
    for (
      let read = readSync(fd, buffer, 0, buffer.length, position);
      read > 0;
      read = readSync(fd, buffer, 0, buffer.length, position)
    ) {
      position += read;
      text += decoder.decode(buffer.subarray(0, read), { stream: true });
    }
  };
  return {
    fd,
    text(): string {
      pull();
      return text;
    },
    close(): void {
      if (!open) return;
      pull();
      text += decoder.decode();
      open = false;
      closeSync(fd);
    },
  };
}
