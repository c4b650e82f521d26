/**
 * OTLP/JSON encoding of spans (the protobuf JSON mapping with OTLP's two exceptions: trace and span
 * ids are hex strings, enums are integers). Spans are kept in this shape from the start, so an
 * export is one JSON.stringify of the invocation's spans inside a resource prefix encoded at init.
 */

/** An attribute value: strings, booleans, integers (as OTLP int64 strings) and string arrays. */
export type AttributeValue = string | boolean | number | readonly string[];
export type Attributes = Readonly<Record<string, AttributeValue | undefined>>;

export interface OtlpAnyValue {
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: string;
  readonly doubleValue?: number;
  readonly arrayValue?: { readonly values: readonly OtlpAnyValue[] };
}

export interface OtlpKeyValue {
  readonly key: string;
  readonly value: OtlpAnyValue;
}

/** `opentelemetry.proto.trace.v1.Span.SpanKind`. */
export const SpanKind = { internal: 1, server: 2, client: 3 } as const;
/** `opentelemetry.proto.trace.v1.Status.StatusCode`. */
export const StatusCode = { unset: 0, ok: 1, error: 2 } as const;

/** One span as OTLP/JSON expects it. Mutable until ended. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status?: { code: number; message?: string };
}

/**
 * Longest attribute string exported, like the SDKs' OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: a slot value
 * comes from the request, and a megabyte of it would make the export (sent before the next event) slow.
 */
export const MAX_ATTRIBUTE_LENGTH = 256;
const TRUNCATED_MARKER = "…truncated";

function capped(text: string): string {
  return text.length <= MAX_ATTRIBUTE_LENGTH ? text : text.slice(0, MAX_ATTRIBUTE_LENGTH) + TRUNCATED_MARKER;
}

export function encodeValue(value: AttributeValue): OtlpAnyValue {
  if (typeof value === "string") return { stringValue: capped(value) };
  if (typeof value === "boolean") return { boolValue: value };
  if (typeof value === "number") return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  return { arrayValue: { values: value.map((item) => ({ stringValue: capped(item) })) } };
}

/** Appends the defined attributes to `into`. */
export function appendAttributes(into: OtlpKeyValue[], attributes: Attributes): void {
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) into.push({ key, value: encodeValue(value) });
  }
}

/** What is fixed for the process: the resource and the instrumentation scope. */
export interface ExportFrame {
  readonly resource: Attributes;
  readonly scopeName: string;
  readonly scopeVersion: string;
}

/** Encodes the frame once; `encode(spans)` then costs one JSON.stringify of the spans. */
export function createEncoder(frame: ExportFrame): (spans: readonly OtlpSpan[]) => string {
  const attributes: OtlpKeyValue[] = [];
  appendAttributes(attributes, frame.resource);
  const prefix =
    `{"resourceSpans":[{"resource":${JSON.stringify({ attributes })},` +
    `"scopeSpans":[{"scope":${JSON.stringify({ name: frame.scopeName, version: frame.scopeVersion })},"spans":`;
  const suffix = "}]}]}";
  return (spans) => `${prefix}${JSON.stringify(spans)}${suffix}`;
}

/** Epoch nanoseconds as OTLP's decimal string, from the high-resolution clock (microsecond precision). */
export function nowUnixNano(): string {
  return `${Math.round((performance.timeOrigin + performance.now()) * 1000)}000`;
}
