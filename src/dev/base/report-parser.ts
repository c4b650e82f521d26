/**
 * Reads Lambda REPORT data from CloudWatch logs in every form we meet: text `REPORT RequestId:` lines,
 * JSON `platform.report` records (README, Decisions D23), `aws logs filter-log-events` output, and console
 * copies with a timestamp in front. Pure: text in, records out; a bad line is counted, never thrown.
 */
import type { InvocationReport } from "./report-line.ts";

/** A line that claims to be a report but cannot be read; `where` is "line 12" or "events[3]". */
export interface MalformedReport {
  readonly where: string;
  readonly text: string;
  readonly reason: string;
}

/** Everything found in one log file; cold starts are the reports that carry an init (or restore) duration. */
export interface ParsedReports {
  readonly invocations: readonly InvocationReport[];
  readonly cold: readonly InvocationReport[];
  readonly warm: readonly InvocationReport[];
  readonly malformed: readonly MalformedReport[];
  /** Lines that are not reports at all: START, END, XRAY, INIT_START, the function's own logs. */
  readonly ignored: number;
  /** Exact repeats of a report already seen (overlapping exports). */
  readonly duplicates: number;
}

type MessageOutcome =
  | { readonly kind: "report"; readonly report: InvocationReport }
  | { readonly kind: "malformed"; readonly reason: string }
  | { readonly kind: "ignored" };

const IGNORED: MessageOutcome = { kind: "ignored" };
const TEXT_MARKER = "REPORT RequestId:";
const JSON_MARKER = "platform.report";
const NUMBER = /^\d+(?:\.\d+)?$/;
const FIELD = /([A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*):\s*(\S+)(?:\s*(ms|MB)\b)?/g;
const MESSAGE_PROPERTY = /^\s*"message"\s*:\s*("(?:[^"\\]|\\.)*")\s*,?\s*$/;
const TEXT_FIELDS = [
  ["Duration", "durationMs", "ms"],
  ["Billed Duration", "billedDurationMs", "ms"],
  ["Memory Size", "memorySizeMb", "MB"],
  ["Max Memory Used", "maxMemoryUsedMb", "MB"],
] as const;

/**
 * Finds every invocation report in `text` and splits cold starts from warm invocations.
 * @example parseReportLines(await Bun.file("x86.log").text()).cold.length
 */
export function parseReportLines(text: string): ParsedReports {
  const found: Array<{ where: string; outcome: MessageOutcome; text: string }> = [];
  const document = parseWholeDocument(text);
  if (document === undefined) {
    text.split(/\r?\n/).forEach((line, index) => {
      if (line.trim().length > 0) {
        found.push({ where: `line ${index + 1}`, outcome: readLine(line), text: line });
      }
    });
  } else {
    document.forEach((item, index) => {
      found.push({ where: `events[${index}]`, outcome: readItem(item), text: preview(item) });
    });
  }
  return collect(found);
}

function collect(found: ReadonlyArray<{ where: string; outcome: MessageOutcome; text: string }>): ParsedReports {
  const invocations: InvocationReport[] = [];
  const malformed: MalformedReport[] = [];
  const seen = new Set<string>();
  let ignored = 0;
  let duplicates = 0;
  for (const { where, outcome, text } of found) {
    if (outcome.kind === "ignored") {
      ignored += 1;
    } else if (outcome.kind === "malformed") {
      malformed.push({ where, text: text.slice(0, 300), reason: outcome.reason });
    } else {
      const key = JSON.stringify(outcome.report);
      if (seen.has(key)) {
        duplicates += 1;
      } else {
        seen.add(key);
        invocations.push(outcome.report);
      }
    }
  }
  const cold = invocations.filter(isColdStart);
  const warm = invocations.filter((report) => !isColdStart(report));
  return { invocations, cold, warm, malformed, ignored, duplicates };
}

/** A report is a cold start when the platform measured an init (or a SnapStart restore) for it. */
export function isColdStart(report: InvocationReport): boolean {
  return report.initDurationMs !== undefined || report.restoreDurationMs !== undefined;
}

/** The items of a whole-file JSON export (`{"events":[…]}` or an array), or undefined for line-wise text. */
function parseWholeDocument(text: string): readonly unknown[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (Array.isArray(parsed)) {
    return parsed;
  }
  if (isRecord(parsed) && Array.isArray(parsed["events"])) {
    return parsed["events"];
  }
  // A single JSON object: one record, or a one-line file the line reader handles the same way.
  return undefined;
}

function readItem(item: unknown): MessageOutcome {
  if (typeof item === "string") {
    return readMessage(item);
  }
  if (!isRecord(item)) {
    return IGNORED;
  }
  if (typeof item["message"] === "string") {
    return readMessage(item["message"]);
  }
  return readRecord(item);
}

/** One CloudWatch event's message: may span lines (REPORT then XRAY) or be a JSON record. */
function readMessage(message: string): MessageOutcome {
  const lines = message.split(/\r?\n/).filter((line) => line.trim().length > 0);
  const outcomes = lines.map(readLine);
  return outcomes.find((outcome) => outcome.kind !== "ignored") ?? IGNORED;
}

