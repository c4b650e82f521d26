/**
 * A scripted fake HTTP server on 127.0.0.1 (Bun.serve, port 0) for client tests: each route plays
 * a list of steps in order (the last one repeats), every request is recorded, and steps can fault:
 * status codes, delayed headers, dripped bodies, no answer, connection reset, invalid JSON,
 * oversized or compressed bodies and redirects. Unscripted requests get a 404. Stop it in
 * afterEach/afterAll. (Bun.serve always streams a dripped body chunked; for a slow body with a
 * Content-Length, use a raw `Bun.listen` socket as test/http/json-client.test.ts does.)
 */

/** One scripted answer. Build them with the helpers below (`json`, `status`, `hang`, …). */
export type FakeStep =
  | {
      readonly kind: "body";
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string | Uint8Array;
    }
  | { readonly kind: "delay"; readonly ms: number; readonly then: FakeStep }
  | {
      readonly kind: "drip";
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly chunks: readonly string[];
      readonly intervalMs: number;
    }
  | { readonly kind: "hang" }
  | { readonly kind: "reset"; readonly afterBody?: string | undefined }
  | {
      readonly kind: "stream";
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly bytes: number;
      readonly chunkBytes: number;
    };

/** Status and headers of a scripted answer. */
export interface StepInit {
  readonly status?: number | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** A request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path as sent, still percent-encoded, without the query: "/Line/victoria%2Cdlr/Status". */
  readonly path: string;
  /** Raw query without "?", "" when absent. */
  readonly query: string;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch when the request arrived. */
  readonly at: number;
}

