/**
 * A minimal tracer for one Lambda invocation at a time: a SERVER span for the invocation, child
 * spans the composition root asks for, CLIENT spans for HTTP calls (with the `traceparent` they must
 * send), and one OTLP/HTTP JSON POST per invocation. Export failures are logged once per outage
 * and never thrown. HTTP only: no Lambda loop, no Alexa.
 */
import {
  appendAttributes,
  createEncoder,
  nowUnixNano,
  SpanKind,
  StatusCode,
  type Attributes,
  type OtlpSpan,
} from "./otlp-json.ts";
import { createRandomIds, formatTraceparent, traceOriginFromXray, type RandomIds } from "./trace-context.ts";

/** The few logger methods the tracer uses. */
export interface TraceLogger {
  warn(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
}

export type ExportFetch = (input: string, init: RequestInit) => Promise<Response>;

export interface TracerOptions {
  /** Full OTLP/HTTP traces URL. */
  readonly url: string;
  /** Extra request headers (e.g. an API key); their values never reach a log line. */
  readonly headers: Readonly<Record<string, string>>;
  /** Resource attributes, `service.name` included. */
  readonly resource: Attributes;
  /** Name and version of the instrumentation scope. */
  readonly scopeName: string;
  readonly scopeVersion: string;
  /** Name of the invocation span (the function's name). */
  readonly invocationSpanName: string;
  readonly fetch?: ExportFetch | undefined;
  readonly random?: RandomIds | undefined;
}

/** What an invocation brings: the X-Ray header, the request id and the invoked ARN. */
export interface InvocationFacts {
  readonly traceHeader: string | undefined;
  readonly invocationId: string;
  readonly functionArn: string | undefined;
}

/** An HTTP client span in flight, as the JSON client sees it. */
export interface ClientSpan {
  /** The W3C header value the request must carry. */
  readonly traceparent: string;
  /** Ends the span with the final status (undefined when no answer came) and the error, if any. */
  end(status: number | undefined, error: unknown): void;
}

/** A span in flight. */
export interface ActiveSpan {
  readonly traceparent: string;
  /** Marks the span failed with the error's class name (never its message: it may quote input). */
  fail(error: unknown): void;
  /** Adds attributes; allowed after `end` until the trace is flushed, which exports what is there then. */
  addAttributes(attributes: Attributes): void;
  end(): void;
  /** Starts an INTERNAL child span. */
  startChild(name: string, attributes: Attributes): ActiveSpan;
  /** Starts a CLIENT child span for one HTTP call to `url` (its query is dropped: it may hold keys). */
  startClientSpan(operation: string, url: string): ClientSpan;
}

/** One invocation's trace. */
export interface InvocationTrace {
  /** The SERVER span of the invocation. */
  readonly root: ActiveSpan;
  /** Ends open spans, POSTs every span in one request; resolves when done or after `timeoutMs`. */
  flush(log: TraceLogger, timeoutMs: number): Promise<void>;
}

export interface Tracer {
  startInvocation(facts: InvocationFacts): InvocationTrace;
}

/** Builds the tracer once per sandbox. */
export function createTracer(options: TracerOptions): Tracer {
  const random = options.random ?? createRandomIds();
  const fetchImpl: ExportFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const encode = createEncoder({
    resource: options.resource,
    scopeName: options.scopeName,
    scopeVersion: options.scopeVersion,
  });
  const headers = { ...options.headers, "content-type": "application/json" };
  const exporter: ExporterState = { failing: false, coldStart: true };

  return {
    startInvocation(facts) {
      const origin = traceOriginFromXray(facts.traceHeader, random);
      const spans: OtlpSpan[] = [];
      const open: SpanHandle[] = [];
      const root = new SpanHandle(
        { spans, open, random, traceId: origin.traceId },
        options.invocationSpanName,
        SpanKind.server,
        origin.parentSpanId,
        {
          "faas.invocation_id": facts.invocationId,
          "cloud.resource_id": facts.functionArn,
          "faas.coldstart": exporter.coldStart,
        },
      );
      exporter.coldStart = false;
      return {
        root,
        flush: async (log, timeoutMs) => {
          for (const span of open) span.end();
          if (spans.length === 0 || !(timeoutMs > 0)) return;
          await post(options.url, headers, encode(spans), timeoutMs, fetchImpl, exporter, log, spans.length);
        },
      };
    },
  };
}

interface ExporterState {
  /** The last export failed: the next failure is not logged again. */
  failing: boolean;
  /** No invocation has been traced yet in this process. */
  coldStart: boolean;
}

interface TraceState {
  readonly spans: OtlpSpan[];
  readonly open: SpanHandle[];
  readonly random: RandomIds;
  readonly traceId: string;
}

class SpanHandle implements ActiveSpan {
  readonly traceparent: string;
  readonly #trace: TraceState;
  readonly #span: OtlpSpan;
  #ended = false;

