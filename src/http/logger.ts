/**
 * The logger shape the clients write to (declared here, structurally equal to the runtime's), and
 * the one way they describe an error in a log line: name and message only, never a cause chain.
 */
import { redactSecrets } from "./redact.ts";

/** Structured logger: one line per event. */
export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** `{name, message}` of an error, scrubbed of the given secrets, for a log line's `error` field. */
export function describeError(error: unknown, secrets: readonly string[] = []): { name: string; message: string } {
  if (error instanceof Error) {
    return { name: error.name, message: redactSecrets(error.message, secrets) };
  }
  return { name: typeof error, message: redactSecrets(String(error), secrets) };
}

/** `attempts` of one of our client errors, for a log line; undefined for anything else. */
export function attemptsOf(error: unknown): number | undefined {
  const attempts = typeof error === "object" && error !== null ? (error as { attempts?: unknown }).attempts : undefined;
  return typeof attempts === "number" ? attempts : undefined;
}
