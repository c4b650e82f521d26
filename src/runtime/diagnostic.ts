import type { Redactor } from "./redact.ts";

/** The Lambda error body, exactly what POST /error and /init/error expect (README, Decisions D19). */
export interface Diagnostic {
  readonly errorMessage: string;
  readonly errorType: string;
  readonly stackTrace: string[];
}

/**
 * Longest errorMessage posted, in UTF-16 units: a multi-megabyte message would push the error body
 * past Lambda's 6 MiB payload limit and lose the report itself (README, Decisions D18).
 */
export const MAX_ERROR_MESSAGE_LENGTH = 256 * 1024;

/** errorType of a thrown value that is not an Error (a string, undefined, a plain object). */
const NON_ERROR_TYPE = "Runtime.NonErrorThrown";

/**
 * Turns anything thrown into a Diagnostic. errorType is the error's `name` (pinned by our classes,
 * unlike `constructor.name`, which minification mangles); stackTrace keeps only the "at …" frames.
 */
export function toDiagnostic(thrown: unknown, redact: Redactor): Diagnostic {
  try {
    if (thrown instanceof Error) {
      return {
        errorMessage: truncate(redact.apply(String(thrown.message))),
        errorType: typeof thrown.name === "string" && thrown.name !== "" ? thrown.name : "Error",
        stackTrace: typeof thrown.stack === "string" ? stackFrames(thrown.stack, redact) : [],
      };
    }
    return { errorMessage: truncate(redact.apply(describe(thrown))), errorType: NON_ERROR_TYPE, stackTrace: [] };
  } catch {
    // A hostile getter (name, message, stack) must not stop the error from being reported.
    return { errorMessage: "The thrown value could not be read", errorType: NON_ERROR_TYPE, stackTrace: [] };
  }
}

/**
 * The value for Lambda-Runtime-Function-Error-Type: header-safe ASCII, or "Runtime.Unknown".
 * Lambda keeps the body as is; this header only picks the platform's error category.
 */
export function errorTypeHeader(errorType: string): string {
  const safe = errorType.replace(/[^\x21-\x7e]/g, "");
  return safe === "" ? "Runtime.Unknown" : safe.slice(0, 128);
}

function truncate(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH)}…`;
}

function stackFrames(stack: string, redact: Redactor): string[] {
  const frames: string[] = [];
  for (const line of stack.split("\n")) {
    const frame = line.trim();
    if (frame.startsWith("at ")) frames.push(redact.apply(frame));
  }
  return frames;
}

function describe(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null || typeof value !== "object") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