function readLine(line: string): MessageOutcome {
  const property = MESSAGE_PROPERTY.exec(line);
  if (property?.[1] !== undefined) {
    const message = parseJson(property[1]);
    return typeof message === "string" ? readMessage(message) : IGNORED;
  }
  const brace = line.indexOf("{");
  if (brace >= 0 && line.trimEnd().endsWith("}")) {
    const parsed = parseJson(line.slice(brace));
    if (isRecord(parsed)) {
      return readItem(parsed);
    }
    if (line.includes(JSON_MARKER)) {
      return { kind: "malformed", reason: "platform.report record is not valid JSON" };
    }
  }
  if (line.includes(TEXT_MARKER)) {
    return readTextReport(line.slice(line.indexOf(TEXT_MARKER) + TEXT_MARKER.length));
  }
  if (line.includes(`"${JSON_MARKER}"`)) {
    return { kind: "malformed", reason: "platform.report record is not valid JSON" };
  }
  return IGNORED;
}

/** The part after `REPORT RequestId:`; fields are tab-separated from Lambda, space-separated from a console copy. */
function readTextReport(rest: string): MessageOutcome {
  const withoutTrace = rest.split("XRAY TraceId:")[0] ?? "";
  const idMatch = /^\s*(\S+)/.exec(withoutTrace);
  const requestId = idMatch?.[1];
  if (requestId === undefined || requestId.endsWith(":")) {
    return { kind: "malformed", reason: "no request id" };
  }
  const fields = new Map<string, { value: string; unit: string | undefined }>();
  for (const match of withoutTrace.slice((idMatch?.[0] ?? "").length).matchAll(FIELD)) {
    const [, name, value, unit] = match;
    if (name !== undefined && value !== undefined && !fields.has(name)) {
      fields.set(name, { value, unit });
    }
  }
  const numbers: Partial<Record<(typeof TEXT_FIELDS)[number][1], number>> = {};
  for (const [name, key, unit] of TEXT_FIELDS) {
    const field = fields.get(name);
    if (field === undefined) {
      return { kind: "malformed", reason: `no ${name}` };
    }
    const parsed = readQuantity(field, unit);
    if (parsed === undefined) {
      return { kind: "malformed", reason: `${name} is not a number of ${unit}` };
    }
    numbers[key] = parsed;
  }
  const optional: { initDurationMs?: number; restoreDurationMs?: number } = {};
  for (const [name, key] of [
    ["Init Duration", "initDurationMs"],
    ["Restore Duration", "restoreDurationMs"],
  ] as const) {
    const field = fields.get(name);
    if (field !== undefined) {
      const parsed = readQuantity(field, "ms");
      if (parsed === undefined) {
        return { kind: "malformed", reason: `${name} is not a number of ms` };
      }
      optional[key] = parsed;
    }
  }
  return reportOf(requestId, numbers, optional, fields.get("Status")?.value, fields.get("Error Type")?.value);
}

/** The outcome for a report whose numbers all parsed (the `?? 0` only satisfies the types). */
function reportOf(
  requestId: string,
  numbers: Partial<Record<(typeof TEXT_FIELDS)[number][1], number>>,
  optional: { initDurationMs?: number; restoreDurationMs?: number },
  status: unknown,
  errorType: unknown,
): MessageOutcome {
  return {
    kind: "report",
    report: {
      requestId,
      durationMs: numbers.durationMs ?? 0,
      billedDurationMs: numbers.billedDurationMs ?? 0,
      memorySizeMb: numbers.memorySizeMb ?? 0,
      maxMemoryUsedMb: numbers.maxMemoryUsedMb,
      ...optional,
      ...(typeof status === "string" ? { status } : {}),
      ...(typeof errorType === "string" ? { errorType } : {}),
    },
  };
}

function readQuantity(field: { value: string; unit: string | undefined }, unit: string): number | undefined {
  return field.unit === unit && NUMBER.test(field.value) ? Number(field.value) : undefined;
}

const JSON_METRICS = [
  ["durationMs", "durationMs"],
  ["billedDurationMs", "billedDurationMs"],
  ["memorySizeMB", "memorySizeMb"],
  ["maxMemoryUsedMB", "maxMemoryUsedMb"],
] as const;

/** `{"time","type":"platform.report","record":{"requestId","metrics":{…},"status"}}` (Telemetry API schema). */
function readRecord(item: Record<string, unknown>): MessageOutcome {
  if (item["type"] !== JSON_MARKER) {
    return IGNORED;
  }
  const record = item["record"];
  if (!isRecord(record)) {
    return { kind: "malformed", reason: "platform.report without a record" };
  }
  const requestId = record["requestId"];
  const metrics = record["metrics"];
  if (typeof requestId !== "string" || requestId.length === 0) {
    return { kind: "malformed", reason: "platform.report without a requestId" };
  }
  if (!isRecord(metrics)) {
    return { kind: "malformed", reason: "platform.report without metrics" };
  }
  const numbers: Partial<Record<(typeof JSON_METRICS)[number][1], number>> = {};
  for (const [name, key] of JSON_METRICS) {
    const value = metrics[name];
    if (!isNonNegativeNumber(value)) {
      return { kind: "malformed", reason: `metrics.${name} is not a number` };
    }
    numbers[key] = value;
  }
  const optional: { initDurationMs?: number; restoreDurationMs?: number } = {};
  for (const key of ["initDurationMs", "restoreDurationMs"] as const) {
    const value = metrics[key];
    if (value !== undefined && value !== null) {
      if (!isNonNegativeNumber(value)) {
        return { kind: "malformed", reason: `metrics.${key} is not a number` };
      }
      optional[key] = value;
    }
  }
  return reportOf(requestId, numbers, optional, record["status"], record["errorType"]);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

function preview(item: unknown): string {
  if (typeof item === "string") {
    return item;
  }
  return JSON.stringify(item) ?? String(item);
}
