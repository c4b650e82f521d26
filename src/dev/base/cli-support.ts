/**
 * What every dev-tool CLI shares (local, bench, reliability, ship): the usage error, argument helpers,
 * and `runCli`, the one place that turns a thrown error into a message and an exit code: a usage
 * error exits 2 with the usage, any other failure exits 1.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { Arch } from "./arch.ts";

/** A command line we cannot act on; the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * A run that started but failed (missing binary, init error); the CLI prints the message and exits 1.
 * The ship scripts' `ShipError` is one, under its own name.
 */
export class LocalRunError extends Error {
  override readonly name: string = "LocalRunError";
}

/** `parseArgs` from node:util whose complaints (unknown option, missing value) become usage errors. */
export function parseCliArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const ARCH_ALIASES: Readonly<Record<string, Arch>> = {
  x86_64: "x86_64",
  x64: "x86_64",
  amd64: "x86_64",
  arm64: "arm64",
  aarch64: "arm64",
};

/** `--arch x86_64|arm64|both` (and the usual aliases) to the builds to run, x86_64 first. */
export function parseArchOption(value: string | undefined, hostArch: Arch): Arch[] {
  if (value === undefined) {
    return [hostArch];
  }
  if (value === "both" || value === "all") {
    return ["x86_64", "arm64"];
  }
  const arch = ARCH_ALIASES[value.toLowerCase()];
  if (arch === undefined) {
    throw new UsageError(`--arch must be x86_64, arm64 or both, not "${value}"`);
  }
  return [arch];
}

/** A whole number option within bounds, e.g. `--repeat 20`. */
export function parseCountOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) {
    return fallback;
  }
  if (!/^\d+$/.test(value)) {
    throw new UsageError(`--${name} must be a whole number, not "${value}"`);
  }
  const count = Number(value);
  if (count < min || count > max) {
    throw new UsageError(`--${name} must be between ${min} and ${max}, not ${count}`);
  }
  return count;
}

/** Where a CLI writes; tests pass arrays. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The process's stdout and stderr. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

/** What a local CLI (`invoke`, `compare`) reads from its surroundings; tests pass their own. */
export interface LocalCliDeps {
  readonly io: CliIo;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly hostArch: Arch;
  readonly qemuAvailable: () => boolean;
}

/**
 * Runs a CLI body and returns its exit code: whatever the body returns, 2 for a usage error (with
 * the usage), 1 for anything else (message only for a `LocalRunError`; the stack for unexpected errors).
 */
export async function runCli(body: () => Promise<number>, usage: string, io: CliIo = processIo): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`✗ ${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof LocalRunError) {
      io.err(`✗ ${error.message}`);
      return 1;
    }
    io.err(`✗ ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}
