/**
 * Errors the build tooling throws. Library code only throws; `build.ts` alone turns them into an
 * exit code (usage errors 2, everything else 1).
 */
import { formatBytes } from "./format.ts";

/** The command line cannot be understood; `build.ts` prints the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

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

/** A Lambda zip is over the direct-upload limit (`CodeSizeZipped`); the zip is not written. */
export class ZipTooLargeError extends Error {
  override readonly name = "ZipTooLargeError";
  readonly path: string;
  readonly bytes: number;
  readonly limitBytes: number;

  constructor(path: string, bytes: number, limitBytes: number) {
    super(
      `${path} is ${formatBytes(bytes)} bytes, over Lambda's direct-upload limit of ` +
        `${formatBytes(limitBytes)} bytes (upload it through S3 instead, or make the bootstrap smaller)`,
    );
    this.path = path;
    this.bytes = bytes;
    this.limitBytes = limitBytes;
  }
}
