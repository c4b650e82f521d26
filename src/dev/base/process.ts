/**
 * What the dev tools read about a process: its memory from /proc/<pid>/status (the one reader), and
 * `runCommand` for a command whose output is wanted whole (compilers, git).
 */
import { readFileSync } from "node:fs";

/** What /proc/<pid>/status says about memory, KiB; undefined once the process is gone. */
export interface ProcessMemory {
  readonly peakKb: number;
  readonly rssKb: number;
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
