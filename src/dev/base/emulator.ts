/**
 * A local Lambda Runtime API (2018-06-01) on Bun.serve, bound to 127.0.0.1 on a free port. The same
 * code serves the in-process loop in tests and the real compiled `bootstrap` as a child process.
 *
 * Rules of README, Decisions D24 implemented here:
 * 1. GET /next long-polls until an event is queued, then answers 200 with the raw event bytes and
 *    Lambda-Runtime-Aws-Request-Id, Lambda-Runtime-Deadline-Ms (epoch ms), Lambda-Runtime-Invoked-
 *    Function-Arn and Content-Type: application/json; Lambda-Runtime-Trace-Id only when a trace id is
 *    given; client context and Cognito identity only when passed in `headers`.
 * 2. POST /invocation/{id}/response: 202 {"status":"OK"}; 400 InvalidRequestID for an id never handed
 *    out; 403 InvalidStateTransition for a second answer (or an answer after the deadline); 413
 *    RequestEntityTooLarge over 6,291,556 bytes, and the caller then receives Function.ResponseSizeTooLarge.
 * 3. POST /invocation/{id}/error: 202; the Lambda-Runtime-Function-Error-Type header and body become
 *    the outcome; every header (X-Ray cause included) stays in `requests`.
 * 4. POST /init/error: 202; `initError` resolves and every queued invoke fails with that error.
 * 6. (half) The deadline: when it passes the outcome is `timeout`. Killing and restarting the process
 *    is the caller's job (bootstrap-process.ts and its users); the emulator never kills anything.
 * 7. Faults: a status (e.g. 500) or a dropped connection, N times, on next, response or error.
 * Newer headers: with `invocationIds`, every delivery carries a fresh Lambda-Runtime-Invocation-Id and
 * an answer that echoes another one, or comes after the deadline, is refused 410 Gone (stale); an
 * invoke's `tenantId` becomes Lambda-Runtime-Aws-Tenant-Id.
 * Concurrent mode (`managedInstances`): as on Lambda Managed Instances, any number of GET /next are
 * held at once (each gets the next queued event; answers are matched by request id) and deadlines are
 * not enforced: the outcome is whatever the runtime posts, however late.
 * Not here: 5 (spawning with Lambda's environment: bootstrap-process.ts), 8 (freeze with SIGSTOP and
 * SIGCONT) and 9 (START/END/REPORT lines), which belong to the process-level callers.
 */

import { MAX_RESPONSE_BYTES } from "../../runtime/index.ts";

/** Options of startRuntimeApiEmulator. */
export interface RuntimeApiEmulatorOptions {
  /** The function timeout: deadline = delivery time + this, unless an invoke gives its own. Default 30000. */
  readonly timeoutMs?: number | undefined;
  /** Sent as Lambda-Runtime-Invoked-Function-Arn. */
  readonly functionArn?: string | undefined;
  /**
   * Keep every request in `requests` (default true). Long runs that read none of it (the bench,
   * soaks) pass false: 10,000 invocations keep ~40 MB of bodies otherwise.
   */
  readonly record?: boolean | undefined;
  /** Hand out a Lambda-Runtime-Invocation-Id with every event and refuse stale answers with 410. */
  readonly invocationIds?: boolean | undefined;
  /** Lambda Managed Instances: deadlines are the runtime's job, so no `timeout` outcome is produced. */
  readonly managedInstances?: boolean | undefined;
}

/** Options of one invoke. */
export interface InvokeOptions {
  readonly requestId?: string | undefined;
  /** Extra headers on the GET /next answer, e.g. Lambda-Runtime-Client-Context. */
  readonly headers?: Record<string, string> | undefined;
  /** The exact body to deliver, overriding `event`. */
  readonly rawBody?: string | Uint8Array | undefined;
  /** Absolute deadline in epoch ms; default delivery time + timeoutMs. */
  readonly deadlineMs?: number | undefined;
  /** Lambda-Runtime-Trace-Id; absent (the default) or null leaves the header out. */
  readonly traceId?: string | null | undefined;
  /** Lambda-Runtime-Aws-Tenant-Id, for a tenant-isolated function. */
  readonly tenantId?: string | undefined;
}

/** The Lambda error body as the runtime posted it. */
export interface LambdaErrorBody {
  readonly errorMessage: string;
  readonly errorType: string;
  readonly stackTrace: string[];
}

/** How one invocation ended, as the caller of Invoke would see it. */
export type InvocationOutcome =
  | { kind: "response"; requestId: string; body: string; json: unknown; durationMs: number }
  | { kind: "error"; requestId: string; errorType: string | null; body: LambdaErrorBody | unknown; durationMs: number }
  | { kind: "timeout"; requestId: string; durationMs: number };