  constructor(trace: TraceState, name: string, kind: number, parentSpanId: string | undefined, attributes: Attributes) {
    this.#trace = trace;
    const spanId = trace.random.spanId();
    this.#span = {
      traceId: trace.traceId,
      spanId,
      name,
      kind,
      startTimeUnixNano: nowUnixNano(),
      endTimeUnixNano: "",
      attributes: [],
    };
    if (parentSpanId !== undefined) this.#span.parentSpanId = parentSpanId;
    appendAttributes(this.#span.attributes, attributes);
    this.traceparent = formatTraceparent(trace.traceId, spanId);
    trace.open.push(this);
  }

  fail(error: unknown): void {
    const type = errorType(error);
    this.#span.status = { code: StatusCode.error, message: type };
    appendAttributes(this.#span.attributes, { "error.type": type });
  }

  addAttributes(attributes: Attributes): void {
    appendAttributes(this.#span.attributes, attributes);
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#span.endTimeUnixNano = nowUnixNano();
    this.#trace.spans.push(this.#span);
  }

  startChild(name: string, attributes: Attributes): ActiveSpan {
    return new SpanHandle(this.#trace, name, SpanKind.internal, this.#span.spanId, attributes);
  }

  startClientSpan(operation: string, url: string): ClientSpan {
    const target = safeUrl(url);
    const span = new SpanHandle(this.#trace, operation, SpanKind.client, this.#span.spanId, {
      "http.request.method": operation.includes(" ") ? operation.slice(0, operation.indexOf(" ")) : "GET",
      "url.full": target?.full,
      "server.address": target?.host,
      "server.port": target?.port,
    });
    return {
      traceparent: span.traceparent,
      end: (status, error) => {
        if (status !== undefined) appendAttributes(span.#span.attributes, { "http.response.status_code": status });
        if (error !== undefined) span.fail(error);
        else if (status !== undefined && status >= 400) span.fail(String(status));
        span.end();
      },
    };
  }
}

/** The URL without its query and fragment (TfL's app_key travels in the query), plus host and port. */
function safeUrl(url: string): { full: string; host: string; port: number } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const port = parsed.port === "" ? (parsed.protocol === "https:" ? 443 : 80) : Number(parsed.port);
  return { full: `${parsed.origin}${parsed.pathname}`, host: parsed.hostname, port };
}

function errorType(error: unknown): string {
  if (typeof error === "string") return error;
  if (error instanceof Error) return error.name;
  return "Error";
}

async function post(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  timeoutMs: number,
  fetchImpl: ExportFetch,
  state: ExporterState,
  log: TraceLogger,
  spanCount: number,
): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let problem: Record<string, unknown> | undefined;
  try {
    const response = await fetchImpl(url, {
      method: "POST",
      headers,
      body,
      signal: controller.signal,
      redirect: "manual",
    });
    // The answer (an ExportTraceServiceResponse) is not needed; read it so the connection is reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) problem = { status: response.status };
  } catch (error) {
    // Only the code: messages may name the URL, and the URL may hold a key.
    const code = (error as { code?: unknown }).code;
    problem = controller.signal.aborted
      ? { reason: `no answer within ${timeoutMs} ms` }
      : { reason: typeof code === "string" ? code : "network error" };
  } finally {
    clearTimeout(timer);
  }
  if (problem !== undefined) {
    if (!state.failing) log.warn("otel.export.failed", { ...problem, spans: spanCount });
    state.failing = true;
  } else if (state.failing) {
    state.failing = false;
    log.info("otel.export.recovered", { spans: spanCount });
  }
}
