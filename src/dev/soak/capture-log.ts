/**
 * A logger for in-process runs that keeps what a real log sink would receive, one serialised line
 * per event, and checks each line as it is written: one line, JSON, no secret marker.
 */
import { leakedSecrets } from "./invariants.ts";

/** Structured logger: one line per event (the shape every room declares). */
export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** The logger plus what it saw. */
export interface CapturingLogger extends Logger {
  /** The last lines written (at most `keep`). */
  readonly lines: string[];
  /** Lines written in total. */
  count(): number;
  /** Every problem found in a line: a secret marker, a line break, a line that did not serialise. */
  readonly problems: string[];
  /** Counts of events by name. */
  readonly events: Map<string, number>;
}

/** Serialises like the runtime logger: Error values become {name, message}. */
export function serialiseLine(level: string, event: string, fields: Record<string, unknown>): string {
  return JSON.stringify({ level, event, ...fields }, (_key, value: unknown) =>
    value instanceof Error ? { name: value.name, message: value.message } : value,
  );
}

/** Builds a capturing logger that checks every line against `secrets`. */
export function createCapturingLogger(secrets: readonly string[], keep = 200): CapturingLogger {
  const lines: string[] = [];
  const problems: string[] = [];
  const events = new Map<string, number>();
  let total = 0;
  const write =
    (level: string) =>
    (event: string, fields: Record<string, unknown> = {}) => {
      total += 1;
      events.set(event, (events.get(event) ?? 0) + 1);
      let line: string;
      try {
        line = serialiseLine(level, event, fields);
      } catch (error) {
        problems.push(
          `log line for ${event} did not serialise: ${error instanceof Error ? error.name : String(error)}`,
        );
        return;
      }
      if (/[\n\r]/.test(line)) problems.push(`log line for ${event} has a line break`);
      for (const secret of leakedSecrets(line, secrets)) problems.push(`log line for ${event} leaks ${secret}`);
      lines.push(line);
      if (lines.length > keep) lines.shift();
    };
  return {
    lines,
    problems,
    events,
    count: () => total,
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
  };
}
