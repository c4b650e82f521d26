/**
 * An OTLP/HTTP traces receiver on 127.0.0.1 for `bun run invoke --traces`, the bench and the tests:
 * it accepts `POST /v1/traces` with a JSON ExportTraceServiceRequest, records the headers and the
 * spans, and answers `{}` (or a scripted failure). `renderSpanTree` prints an invocation's spans
 * as an indented tree.
 */

/** One span as the receiver read it (OTLP/JSON field names). */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes?: ReadonlyArray<{ readonly key: string; readonly value: Record<string, unknown> }> | undefined;
  readonly status?: { readonly code?: number | undefined; readonly message?: string | undefined } | undefined;
}

/** One export POST. */
export interface ReceivedExport {
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly resource: Readonly<Record<string, unknown>>;
  readonly spans: readonly ReceivedSpan[];
  readonly at: number;
}

export interface FakeOtlpReceiver {
  /** Base endpoint for OTEL_EXPORTER_OTLP_ENDPOINT, e.g. "http://127.0.0.1:43121". */
  readonly endpoint: string;
  readonly exports: readonly ReceivedExport[];
  /** Exports received, also when `record` is false. */
  count(): number;
  /** Every span received, in arrival order. */
  spans(): ReceivedSpan[];
  /** Answers the next exports with this status (0 = hang until stopped); undefined = answer 200. */
  fail(status: number | undefined): void;
  stop(): Promise<void>;
}

/** Options of {@link startFakeOtlpReceiver}. */
export interface ReceiverOptions {
  /** Keep what arrives (default true); the bench only counts, so 10,000 exports cost it nothing. */
  readonly record?: boolean | undefined;
}

/** Starts the receiver on a free loopback port. */
export function startFakeOtlpReceiver(options: ReceiverOptions = {}): FakeOtlpReceiver {
  const record = options.record ?? true;
  const exports: ReceivedExport[] = [];
  let received = 0;
  let failure: number | undefined;
  const hanging = new Set<() => void>();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      if (request.method !== "POST" || url.pathname !== "/v1/traces") return new Response("no", { status: 404 });
      received += 1;
      if (!record) {
        await request.arrayBuffer();
        return Response.json({});
      }
      const body = (await request.json()) as {
        resourceSpans?: Array<{
          resource?: { attributes?: Array<{ key: string; value: Record<string, unknown> }> };
          scopeSpans?: Array<{ spans?: ReceivedSpan[] }>;
        }>;
      };
      const headers = Object.fromEntries([...request.headers].map(([key, value]) => [key.toLowerCase(), value]));
      for (const resourceSpans of body.resourceSpans ?? []) {
        const resource = Object.fromEntries(
          (resourceSpans.resource?.attributes ?? []).map(({ key, value }) => [key, plainValue(value)]),
        );
        const spans = (resourceSpans.scopeSpans ?? []).flatMap((scope) => scope.spans ?? []);
        exports.push({ path: url.pathname, headers, resource, spans, at: Date.now() });
      }
      if (failure === 0) {
        await new Promise<void>((resolve) => hanging.add(resolve));
        return new Response(null, { status: 503 });
      }
      if (failure !== undefined) return new Response("failed", { status: failure });
      return Response.json({});
    },
  });
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    exports,
    count: () => received,
    spans: () => exports.flatMap((received) => received.spans),
    fail: (status) => {
      failure = status;
    },
    stop: async () => {
      for (const resolve of hanging) resolve();
      await server.stop(true);
    },
  };
}

/** An OTLP AnyValue as a plain value: strings, booleans, numbers (int64 strings too) and arrays. */
export function plainValue(value: Record<string, unknown>): unknown {
  if ("stringValue" in value) return value["stringValue"];
  if ("boolValue" in value) return value["boolValue"];
  if ("intValue" in value) return Number(value["intValue"]);
  if ("doubleValue" in value) return value["doubleValue"];
  const array = value["arrayValue"] as { values?: Array<Record<string, unknown>> } | undefined;
  if (array !== undefined) return (array.values ?? []).map(plainValue);
  return undefined;
}

/** A span's attributes as a plain object. */
export function attributesOf(span: ReceivedSpan): Record<string, unknown> {
  return Object.fromEntries((span.attributes ?? []).map(({ key, value }) => [key, plainValue(value)]));
}

const KIND_NAMES: Record<number, string> = { 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer" };

/**
 * The spans as a tree, children under their parent in start order, each line with its kind,
 * duration and attributes; a span whose parent was not received (the X-Ray parent) is a root.
 */
export function renderSpanTree(spans: readonly ReceivedSpan[]): string {
  const ids = new Set(spans.map((span) => span.spanId));
  const byStart = [...spans].sort((a, b) => compareNanos(a.startTimeUnixNano, b.startTimeUnixNano));
  const children = new Map<string | undefined, ReceivedSpan[]>();
  for (const span of byStart) {
    const parent = span.parentSpanId !== undefined && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number): void => {
    for (const span of children.get(parent) ?? []) {
      const micros = Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1000;
      const failed = span.status?.code === 2 ? ` ERROR ${span.status.message ?? ""}`.trimEnd() : "";
      const attributes = Object.entries(attributesOf(span))
        .map(([key, value]) => `${key}=${Array.isArray(value) ? `[${value.join(", ")}]` : String(value)}`)
        .join(" ");
      const indent = "  ".repeat(depth);
      lines.push(
        `${indent}${span.name} (${KIND_NAMES[span.kind] ?? span.kind}, ${(micros / 1000).toFixed(2)} ms)${failed}`,
      );
      if (attributes !== "") lines.push(`${indent}    ${attributes}`);
      walk(span.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  const traceIds = [...new Set(spans.map((span) => span.traceId))];
  return [`trace ${traceIds.join(", ")}`, ...lines].join("\n");
}

function compareNanos(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}