/** One HTTP request the runtime made; header names are lower-case. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Epoch ms when the request arrived. */
  readonly at: number;
}

/** A failure to inject into the next `times` requests to one endpoint (default once). */
export interface Fault {
  readonly on: "next" | "response" | "error";
  /** Answer with this status instead of handling the request. */
  readonly status?: number | undefined;
  /** Close the connection without an answer (the client sees ECONNRESET). */
  readonly drop?: boolean | undefined;
  readonly times?: number | undefined;
}

/** The running emulator. */
export interface RuntimeApiEmulator {
  /** "127.0.0.1:PORT", the value for AWS_LAMBDA_RUNTIME_API. */
  readonly address: string;
  /** Queues one event (object -> JSON, string -> raw body) and resolves when the runtime answers. */
  invoke(event: unknown, options?: InvokeOptions): Promise<InvocationOutcome>;
  /** Resolves when the runtime posts /init/error. */
  readonly initError: Promise<{ errorType: string | null; body: unknown }>;
  /** Resolves when the runtime is blocked in GET /next (so init is done). */
  waitForNext(): Promise<void>;
  /** Resolves when at least `count` GET /next are held at once (concurrent runtimes). */
  waitForParked(count: number): Promise<void>;
  /** The most GET /next ever held at once. */
  readonly maxParked: number;
  /** Answers refused 410 Gone as stale (`invocationIds` only). */
  readonly staleAnswers: number;
  /** Every request received, in order, faulted ones included; always empty with `record: false`. */
  readonly requests: ReadonlyArray<RecordedRequest>;
  injectFault(fault: Fault): void;
  /** Closes every connection (a parked GET /next sees a reset) and clears the deadline timers. */
  stop(): Promise<void>;
}

const API_PREFIX = "/2018-06-01/runtime/";
const NEXT_PATH = `${API_PREFIX}invocation/next`;
const INIT_ERROR_PATH = `${API_PREFIX}init/error`;
const INVOCATION_PATH = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_FUNCTION_ARN = "arn:aws:lambda:eu-west-2:000000000000:function:london-travel-local";
// setTimeout fires at once for anything longer (about 24.8 days); a far deadline just never arrives.
const MAX_TIMER_MS = 2_147_483_647;
const JSON_HEADERS = { "Content-Type": "application/json" } as const;

interface Queued {
  readonly requestId: string;
  readonly body: string | Uint8Array;
  readonly headers: Record<string, string> | undefined;
  readonly deadlineMs: number | undefined;
  readonly traceId: string | null | undefined;
  readonly tenantId: string | undefined;
  readonly queuedAt: number;
  readonly settle: (outcome: InvocationOutcome) => void;
}

/** A delivered invocation; it keeps what 400/403 answers need, never the event body. */
interface InFlight {
  readonly settle: (outcome: InvocationOutcome) => void;
  readonly deliveredAt: number;
  readonly invocationId: string | undefined;
  state: "running" | "answered" | "timed-out";
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Parked {
  readonly request: Request;
  readonly answer: (response: Response) => void;
}

interface PendingFault {
  readonly status: number | undefined;
  readonly drop: boolean;
  remaining: number;
}

/** Starts the emulator; stop it in afterAll/afterEach. */
export async function startRuntimeApiEmulator(options: RuntimeApiEmulatorOptions = {}): Promise<RuntimeApiEmulator> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const invocationIds = options.invocationIds === true;
  const enforceDeadlines = options.managedInstances !== true;
  let maxParked = 0;
  let staleAnswers = 0;
  const parkedWatchers: Array<{ readonly count: number; readonly resolve: () => void }> = [];
  const record = options.record ?? true;
  const functionArn = options.functionArn ?? DEFAULT_FUNCTION_ARN;
  const queue: Queued[] = [];
  const parked: Parked[] = [];
  const nextWatchers: Array<() => void> = [];
  const inFlight = new Map<string, InFlight>();
  const requests: RecordedRequest[] = [];
  const faults: Record<Fault["on"], PendingFault[]> = { next: [], response: [], error: [] };
  const { promise: initError, resolve: resolveInitError } = Promise.withResolvers<{
    errorType: string | null;
    body: unknown;
  }>();

