/** A `CliIo` that records what a CLI printed, for asserting on it. */
import type { CliIo } from "../../../src/dev/ship/cli.ts";

/** The recorded output and the io to pass to `main`. */
export interface CapturedIo {
  readonly io: CliIo;
  readonly out: string[];
  readonly err: string[];
  readonly text: () => string;
}

/** A fresh capture with the given environment (nothing from the real one leaks in). */
export function captureIo(env: Record<string, string | undefined> = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (text) => out.push(text), err: (text) => err.push(text), env },
    out,
    err,
    text: () => [...out, ...err].join("\n"),
  };
}
