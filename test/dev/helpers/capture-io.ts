import { runCli, type CliIo, type LocalCliDeps } from "../../../src/dev/base/cli-support.ts";

/** A CliIo that keeps what a CLI printed, for assertions. */
export function captureIo(): CliIo & { readonly stdout: () => string; readonly stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (text) => out.push(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => err.push(text.endsWith("\n") ? text : `${text}\n`),
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

/** What a CLI run printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a local CLI (`runInvoke`, `runCompare`) on an x86_64 host under `runCli`, capturing its output. */
export async function runLocalCli(
  command: (argv: readonly string[], deps: LocalCliDeps) => Promise<number>,
  usage: string,
  argv: readonly string[],
  options: { readonly env: Record<string, string>; readonly qemuAvailable: boolean },
): Promise<CliRun> {
  const io = captureIo();
  const code = await runCli(
    () => command(argv, { io, env: options.env, hostArch: "x86_64", qemuAvailable: () => options.qemuAvailable }),
    usage,
    io,
  );
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}
