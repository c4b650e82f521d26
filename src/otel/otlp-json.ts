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

export function encodeValue(value: AttributeValue): OtlpAnyValue {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (typeof value === "number") return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  return { arrayValue: { values: value.map((item) => ({ stringValue: item })) } };
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
