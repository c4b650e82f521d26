/**
 * Errors the build tooling throws. Library code only throws; `build.ts` alone turns them into an
 * exit code (usage errors 2, everything else 1).
 */
/** The command line cannot be understood; `build.ts` prints the usage and exits 2 (the dev tools' one usage error). */
export { UsageError } from "../base/cli-support.ts";
export { ZipTooLargeError } from "../base/zip.ts";

/** `bun build --compile` exited non-zero; the message carries the tail of its output. */
export class CompileError extends Error {
  override readonly name = "CompileError";
  readonly exitCode: number;

  constructor(label: string, exitCode: number, output: string) {
    const tail = output.trim().split("\n").slice(-20).join("\n");
    super(`${label} failed: bun build exited with ${exitCode}${tail === "" ? "" : `\n${tail}`}`);
    this.exitCode = exitCode;
  }
}
