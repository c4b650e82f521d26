/**
 * The one way the dev tools start a process they measure (the compiled bootstrap under invoke,
 * compare and soak, every bench candidate): exactly the environment given (nothing inherited), output
 * captured to files, memory read from /proc/<pid>/status by the one reader below.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

/** What /proc/<pid>/status says about memory, KiB; undefined once the process is gone. */
export interface ProcessMemory {
  readonly peakKb: number;
  readonly rssKb: number;
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

/** VmHWM and VmRSS of a live process, from /proc/<pid>/status. */
export function readProcessMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  return parseProcessMemory(status);
}

/** The `VmHWM` and `VmRSS` lines of a /proc status file, in KiB. */
export function parseProcessMemory(status: string): ProcessMemory | undefined {
  const field = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, "m").exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  };
  const peakKb = field("VmHWM");
  const rssKb = field("VmRSS");
  return peakKb === undefined || rssKb === undefined ? undefined : { peakKb, rssKb };
}

/** Result of running a command: exit code and its stdout and stderr together. */
export interface CommandResult {
  readonly exitCode: number;
  readonly output: string;
}

/** Runs a command with both output streams captured; the real `runCommand`. */
export async function runCommand(argv: readonly string[], cwd: string): Promise<CommandResult> {
  const child = Bun.spawn([...argv], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { exitCode, output: `${stdout}${stderr}` };
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
