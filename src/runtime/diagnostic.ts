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

/** Lambda-Runtime-Function-Error-Type of an init error caused by a setting (the error names the variable). */
export const CONFIG_ERROR_TYPE = "Runtime.ConfigError";
/** Lambda-Runtime-Function-Error-Type of any other init failure. */
export const INIT_ERROR_TYPE = "Runtime.InitError";

/**
 * Turns anything thrown into a Diagnostic. errorType is the error's `name` (pinned by our classes,
 * unlike `constructor.name`, which minification mangles), kept readable for people.
 *
 * stackTrace is always empty: in the compiled binary every frame reads like
 * `/$bunfs/root/bootstrap:3:8804` (one minified line, mangled names), which tells a reader nothing
 * the errorType and message do not, costs bytes in every error body, and could carry request text.
 */
export function toDiagnostic(thrown: unknown, redact: Redactor): Diagnostic {
  try {
    if (thrown instanceof Error) {
      return {
        errorMessage: truncate(redact.apply(String(thrown.message))),
        errorType: typeof thrown.name === "string" && thrown.name !== "" ? thrown.name : "Error",
        stackTrace: [],
      };
    }
    return { errorMessage: truncate(redact.apply(describe(thrown))), errorType: NON_ERROR_TYPE, stackTrace: [] };
  } catch {
    // A hostile getter (name, message, stack) must not stop the error from being reported.
    return { errorMessage: "The thrown value could not be read", errorType: NON_ERROR_TYPE, stackTrace: [] };
  }
}

/**
 * The Lambda-Runtime-Function-Error-Type of a failed invocation. The platform records only
 * `Category.Reason` values (AWS's emulator turns anything else into Runtime.Unknown), so a dotted
 * errorType (the runtime's own `Runtime.*`) is sent as is and any other becomes `Function.<name>`
 * without an `Error` suffix: SkillIdMismatchError -> Function.SkillIdMismatch. The body keeps the
 * readable errorType.
 */
export function invocationErrorType(errorType: string): string {
  if (errorType.includes(".")) return errorTypeHeader(errorType);
  const reason = errorType.endsWith("Error") && errorType.length > 5 ? errorType.slice(0, -5) : errorType;
  return errorTypeHeader(`Function.${reason}`);
}

/**
 * The Lambda-Runtime-Function-Error-Type of a failed init: Runtime.ConfigError for an error that names
 * the variable at fault (every configuration error carries `variable`), a dotted name as is, else
 * Runtime.InitError.
 */
export function initErrorType(thrown: unknown, errorType: string): string {
  if (
    typeof thrown === "object" &&
    thrown !== null &&
    typeof (thrown as { variable?: unknown }).variable === "string"
  ) {
    return CONFIG_ERROR_TYPE;
  }
  return errorType.includes(".") ? errorTypeHeader(errorType) : INIT_ERROR_TYPE;
}

/**
 * The value for Lambda-Runtime-Function-Error-Type: `Runtime.*` or `Function.*`, else "Runtime.Unknown".
 * Lambda keeps the body as is; this header only picks the platform's error category.
 */
export function errorTypeHeader(errorType: string): string {
  // The platform's own form, `(Runtime|Function).Reason` with a capitalised, letters-only reason:
  // anything else would be recorded as Runtime.Unknown anyway, so say so ourselves.
  const [category, ...rest] = errorType.split(".");
  const reason = rest.join("").replace(/[^A-Za-z]/g, "");
  if (category !== "Runtime" && category !== "Function") return "Runtime.Unknown";
  // The platform wants at least two letters after the dot; a shorter reason is no reason.
  if (reason.length < 2) return `${category}.Unknown`;
  return `${category}.${reason[0]!.toUpperCase()}${reason.slice(1, 128)}`;
}

function truncate(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH)}…`;
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
