import type { CliIo } from "../../../src/local/cli-support.ts";

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