/** A running fake server. */
export interface FakeHttpServer {
  /** Base URL with a trailing slash, e.g. "http://127.0.0.1:43121/". */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly RecordedRequest[];
  /** Requests for one path (as sent, percent-encoded). */
  requestsTo(path: string): readonly RecordedRequest[];
  /** Scripts `METHOD path` (path percent-encoded as the client sends it); replaces an earlier script. */
  route(method: string, path: string, ...steps: readonly FakeStep[]): void;
  /** Forgets scripts and recorded requests. */
  reset(): void;
  stop(): Promise<void>;
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" } as const;
const encoder = new TextEncoder();

/** A JSON answer (status 200 unless given). */
export function json(body: unknown, init: StepInit = {}): FakeStep {
  return {
    kind: "body",
    status: init.status ?? 200,
    headers: { ...JSON_HEADERS, ...init.headers },
    body: JSON.stringify(body),
  };
}

/** A raw text answer, e.g. invalid JSON served as application/json. */
export function text(body: string, init: StepInit = {}): FakeStep {
  return { kind: "body", status: init.status ?? 200, headers: { ...JSON_HEADERS, ...init.headers }, body };
}

/** A gzip-compressed answer (Content-Encoding: gzip; Content-Length counts the compressed bytes). */
export function gzipped(body: string, init: StepInit = {}): FakeStep {
  return {
    kind: "body",
    status: init.status ?? 200,
    headers: { ...JSON_HEADERS, "content-encoding": "gzip", ...init.headers },
    body: Bun.gzipSync(encoder.encode(body)),
  };
}

/** A status with a small JSON error body. */
export function status(code: number, init: StepInit = {}): FakeStep {
  return json({ httpStatusCode: code, message: `scripted ${code}` }, { ...init, status: code });
}

/** Waits before sending the headers of `step`. */
export function delayed(ms: number, step: FakeStep): FakeStep {
  return { kind: "delay", ms, then: step };
}

/** Sends headers at once, then one chunk every `intervalMs`. */
export function drip(chunks: readonly string[], intervalMs: number, init: StepInit = {}): FakeStep {
  return {
    kind: "drip",
    status: init.status ?? 200,
    headers: { ...JSON_HEADERS, ...init.headers },
    chunks,
    intervalMs,
  };
}

/** Never answers (the request stays open until the client gives up or the server stops). */
export function hang(): FakeStep {
  return { kind: "hang" };
}

/** Closes the connection: before any header, or after sending part of a body. */
export function reset(afterBody?: string): FakeStep {
  return { kind: "reset", afterBody };
}

/** A redirect to `location` (any host). */
export function redirect(location: string, code = 302): FakeStep {
  return { kind: "body", status: code, headers: { location, ...JSON_HEADERS }, body: "[]" };
}

/**
 * A body of `bytes` bytes (a JSON array of numbers, so it would parse) streamed in chunks; with
 * `declareLength` the Content-Length header announces the size up front.
 */
export function oversized(bytes: number, options: { declareLength?: boolean; chunkBytes?: number } = {}): FakeStep {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (options.declareLength === true) headers["content-length"] = String(bytes);
  return { kind: "stream", status: 200, headers, bytes, chunkBytes: options.chunkBytes ?? 64 * 1024 };
}

/** Starts a fake server on 127.0.0.1 with a free port. */
export function startFakeHttpServer(): FakeHttpServer {
  const scripts = new Map<string, { steps: readonly FakeStep[]; next: number }>();
  const requests: RecordedRequest[] = [];

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 30,
    async fetch(request): Promise<Response> {
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      requests.push({
        method: request.method,
        path: url.pathname,
        query: url.search.replace(/^\?/, ""),
        headers,
        at: Date.now(),
      });

      const script = scripts.get(`${request.method} ${url.pathname}`);
      const step = script === undefined ? undefined : script.steps[Math.min(script.next, script.steps.length - 1)];
      if (script === undefined || step === undefined) {
        return Response.json({ message: `no script for ${request.method} ${url.pathname}` }, { status: 404 });
      }
      script.next += 1;
      return play(step, request.signal);
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}/`,
    port: server.port ?? 0,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    route(method, path, ...steps) {
      scripts.set(`${method.toUpperCase()} ${path}`, { steps, next: 0 });
    },
    reset() {
      scripts.clear();
      requests.length = 0;
    },
    async stop() {
      await server.stop(true);
    },
  };
}

/** A port with nothing listening: a server is started on a free port, then stopped. */
export async function closedPort(): Promise<number> {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(null) });
  const port = server.port ?? 0;
  await server.stop(true);
  return port;
}

async function play(step: FakeStep, signal: AbortSignal): Promise<Response> {
  switch (step.kind) {
    case "body":
      return new Response(step.body, { status: step.status, headers: step.headers });
    case "delay":
      await sleepUnlessAborted(step.ms, signal);
      return play(step.then, signal);
    case "hang":
      // Answer nothing; settle only when the client goes away so the server can stop cleanly.
      return new Promise((resolve) => {
        signal.addEventListener("abort", () => resolve(new Response(null, { status: 499 })), { once: true });
      });
    case "reset": {
      const prefix = step.afterBody;
      // Erroring the body stream without a reason makes Bun drop the connection quietly.
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (prefix !== undefined) {
              controller.enqueue(encoder.encode(prefix));
              await Bun.sleep(5);
            }
            controller.error();
          },
        }),
        { status: 200, headers: JSON_HEADERS },
      );
    }
    case "drip": {
      let index = 0;
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (index > 0) await sleepUnlessAborted(step.intervalMs, signal);
            const chunk = step.chunks[index];
            index += 1;
            if (chunk === undefined || signal.aborted) {
              controller.close();
              return;
            }
            controller.enqueue(encoder.encode(chunk));
          },
        }),
        { status: step.status, headers: step.headers },
      );
    }
    case "stream": {
      // "[", then spaces, then "]": valid JSON of exactly `bytes` bytes, so only the size is wrong.
      const padding = encoder.encode(" ".repeat(step.chunkBytes));
      let spaces = Math.max(0, step.bytes - 2);
      let opened = false;
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (!opened) {
              opened = true;
              controller.enqueue(encoder.encode("["));
            } else if (spaces > 0 && !signal.aborted) {
              const size = Math.min(padding.byteLength, spaces);
              controller.enqueue(padding.subarray(0, size));
              spaces -= size;
            } else {
              controller.enqueue(encoder.encode("]"));
              controller.close();
            }
          },
        }),
        { status: step.status, headers: step.headers },
      );
    }
  }
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