  function takeFault(on: Fault["on"]): PendingFault | undefined {
    const pending = faults[on][0];
    if (pending === undefined) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) faults[on].shift();
    return pending;
  }

  function deliver(queued: Queued): Response {
    const deadlineMs = queued.deadlineMs ?? Date.now() + timeoutMs;
    const headers: Record<string, string> = {
      "Lambda-Runtime-Aws-Request-Id": queued.requestId,
      "Lambda-Runtime-Deadline-Ms": String(deadlineMs),
      "Lambda-Runtime-Invoked-Function-Arn": functionArn,
      "Content-Type": "application/json",
    };
    if (typeof queued.traceId === "string") headers["Lambda-Runtime-Trace-Id"] = queued.traceId;
    if (queued.tenantId !== undefined) headers["Lambda-Runtime-Aws-Tenant-Id"] = queued.tenantId;
    const invocationId = invocationIds ? crypto.randomUUID() : undefined;
    if (invocationId !== undefined) headers["Lambda-Runtime-Invocation-Id"] = invocationId;
    if (queued.headers !== undefined) Object.assign(headers, queued.headers);
    const { requestId, settle } = queued;
    const flight: InFlight = {
      settle,
      deliveredAt: performance.now(),
      invocationId,
      state: "running",
      timer: undefined,
    };
    inFlight.set(queued.requestId, flight);
    if (!enforceDeadlines) return new Response(queued.body, { status: 200, headers });
    flight.timer = setTimeout(
      () => {
        if (flight.state !== "running") return;
        flight.state = "timed-out";
        settle({ kind: "timeout", requestId, durationMs: elapsed(flight.deliveredAt) });
      },
      Math.min(MAX_TIMER_MS, Math.max(0, deadlineMs - Date.now())),
    );
    return new Response(queued.body, { status: 200, headers });
  }

  function settleFlight(flight: InFlight, outcome: InvocationOutcome): void {
    flight.state = "answered";
    clearTimeout(flight.timer);
    flight.timer = undefined;
    flight.settle(outcome);
  }

  function takeParked(): Parked | undefined {
    for (let waiter = parked.shift(); waiter !== undefined; waiter = parked.shift()) {
      if (!waiter.request.signal.aborted) return waiter;
    }
    return undefined;
  }

  function handleNext(request: Request, server: Bun.Server<undefined>): Response | Promise<Response> {
    const fault = takeFault("next");
    if (fault !== undefined) return faultResponse(fault);
    const queued = queue.shift();
    if (queued !== undefined) return deliver(queued);
    // A long poll: no idle timeout, and forget the request if the runtime goes away.
    server.timeout(request, 0);
    return new Promise<Response>((answer) => {
      const waiter: Parked = { request, answer };
      parked.push(waiter);
      const held = parked.filter((other) => !other.request.signal.aborted).length;
      maxParked = Math.max(maxParked, held);
      for (let index = parkedWatchers.length - 1; index >= 0; index -= 1) {
        const watcher = parkedWatchers[index];
        if (watcher !== undefined && held >= watcher.count) {
          parkedWatchers.splice(index, 1);
          watcher.resolve();
        }
      }
      request.signal.addEventListener("abort", () => {
        const index = parked.indexOf(waiter);
        if (index !== -1) parked.splice(index, 1);
      });
      for (let watcher = nextWatchers.shift(); watcher !== undefined; watcher = nextWatchers.shift()) watcher();
    });
  }

  function handleAnswer(requestId: string, kind: "response" | "error", request: Request, bytes: Uint8Array): Response {
    const fault = takeFault(kind);
    if (fault !== undefined) return faultResponse(fault);
    const flight = inFlight.get(requestId);
    if (flight === undefined) return apiError(400, "InvalidRequestID", `Invalid request ID: ${requestId}`);
    if (flight.invocationId !== undefined) {
      // An answer for an earlier delivery of this request id, or one that came after the deadline.
      const echoed = request.headers.get("Lambda-Runtime-Invocation-Id");
      if ((echoed !== null && echoed !== flight.invocationId) || flight.state === "timed-out") {
        staleAnswers += 1;
        return apiError(410, "ErrorRuntimeInvokeTimeout", "Invocation is no longer current");
      }
    }
    if (flight.state !== "running") return apiError(403, "InvalidStateTransition", "Invalid state transition");
    const durationMs = elapsed(flight.deliveredAt);
    if (kind === "response") {
      if (bytes.byteLength > MAX_RESPONSE_BYTES) {
        settleFlight(flight, {
          kind: "error",
          requestId,
          errorType: "Function.ResponseSizeTooLarge",
          body: {
            errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
            errorType: "Function.ResponseSizeTooLarge",
          },
          durationMs,
        });
        return apiError(
          413,
          "RequestEntityTooLarge",
          `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        );
      }
      const body = decode(bytes);
      settleFlight(flight, { kind: "response", requestId, body, json: parseJson(body), durationMs });
    } else {
      const body = decode(bytes);
      const errorType = request.headers.get("Lambda-Runtime-Function-Error-Type");
      settleFlight(flight, { kind: "error", requestId, errorType, body: parseJson(body) ?? body, durationMs });
    }
    return Response.json({ status: "OK" }, { status: 202 });
  }

  function handleInitError(request: Request, bytes: Uint8Array): Response {
    const text = decode(bytes);
    const errorType = request.headers.get("Lambda-Runtime-Function-Error-Type");
    const body = parseJson(text) ?? text;
    resolveInitError({ errorType, body });
    // "Error will be served in response to the first invoke" (runtime-api.yaml): fail what waits.
    for (let queued = queue.shift(); queued !== undefined; queued = queue.shift()) {
      queued.settle({
        kind: "error",
        requestId: queued.requestId,
        errorType,
        body,
        durationMs: elapsed(queued.queuedAt),
      });
    }
    return Response.json({ status: "OK" }, { status: 202 });
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(request, server): Promise<Response> {
      const path = new URL(request.url).pathname;
      const bytes = new Uint8Array(await request.arrayBuffer());
      if (record) {
        requests.push({
          method: request.method,
          path,
          headers: Object.fromEntries(request.headers),
          body: decode(bytes),
          at: Date.now(),
        });
      }
      if (path === NEXT_PATH) {
        return request.method === "GET" ? handleNext(request, server) : methodNotAllowed("GET");
      }
      if (path === INIT_ERROR_PATH) {
        return request.method === "POST" ? handleInitError(request, bytes) : methodNotAllowed("POST");
      }
      const match = INVOCATION_PATH.exec(path);
      if (match?.[1] !== undefined && (match[2] === "response" || match[2] === "error")) {
        if (request.method !== "POST") return methodNotAllowed("POST");
        return handleAnswer(decodeURIComponent(match[1]), match[2], request, bytes);
      }
      return apiError(404, "NotFound", `Unknown path ${path}`);
    },
  });

  return {
    address: `127.0.0.1:${server.port}`,
    initError,
    requests,
    get maxParked() {
      return maxParked;
    },
    get staleAnswers() {
      return staleAnswers;
    },

    invoke(event: unknown, invokeOptions: InvokeOptions = {}): Promise<InvocationOutcome> {
      const { promise, resolve } = Promise.withResolvers<InvocationOutcome>();
      const queued: Queued = {
        requestId: invokeOptions.requestId ?? crypto.randomUUID(),
        body: invokeOptions.rawBody ?? (typeof event === "string" ? event : (JSON.stringify(event) ?? "null")),
        headers: invokeOptions.headers,
        deadlineMs: invokeOptions.deadlineMs,
        traceId: invokeOptions.traceId,
        tenantId: invokeOptions.tenantId,
        queuedAt: performance.now(),
        settle: resolve,
      };
      const waiter = takeParked();
      if (waiter === undefined) queue.push(queued);
      else waiter.answer(deliver(queued));
      return promise;
    },

    waitForNext(): Promise<void> {
      if (parked.some((waiter) => !waiter.request.signal.aborted)) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      nextWatchers.push(resolve);
      return promise;
    },

    waitForParked(count: number): Promise<void> {
      if (parked.filter((waiter) => !waiter.request.signal.aborted).length >= count) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      parkedWatchers.push({ count, resolve });
      return promise;
    },

    injectFault(fault: Fault): void {
      const pending: PendingFault = { status: fault.status, drop: fault.drop === true, remaining: fault.times ?? 1 };
      if (pending.remaining <= 0) return;
      faults[fault.on].push(pending);
      // A runtime already parked in GET /next takes the fault now, as it would on its next call.
      if (fault.on !== "next") return;
      for (let waiter = takeParked(); waiter !== undefined; waiter = takeParked()) {
        const taken = takeFault("next");
        if (taken === undefined) {
          parked.unshift(waiter);
          break;
        }
        waiter.answer(faultResponse(taken));
      }
    },

    async stop(): Promise<void> {
      for (const flight of inFlight.values()) clearTimeout(flight.timer);
      await server.stop(true);
    },
  };
}

function faultResponse(fault: PendingFault): Response {
  if (fault.drop) {
    // Erroring the body before anything is written makes Bun close the socket: the client sees ECONNRESET.
    return new Response(
      new ReadableStream({
        start(controller) {
          controller.error();
        },
      }),
    );
  }
  const status = fault.status ?? 500;
  return apiError(status, "InjectedFault", `Injected fault: ${status}`);
}

function methodNotAllowed(allowed: string): Response {
  return apiError(405, "MethodNotAllowed", `Use ${allowed}`);
}

function apiError(status: number, errorType: string, errorMessage: string): Response {
  return new Response(JSON.stringify({ errorMessage, errorType }), { status, headers: JSON_HEADERS });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function elapsed(since: number): number {
  return performance.now() - since;
}
