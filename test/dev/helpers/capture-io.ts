import { runCli, type CliIo, type LocalCliDeps } from "../../../src/dev/base/cli-support.ts";

/** What a CLI printed, and the io to hand it (every dev CLI's io: out, err and an environment). */
export interface CapturedIo {
  readonly io: CliIo & { readonly env: Readonly<Record<string, string | undefined>> };
  /** Each write as the CLI made it. */
  readonly out: string[];
  readonly err: string[];
  /** The writes as lines, as a terminal would show them. */
  stdout(): string;
  stderr(): string;
  /** Every write, stdout then stderr, one per line. */
  text(): string;
}

/** A fresh capture with the given environment (nothing from the real one leaks in). */
export function captureIo(env: Record<string, string | undefined> = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const lines = (writes: readonly string[]): string =>
    writes.map((text) => (text.endsWith("\n") ? text : `${text}\n`)).join("");
  return {
    io: { out: (text) => out.push(text), err: (text) => err.push(text), env },
    out,
    err,
    stdout: () => lines(out),
    stderr: () => lines(err),
    text: () => [...out, ...err].join("\n"),
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
  const { io, stdout, stderr } = captureIo();
  const code = await runCli(
    () => command(argv, { io, env: options.env, hostArch: "x86_64", qemuAvailable: () => options.qemuAvailable }),
    usage,
    io,
  );
  return { code, stdout: stdout(), stderr: stderr() };
}
