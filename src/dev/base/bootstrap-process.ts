/**
 * Runs a compiled `bootstrap` the way Lambda starts it (runtime.md §1.9, §3.4 item 5): Lambda's
 * variables and no HOME, the task root as cwd, and arm64 builds under qemu-user on an x86_64 host.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import { arch as processArch, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Arch } from "./arch.ts";

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

/** A running bootstrap. */
export interface BootstrapProcess {
  readonly pid: number;
  /** True when an arm64 build runs under qemu on an x86_64 host. */
  readonly emulated: boolean;
  /** Exit code (128 + signal number when killed), after stdout and stderr are fully read. */
  readonly exited: Promise<number>;
  /** Everything the process has written to stdout up to this call (read synchronously). */
  stdout(): string;
  /** Everything the process has written to stderr up to this call (read synchronously). */
  stderr(): string;
  /** VmHWM in KiB (for qemu, the emulator's process); the last value read once the process is gone. */
  peakRssKb(): number | undefined;
  kill(signal?: NodeJS.Signals | number): void;
}

const QEMU = "qemu-aarch64-static";
const AARCH64_SYSROOT = "/usr/aarch64-linux-gnu";
// The PATH Lambda gives a function (runtime.md §1.9).
const LAMBDA_PATH = "/usr/local/bin:/usr/bin/:/bin:/opt/bin";

/** The host as a Lambda architecture. */
export function hostArch(): Arch {
  return processArch() === "arm64" ? "arm64" : "x86_64";
}

/** Whether arm64 builds can run here under qemu-user (the binary and the aarch64 sysroot). */
export function qemuAvailable(): boolean {
  return Bun.which(QEMU) !== null && existsSync(AARCH64_SYSROOT);
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
  const functionName = options.env?.AWS_LAMBDA_FUNCTION_NAME ?? "london-travel-local";
  const env: Record<string, string> = {
    AWS_LAMBDA_RUNTIME_API: options.runtimeApi,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "2026/01/01/[$LATEST]00000000000000000000000000000000",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_REGION: "eu-west-2",
    AWS_DEFAULT_REGION: "eu-west-2",
    _HANDLER: "bootstrap",
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: "/var/runtime",
    TZ: ":UTC",
    PATH: LAMBDA_PATH,
    ...options.env,
  };

  // Output goes to files, not pipes: a line the runtime wrote before its POST is then readable the
  // moment the emulator sees the POST, with no race against an asynchronous pipe reader.
  const outputDir = mkdtempSync(join(tmpdir(), "bootstrap-output-"));
  const out = openCapture(join(outputDir, "stdout"));
  const err = openCapture(join(outputDir, "stderr"));
  let child;
  try {
    child = Bun.spawn(command, { cwd: options.cwd ?? taskRoot, env, stdin: "ignore", stdout: out.fd, stderr: err.fd });
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
    emulated,
    exited,
    stdout: () => out.text(),
    stderr: () => err.text(),
    peakRssKb(): number | undefined {
      lastPeak = readPeakRssKb(child.pid) ?? lastPeak;
      return lastPeak;
    },
    kill(signal?: NodeJS.Signals | number): void {
      child.kill(signal);
    },
  };
}

/** VmHWM of a live process in KiB, from /proc/<pid>/status. */
function readPeakRssKb(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
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
