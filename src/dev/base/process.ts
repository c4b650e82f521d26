/**
 * One candidate process: spawned with Lambda's environment, its output drained (a full pipe would
 * stall it) and kept as a short tail for error messages, its memory read from /proc.
 */
import { readFileSync } from "node:fs";

/** A running candidate. */
export interface CandidateProcess {
  readonly pid: number;
  readonly exited: Promise<number>;
  /** The last few KiB the process wrote to stdout and stderr. */
  outputTail(): string;
  kill(): Promise<void>;
}

/** What /proc/<pid>/status says about memory, KiB; undefined once the process is gone. */
export interface ProcessMemory {
  readonly peakKb: number;
  readonly rssKb: number;
}

const TAIL_BYTES = 8_192;

/** Starts `argv` with exactly `env` (nothing inherited) in `cwd`. */
export function spawnCandidate(argv: readonly string[], env: Record<string, string>, cwd: string): CandidateProcess {
  let tail = "";
  const keep = (text: string): void => {
    tail = (tail + text).slice(-TAIL_BYTES);
  };
  const child = Bun.spawn([...argv], { env, cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const drained = Promise.all([drain(child.stdout, keep), drain(child.stderr, keep)]);
  return {
    pid: child.pid,
    exited: child.exited,
    outputTail: () => tail,
    async kill() {
      child.kill("SIGKILL");
      await child.exited;
      await drained;
    },
  };
}

async function drain(stream: ReadableStream<Uint8Array>, keep: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  try {
    for await (const chunk of stream) keep(decoder.decode(chunk, { stream: true }));
  } catch {
    // The process was killed mid-write; the tail so far is all there is.
  }
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
