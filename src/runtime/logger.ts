import { LogConfigError } from "./errors.ts";
import { createRedactor, type Redactor } from "./redact.ts";

/** Lambda's advanced-logging levels, lower-cased; AWS_LAMBDA_LOG_LEVEL accepts the same six. */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

/** `json` is one object per line (Lambda's JSON log format); `text` is one tab-separated line. */
export type LogFormat = "json" | "text";

/** What readLogSettings found in the environment. */
export interface LogSettings {
  readonly format: LogFormat;
  readonly level: LogLevel;
}

/** Structured logger: one line per event (same shape as every room's Logger). */
export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** The runtime's logger: a Logger whose children carry fixed fields such as `requestId`. */
export interface RuntimeLogger extends Logger {
  child(fields: Record<string, unknown>): RuntimeLogger;
  /**
   * Adds literal secrets that only init discovers (values read from Secrets Manager, the session
   * token) to redact from every line of this logger, its parent and children, and, under
   * startRuntime, from the errors posted to Lambda.
   */
  redact(secrets: readonly string[]): void;
}

/** Options of createLogger; `write` receives each line without its trailing newline. */
export interface LoggerOptions {
  readonly format: LogFormat;
  readonly level: LogLevel;
  readonly write?: ((line: string) => void) | undefined;
  readonly now?: (() => Date) | undefined;
  /** Literal secrets, or a Redactor shared with other output (startRuntime shares one). */
  readonly redact?: readonly string[] | Redactor | undefined;
}

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 5 };
const LEVEL_NAMES = "TRACE, DEBUG, INFO, WARN, ERROR, FATAL";
const FORMAT_NAMES = "JSON, Text";
// Printable ASCII except space, `"`, `=` and `\`: such text values are written bare in text mode.
const BARE_TEXT = /^[!#-<>-[\]-~]+$/;
const LINE_BREAKS = /\r\n|[\r\n]/g;

/**
 * Longest string value written into a log line, in UTF-16 units. Text from a request (slot values,
 * intent names, Alexa's error messages) reaches the logs through many fields; one cap here means no
 * code path can forget it. A 1 MB slot value would otherwise make a line CloudWatch splits (256 KB
 * event limit) into pieces no JSON parser reads.
 */
export const MAX_LOGGED_STRING_LENGTH = 256;
/** Appended to a string cut at MAX_LOGGED_STRING_LENGTH. */
export const TRUNCATED_MARKER = "…truncated";

/** Renders one log line; chosen once per logger tree by its format. */
type LineRenderer = (
  replacer: Replacer,
  timestamp: string,
  level: string,
  event: string,
  bindings: Record<string, unknown>,
  fields: Record<string, unknown> | undefined,
) => string;

type Replacer = (key: string, value: unknown) => unknown;

interface Sink {
  readonly render: LineRenderer;
  /** JSON.stringify replacer: Errors as {name, message}, BigInts as strings, long strings capped. */
  readonly replacer: Replacer;
  readonly threshold: number;
  readonly write: (line: string) => void;
  readonly now: () => Date;
  readonly redact: Redactor;
}

/**
 * Creates the logger every room receives. Lines are written synchronously, so they are out before
 * the response POST that may freeze the sandbox (README, Decisions D22); Error fields become {name, message}.
 */
export function createLogger(options: LoggerOptions): RuntimeLogger {
  const redact = isRedactor(options.redact) ? options.redact : createRedactor(options.redact);
  const sink: Sink = {
    render: options.format === "json" ? jsonLine : textLine,
    replacer: specialValueReplacer(redact),
    threshold: LEVEL_RANK[options.level],
    write: options.write ?? writeStdout,
    now: options.now ?? currentDate,
    redact,
  };
  return new StructuredLogger(sink, {});
}

/**
 * Reads AWS_LAMBDA_LOG_FORMAT and the level (AWS_LAMBDA_LOG_LEVEL, else LOG_LEVEL, else info),
 * case-insensitively. Throws LogConfigError naming the variable when a value is not understood.
 */
export function readLogSettings(env: Record<string, string | undefined>): LogSettings {
  const rawFormat = setting(env.AWS_LAMBDA_LOG_FORMAT);
  let format: LogFormat = "json";
  if (rawFormat !== undefined) {
    const lower = rawFormat.toLowerCase();
    if (lower !== "json" && lower !== "text")
      throw new LogConfigError("AWS_LAMBDA_LOG_FORMAT", rawFormat, FORMAT_NAMES);
    format = lower;
  }
  const lambdaLevel = setting(env.AWS_LAMBDA_LOG_LEVEL);
  const variable = lambdaLevel === undefined ? "LOG_LEVEL" : "AWS_LAMBDA_LOG_LEVEL";
  const rawLevel = lambdaLevel ?? setting(env.LOG_LEVEL);
  if (rawLevel === undefined) return { format, level: "info" };
  const level = rawLevel.toLowerCase();
  if (!isLogLevel(level)) throw new LogConfigError(variable, rawLevel, LEVEL_NAMES);
  return { format, level };
}

class StructuredLogger implements RuntimeLogger {
  readonly #sink: Sink;
  readonly #bindings: Record<string, unknown>;

  constructor(sink: Sink, bindings: Record<string, unknown>) {
    this.#sink = sink;
    this.#bindings = bindings;
  }

  debug(event: string, fields?: Record<string, unknown>): void {
    if (this.#sink.threshold <= LEVEL_RANK.debug) this.#emit("DEBUG", event, fields);
  }

  info(event: string, fields?: Record<string, unknown>): void {
    if (this.#sink.threshold <= LEVEL_RANK.info) this.#emit("INFO", event, fields);
  }

  warn(event: string, fields?: Record<string, unknown>): void {
    if (this.#sink.threshold <= LEVEL_RANK.warn) this.#emit("WARN", event, fields);
  }

  error(event: string, fields?: Record<string, unknown>): void {
    if (this.#sink.threshold <= LEVEL_RANK.error) this.#emit("ERROR", event, fields);
  }

  child(fields: Record<string, unknown>): RuntimeLogger {
    // Copied by loops, not spread: every invocation's logger is a child, and the first object spread
    // in a process costs its cold start about 0.1 ms (README, Decisions D28).
    const bindings: Record<string, unknown> = {};
    for (const key in this.#bindings) bindings[key] = this.#bindings[key];
    for (const key in fields) bindings[key] = fields[key];
    return new StructuredLogger(this.#sink, bindings);
  }

  redact(secrets: readonly string[]): void {
    this.#sink.redact.add(secrets);
  }

  #emit(level: string, event: string, fields: Record<string, unknown> | undefined): void {
    const sink = this.#sink;
    const timestamp = sink.now().toISOString();
    sink.write(sink.redact.apply(sink.render(sink.replacer, timestamp, level, event, this.#bindings, fields)));
  }
}

const jsonLine: LineRenderer = (replacer, timestamp, level, event, bindings, fields) => {
  const record: Record<string, unknown> = { timestamp, level };
  copyFields(record, bindings);
  record.event = event;
  if (fields !== undefined) copyFields(record, fields);
  // Most lines hold only short strings, numbers, booleans and null, which the replacer leaves as they
  // are: without it, JSON.stringify calls no function per value, and its first use in a process
  // costs a cold start's first log line about 0.15 ms less (README, Decisions D28).
  return (leftAsTheyAre(record) ? JSON.stringify(record) : stringify(record, replacer)) ?? "{}";
};

const textLine: LineRenderer = (replacer, timestamp, level, event, bindings, fields) => {
  const requestId = bindings.requestId;
  let line = `${timestamp}\t${level}\t${requestId === undefined ? "-" : String(requestId)}\t${event}`;
  for (const key in bindings) if (key !== "requestId") line += textField(replacer, key, bindings[key]);
  if (fields !== undefined) for (const key in fields) line += textField(replacer, key, fields[key]);
  // Values are quoted with JSON escapes; only the event name or request id could still break the line.
  return line.replace(LINE_BREAKS, "\\n");
};

function textField(replacer: Replacer, key: string, value: unknown): string {
  if (value === undefined) return "";
  const name = isReserved(key) ? `_${key}` : key;
  if (typeof value === "string") {
    const text = replacer(key, value) as string;
    return ` ${name}=${BARE_TEXT.test(text) ? text : JSON.stringify(text)}`;
  }
  if (value === null || typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return ` ${name}=${String(value)}`;
  }
  return ` ${name}=${stringify(value, replacer) ?? JSON.stringify(String(value))}`;
}

function copyFields(record: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key in source) record[isReserved(key) ? `_${key}` : key] = source[key];
}

/** The keys every line sets itself; a field of that name is written with a leading "_". */
function isReserved(key: string): boolean {
  return key === "timestamp" || key === "level" || key === "event";
}

/** True when the sink's replacer would return every value of `record` unchanged (see specialValueReplacer). */
function leftAsTheyAre(record: Record<string, unknown>): boolean {
  for (const key in record) {
    const value = record[key];
    if (typeof value === "string") {
      if (value.length > MAX_LOGGED_STRING_LENGTH) return false;
    } else if (!(value === null || value === undefined || typeof value === "number" || typeof value === "boolean")) {
      return false;
    }
  }
  return true;
}

/** JSON through the sink's replacer; falls back to cycle-safe output. */
function stringify(value: unknown, replacer: Replacer): string | undefined {
  try {
    return JSON.stringify(value, replacer);
  } catch {
    try {
      return JSON.stringify(value, cycleSafeReplacer(replacer));
    } catch {
      return JSON.stringify("[unserialisable]");
    }
  }
}

/**
 * Errors become {name, message}, BigInts strings, and strings longer than MAX_LOGGED_STRING_LENGTH are
 * cut with TRUNCATED_MARKER. A long string is redacted before it is cut: a secret cut in half would no
 * longer match when the whole line is redacted.
 */
function specialValueReplacer(redact: Redactor): Replacer {
  return (_key, value) => {
    if (typeof value === "string") {
      if (value.length <= MAX_LOGGED_STRING_LENGTH) return value;
      const redacted = redact.apply(value);
      return redacted.length <= MAX_LOGGED_STRING_LENGTH
        ? redacted
        : redacted.slice(0, MAX_LOGGED_STRING_LENGTH) + TRUNCATED_MARKER;
    }
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (typeof value === "bigint") return value.toString();
    return value;
  };
}

function cycleSafeReplacer(replaceSpecial: Replacer): Replacer {
  const ancestors: unknown[] = [];
  return function (this: unknown, key: string, value: unknown): unknown {
    // `this` is the object holding `key`; trim the stack back to it before looking for a cycle.
    while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
    const replaced = replaceSpecial(key, value);
    if (typeof replaced !== "object" || replaced === null) return replaced;
    if (ancestors.includes(replaced)) return "[circular]";
    ancestors.push(replaced);
    return replaced;
  };
}

function isRedactor(value: readonly string[] | Redactor | undefined): value is Redactor {
  return value !== undefined && !Array.isArray(value);
}

function setting(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

function isLogLevel(value: string): value is LogLevel {
  // Not Object.hasOwn, whose first call costs a cold start about 0.14 ms (README, Decisions D28). Exact all
  // the same: what LEVEL_RANK inherits ("toString", "__proto__", …) is a function or an object, never a number.
  return typeof LEVEL_RANK[value as LogLevel] === "number";
}

// console.log writes synchronously in Bun, so the line is out before the response is posted and the
// sandbox freezes; node:fs's writeSync would do the same but adds ~1.5 MB to the compiled binary.
function writeStdout(line: string): void {
  try {
    console.log(line);
  } catch {
    // A closed or broken stdout must never fail an invocation; there is nowhere left to report it.
  }
}

function currentDate(): Date {
  return new Date();
}
