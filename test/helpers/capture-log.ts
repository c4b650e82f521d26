/**
 * A Logger that keeps every line in memory (serialised as the runtime would, Errors as
 * {name, message}), so tests can assert on events and search them for secrets.
 */
import type { Logger } from "../../src/http/index.ts";

/** One captured log line. */
export interface CapturedLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly event: string;
  readonly fields: Record<string, unknown>;
  /** The line as JSON, the way it would be written. */
  readonly json: string;
}

/** A Logger plus what it has seen. */
export interface CapturingLogger extends Logger {
  readonly lines: readonly CapturedLine[];
  events(): string[];
}

/** Creates an empty capturing logger. */
export function createCapturingLogger(): CapturingLogger {
  const lines: CapturedLine[] = [];
  const write =
    (level: CapturedLine["level"]) =>
    (event: string, fields: Record<string, unknown> = {}): void => {
      const json = JSON.stringify({ level, event, ...fields }, (_key, value: unknown) =>
        value instanceof Error ? { name: value.name, message: value.message } : value,
      );
      lines.push({ level, event, fields, json });
    };
  return {
    lines,
    events: () => lines.map((line) => line.event),
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
  };
}

/** Everything reachable from an error that could end up in a log or a Lambda error payload. */
export function errorSurface(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    parts.push(Bun.inspect(current, { depth: 6 }));
    if (current instanceof Error) {
      parts.push(current.name, current.message, String(current.stack));
      parts.push(JSON.stringify(current, Object.getOwnPropertyNames(current)));
    }
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join("\n");
}
