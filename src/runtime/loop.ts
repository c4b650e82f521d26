import type { AsyncLocalStorage } from "node:async_hooks";
import { createRuntimeApiClient, INIT_ERROR_PATH, invocationPath, NEXT_PATH } from "./api-client.ts";
import type { NextInvocation, RuntimeApiClient, RuntimeFetch, Rejection } from "./api-client.ts";
import {
  headerValue,
  INVOCATION_ID_HEADER,
  LambdaInvocationContext,
  readFunctionInfo,
  REQUEST_ID_HEADER,
} from "./context.ts";
import type { FunctionInfo, InvocationContext } from "./context.ts";
import { initErrorType, invocationErrorType, toDiagnostic } from "./diagnostic.ts";
import {
  InvalidEventError,
  InvocationTimeoutError,
  ResponseTooLargeError,
  RuntimeApiError,
  RuntimeSettingError,
  UnserializableResponseError,
} from "./errors.ts";
import { createLogger, readLogSettings } from "./logger.ts";
import type { Logger, LogSettings, RuntimeLogger } from "./logger.ts";
import { createRedactor, type Redactor } from "./redact.ts";

/** Handles one event; whatever it resolves to is posted as JSON (`undefined` becomes `null`). */
export type Handler<D> = (event: unknown, context: InvocationContext, deps: D) => Promise<unknown>;

/** Runs once before the first event and builds the handler's dependencies. */
export type Init<D> = (log: RuntimeLogger) => Promise<D> | D;

/**
 * Seams that let tests run the loop in-process, plus the entry's choices (`redact`, `warmJitPolicy`,
 * `fullCollectionEvery`).
 */
export interface RuntimeOptions {
  /** Source of AWS_LAMBDA_* settings; `_X_AMZN_TRACE_ID` is set and deleted in it. Default process.env. */
  readonly env?: Record<string, string | undefined> | undefined;
  /** Default: the global fetch. */
  readonly fetch?: RuntimeFetch | undefined;
  /** Log sink, one line per call without the newline. Default: a synchronous write to stdout. */
  readonly write?: ((line: string) => void) | undefined;
  /** Ends the process after a fatal error. Default process.exit; tests pass one that throws. */
  readonly exit?: ((code: number) => never) | undefined;
  /** Stops the loop: pending Runtime API calls are aborted and startRuntime rejects with the reason. */
  readonly signal?: AbortSignal | undefined;
  /** Literal secrets replaced by "[redacted]" in every log line and every error posted to Lambda. */
  readonly redact?: readonly string[] | undefined;
  /**
   * Where uncaughtException and unhandledRejection listeners go. Default: the process. In-process
   * tests pass an EventEmitter, so the test runner's own process keeps its handlers.
   */
  readonly process?: ProcessEvents | undefined;
  /** Scales the JIT's tier-up thresholds. Default `Bun.unsafe.setJITPolicy`; see restoreJitPolicy. */
  readonly setJitPolicy?: ((scale: number) => void) | undefined;
  /**
   * The JIT policy from the first posted answer on: a finite number of at least 1, default 1 (the
   * JIT's normal tier-up thresholds). A handler whose requests are short and I/O-bound may keep the
   * JIT reluctant to spend memory on optimising code that saves it little (README, Decisions D29).
   */
  readonly warmJitPolicy?: number | undefined;
  /**
   * Answers between two full garbage collections, each run after an answer is posted and before the
   * next GET /next: a whole number of at least 1, or Infinity for none. Default
   * DEFAULT_FULL_COLLECTION_EVERY (see collectWhenDue).
   */
  readonly fullCollectionEvery?: number | undefined;
  /** A synchronous full garbage collection. Default `Bun.gc(true)`; under another runtime a no-op. */
  readonly collectGarbage?: (() => void) | undefined;
}

/** The slice of `process` the runtime listens on for errors nobody caught. */
export interface ProcessEvents {
  on(event: "uncaughtException" | "unhandledRejection", listener: (error: unknown) => void): unknown;
}

/** JavaScriptCore's own tier-up thresholds, unscaled. */
const NORMAL_JIT_POLICY = 1;

/**
 * A full collection every 500 answers. The JavaScriptCore heap of a warm sandbox holds about 1 MB that
 * lives; each invocation leaves a little garbage in the old generation, which the collector left to
 * itself reclaims only after thousands of invocations, so the resident set climbs about 2 MiB per
 * 8,000 invocations and reads as a leak. A full collection of that heap takes 2-3 ms (measured on
 * x86_64), about 1 % of the CPU of 500 status requests (README, Decisions D30).
 */
export const DEFAULT_FULL_COLLECTION_EVERY = 500;

/** Lambda's buffered response limit: 6 MiB + 100 bytes (README, Decisions D18). */
export const MAX_RESPONSE_BYTES = 6_291_556;

const DEFAULT_LOG_SETTINGS: LogSettings = { format: "json", level: "info" };
// Any string this short cannot exceed the limit even at 3 UTF-8 bytes per UTF-16 unit.
const SURELY_SMALL_LENGTH = Math.floor(MAX_RESPONSE_BYTES / 3);

/** Set by Lambda Managed Instances: how many invocations it may send this process at once. */
export const MAX_CONCURRENCY_VARIABLE = "AWS_LAMBDA_MAX_CONCURRENCY";
/**
 * Most concurrent workers. Each worker keeps one GET /next open, and Bun's fetch runs at most 256
 * requests at once (BUN_CONFIG_MAX_HTTP_REQUESTS); above that, requests queue behind the long polls
 * and a handler's TfL call could wait for an event that never comes. 64 leaves room for every
 * worker's answer POST and downstream calls. Lambda sends no more invocations than there are
 * outstanding GET /next, so a smaller pool only lowers the environment's throughput.
 */
export const MAX_WORKERS = 64;
/**
 * Makes Bun print every fetch with its full URL and headers (the TfL app_key, account-linking bearer
 * tokens) on stdout, straight into CloudWatch. Bun reads it per request ("true", "1" or "curl");
 * deleting it from process.env does not reach Bun, setting it to "false" does.
 */
export const VERBOSE_FETCH_VARIABLE = "BUN_CONFIG_VERBOSE_FETCH";
// setTimeout fires at once for anything longer (about 24.8 days).
const MAX_TIMER_MS = 2_147_483_647;

/** Wraps what a handler threw, so a thrown string is not mistaken for a serialised response. */
class Failure {
  readonly thrown: unknown;

  constructor(thrown: unknown) {
    this.thrown = thrown;
  }
}

/**
 * Runs init once (failure -> POST /runtime/init/error, exit 1), then serves events forever:
 * GET /next -> handler -> POST /response or /error. Only a 500 or a lost Runtime API exits.
 *
 * With AWS_LAMBDA_MAX_CONCURRENCY above 1 (Lambda Managed Instances) that many workers run this
 * cycle at once, each holding its own GET /next (see serveConcurrently); otherwise one loop serves
 * one event at a time. The mode is chosen once, here, so the single loop carries no concurrency cost.
 */
export async function startRuntime<D>(
  handler: Handler<D>,
  init: Init<D>,
  options: RuntimeOptions = {},
): Promise<never> {
  const env = options.env ?? process.env;
  const warmJitPolicy = options.warmJitPolicy ?? NORMAL_JIT_POLICY;
  // A programming error, not a setting: thrown before anything starts, as Bun would throw it later.
  if (!(warmJitPolicy >= NORMAL_JIT_POLICY && warmJitPolicy < Infinity)) {
    throw new RangeError(`warmJitPolicy must be a finite number of at least 1, not ${warmJitPolicy}`);
  }
  const fullCollectionEvery = options.fullCollectionEvery ?? DEFAULT_FULL_COLLECTION_EVERY;
  // Math.floor, not Number.isInteger: module evaluation has already used Math.floor, and nothing else
  // before the first answer would use Number.isInteger (README, Decisions D28).
  if (!(
    fullCollectionEvery === Infinity ||
    (Math.floor(fullCollectionEvery) === fullCollectionEvery && fullCollectionEvery >= 1)
  )) {
    throw new RangeError(
      `fullCollectionEvery must be a whole number of at least 1 or Infinity, not ${fullCollectionEvery}`,
    );
  }
  const exit = options.exit ?? exitProcess;
  const signal = options.signal;
  const redact = createRedactor(options.redact);
  // First of all, before any fetch can print a secret.
  const verboseFetchError = switchOffVerboseFetch(env);

  let settings = DEFAULT_LOG_SETTINGS;
  let workers = 1;
  let settingsError: unknown = verboseFetchError;
  try {
    settings = readLogSettings(env);
  } catch (error) {
    settingsError ??= error;
  }
  try {
    workers = readWorkerCount(env);
  } catch (error) {
    settingsError ??= error;
  }
  // Managed Instances accept only JSON logs, whatever AWS_LAMBDA_LOG_FORMAT says.
  const format = workers > 1 ? "json" : settings.format;
  const log = createLogger({ format, level: settings.level, write: options.write, redact });
  const current: Current = {
    requestId: undefined,
    // Loaded only in concurrency mode, so the one-at-a-time loop neither loads nor pays for it; through
    // getBuiltinModule, because a bundled `import("node:async_hooks")` embeds about 290 KB of module
    // code in the executable, which every start loads (README, Decisions D28).
    store: workers > 1 ? new (asyncHooks().AsyncLocalStorage)<string>() : undefined,
    inFlight: workers > 1 ? new Set() : undefined,
    startingUp: true,
    answersSinceCollection: 0,
  };
  listenForUncaughtErrors(options.process ?? process, log, exit, current);

  const address = env.AWS_LAMBDA_RUNTIME_API;
  if (address === undefined || address === "") {
    log.error("runtime.init.failed", { error: new RuntimeApiError("AWS_LAMBDA_RUNTIME_API is not set") });
    return exit(1);
  }
  const api = createRuntimeApiClient({ address, fetch: options.fetch, signal, log });
  // While init runs: the first GET /next (or POST /init/error) then finds its connection open.
  api.preconnect();

  let deps: D;
  try {
    if (settingsError !== undefined) throw settingsError;
    deps = await init(log);
  } catch (error) {
    log.error("runtime.init.failed", { error });
    let rejection: Rejection | undefined;
    try {
      const diagnostic = toDiagnostic(error, redact);
      rejection = await api.sendInitError(diagnostic, initErrorType(error, diagnostic.errorType));
    } catch (postError) {
      if (signal?.aborted === true) throw signal.reason;
      log.error("runtime.api.failed", { path: INIT_ERROR_PATH, error: postError });
    }
    if (rejection !== undefined) logRejection(log, rejection);
    return exit(1);
  }

  const serving: Serving<D> = {
    api,
    handler,
    deps,
    env,
    functionInfo: readFunctionInfo(env),
    log,
    redact,
    current,
    setJitPolicy: options.setJitPolicy ?? bunSetJitPolicy(),
    warmJitPolicy,
    fullCollectionEvery,
    collectGarbage: options.collectGarbage ?? bunCollectGarbage(),
  };
  const outcome = workers > 1 ? await serveConcurrently(serving, workers) : await serveOneAtATime(serving);
  if (signal?.aborted === true) throw signal.reason;
  log.error("runtime.api.failed", { path: outcome.path, status: outcome.status, error: outcome.error });
  return exit(1);
}

/** What every turn of the loop needs, built once. */
interface Serving<D> {
  readonly api: RuntimeApiClient;
  readonly handler: Handler<D>;
  readonly deps: D;
  readonly env: Record<string, string | undefined>;
  readonly functionInfo: FunctionInfo;
  readonly log: RuntimeLogger;
  readonly redact: Redactor;
  readonly current: Current;
  readonly setJitPolicy: (scale: number) => void;
  readonly warmJitPolicy: number;
  readonly fullCollectionEvery: number;
  readonly collectGarbage: () => void;
}

/**
 * The invocation an uncaught error belongs to: one variable when one event runs at a time, the
 * AsyncLocalStorage of the invocation (`store`) when several overlap. Bun runs uncaughtException
 * listeners in the failing callback's context but unhandledRejection listeners in none, so then the
 * only invocation in flight (`inFlight`) is named, and none when several are.
 */
interface Current {
  requestId: string | undefined;
  readonly store: AsyncLocalStorage<string> | undefined;
  /** Concurrency mode only, as `store`: the one-at-a-time loop builds no Set before its first answer. */
  readonly inFlight: Set<string> | undefined;
  /** True until the first answer (or invocation error) is posted: see restoreJitPolicy. */
  startingUp: boolean;
  /** Answers and invocation errors posted since the last full collection: see collectWhenDue. */
  answersSinceCollection: number;
}

interface Fatal {
  readonly path: string;
  readonly status: number | undefined;
  readonly error: unknown;
}

/** On-demand Lambda: one event at a time, until the Runtime API is lost. */
async function serveOneAtATime<D>(serving: Serving<D>): Promise<Fatal> {
  for (;;) {
    const outcome = await serveOne(serving);
    if (outcome !== undefined) return outcome;
  }
}

/** One turn of the single loop; resolves to a Fatal when the Runtime API is lost and the process must exit. */
async function serveOne<D>(serving: Serving<D>): Promise<Fatal | undefined> {
  const { api, env, current } = serving;
  let next;
  try {
    next = await api.nextInvocation();
  } catch (error) {
    return fatal(NEXT_PATH, error);
  }
  const context = contextOf(serving, next);
  if (!(context instanceof LambdaInvocationContext)) return context;
  // Set and unset on every event: a stale trace id would tie this invocation to the previous trace.
  // Only this loop may do it: with overlapping invocations the variable would belong to none of them.
  if (context.traceId === undefined) delete env._X_AMZN_TRACE_ID;
  else env._X_AMZN_TRACE_ID = context.traceId;
  current.requestId = context.awsRequestId;
  const result = await invoke(serving.handler, next.body, context, serving.deps);
  current.requestId = undefined;
  return answer(serving, next, context, result);
}

/**
 * Lambda Managed Instances: `workers` loops share the process, each its own GET /next -> handler ->
 * POST cycle, so a slow handler holds one worker, never the others. Bun's fetch opens a connection
 * per outstanding request (no pipelining), so one worker's long poll cannot block another's POST.
 * Per-invocation facts live on the context only (the trace id never goes into `_X_AMZN_TRACE_ID`),
 * and Lambda does not end a late invocation there, so each one is ended at its deadline here. The
 * first worker to lose the Runtime API ends the process, as AWS's Node.js runtime client does: the
 * others would only fail the same way.
 */
async function serveConcurrently<D>(serving: Serving<D>, workers: number): Promise<Fatal> {
  serving.log.info("runtime.concurrency", { workers });
  const { promise: lost, resolve } = Promise.withResolvers<Fatal>();
  const store = serving.current.store;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped) {
      let next: NextInvocation;
      try {
        next = await serving.api.nextInvocation();
      } catch (error) {
        stopped = true;
        resolve(fatal(NEXT_PATH, error));
        return;
      }
      const outcome = await serveConcurrentOne(serving, next, store);
      if (outcome !== undefined) {
        stopped = true;
        resolve(outcome);
      }
    }
  };
  for (let index = 0; index < workers; index += 1) void worker();
  return lost;
}

async function serveConcurrentOne<D>(
  serving: Serving<D>,
  next: NextInvocation,
  store: AsyncLocalStorage<string> | undefined,
): Promise<Fatal | undefined> {
  const context = contextOf(serving, next);
  if (!(context instanceof LambdaInvocationContext)) return context;
  const requestId = context.awsRequestId;
  const run = (): Promise<string | Failure> => invokeByDeadline(serving.handler, next.body, context, serving.deps);
  const { inFlight } = serving.current;
  inFlight?.add(requestId);
  const result = store === undefined ? await run() : await store.run(requestId, run);
  inFlight?.delete(requestId);
  return answer(serving, next, context, result);
}

/** The context of the event GET /next delivered; a Fatal when it came without a request id. */
function contextOf<D>(serving: Serving<D>, next: NextInvocation): LambdaInvocationContext | Fatal {
  const requestId = next.headers.get(REQUEST_ID_HEADER);
  if (requestId === null || requestId === "") {
    return fatal(NEXT_PATH, new RuntimeApiError("GET /next answered without Lambda-Runtime-Aws-Request-Id"));
  }
  return new LambdaInvocationContext(requestId, next.headers, serving.functionInfo, serving.log);
}

/**
 * invoke, but settled at the context's deadline at the latest: a handler still running then is
 * reported as Runtime.Timeout, and whatever it produces later is logged and dropped, never posted.
 */
async function invokeByDeadline<D>(
  handler: Handler<D>,
  body: string,
  context: LambdaInvocationContext,
  deps: D,
): Promise<string | Failure> {
  const work = invoke(handler, body, context, deps);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, Math.min(MAX_TIMER_MS, Math.max(0, context.deadlineMs - Date.now())), TIMED_OUT);
  });
  const first = await Promise.race([work, deadline]);
  clearTimeout(timer);
  if (first !== TIMED_OUT) return first;
  void work.then(() => context.log.warn("runtime.invocation.late", {}));
  return new Failure(new InvocationTimeoutError("The handler was still running at the invocation's deadline"));
}

const TIMED_OUT = Symbol("timed out");

/** Posts the result (or the failure) of one invocation, echoing its Invocation-Id. */
async function answer<D>(
  serving: Serving<D>,
  next: NextInvocation,
  context: LambdaInvocationContext,
  result: string | Failure,
): Promise<Fatal | undefined> {
  const { api } = serving;
  const requestId = context.awsRequestId;
  const invocationId = headerValue(next.headers, INVOCATION_ID_HEADER);
  let rejection: Rejection | undefined;
  try {
    if (typeof result === "string") {
      rejection = await api.sendResponse(requestId, result, invocationId);
    } else {
      const diagnostic = toDiagnostic(result.thrown, serving.redact);
      const errorType = invocationErrorType(diagnostic.errorType);
      context.log.error("runtime.invocation.failed", { errorType, errorMessage: diagnostic.errorMessage });
      rejection = await api.sendInvocationError(requestId, diagnostic, errorType, invocationId);
    }
  } catch (error) {
    return fatal(invocationPath(requestId, typeof result === "string" ? "response" : "error"), error);
  }
  if (rejection !== undefined) logRejection(context.log, rejection);
  if (serving.current.startingUp) restoreJitPolicy(serving);
  await context.runAfterResponse();
  collectWhenDue(serving);
  return undefined;
}

/** node:async_hooks, loaded when first asked for (Bun, and Node.js from 20.16 for the bench's bundle). */
function asyncHooks(): typeof import("node:async_hooks") {
  return process.getBuiltinModule("node:async_hooks");
}

/** Bun's JIT policy switch; under another runtime (the bench also runs the skill on Node.js) a no-op. */
function bunSetJitPolicy(): (scale: number) => void {
  const bun = (globalThis as { Bun?: typeof Bun }).Bun;
  return bun === undefined ? () => undefined : (scale) => bun.unsafe.setJITPolicy(scale);
}

/** Bun's synchronous full collection; under another runtime a no-op. */
function bunCollectGarbage(): () => void {
  const bun = (globalThis as { Bun?: typeof Bun }).Bun;
  return bun === undefined ? () => undefined : () => bun.gc(true);
}

/**
 * Ends the start-up JIT policy once the first answer is posted. The executable starts with the JIT's
 * tier-up thresholds scaled up (`--compile-jit-policy`, src/dev/base/build-plan.ts), so code that
 * runs once per sandbox (module evaluation, init, the first request) is interpreted, not compiled.
 * From the second invocation on the sandbox is warm and the warm policy applies: the normal one (1)
 * unless the entry chose a more reluctant one (`warmJitPolicy`).
 */
function restoreJitPolicy<D>(serving: Serving<D>): void {
  serving.current.startingUp = false;
  serving.setJitPolicy(serving.warmJitPolicy);
}

/**
 * Runs a full garbage collection every `fullCollectionEvery` posted answers, after the answer and its
 * after-response tasks, so this invocation's caller does not wait for it and the sandbox is not yet
 * frozen (Lambda freezes it only once the runtime asks for the next event). With several invocations
 * in flight (concurrency mode) the others pause for its 2-3 ms.
 */
function collectWhenDue<D>(serving: Serving<D>): void {
  const { current } = serving;
  current.answersSinceCollection += 1;
  if (current.answersSinceCollection < serving.fullCollectionEvery) return;
  current.answersSinceCollection = 0;
  serving.collectGarbage();
}

/** Parses the event, runs the handler and serialises its result; every failure becomes a Failure. */
async function invoke<D>(
  handler: Handler<D>,
  body: string,
  context: InvocationContext,
  deps: D,
): Promise<string | Failure> {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch (error) {
    return new Failure(new InvalidEventError("The event body is not JSON", { cause: error }));
  }
  let value: unknown;
  try {
    value = await handler(event, context, deps);
  } catch (thrown) {
    return new Failure(thrown);
  }
  let serialised: string | undefined;
  try {
    serialised = JSON.stringify(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new Failure(new UnserializableResponseError(`The result cannot be serialised as JSON: ${reason}`));
  }
  // undefined (and a bare function or symbol) has no JSON form: post `null`, which is what callers of a
  // Node.js function that returns nothing receive too.
  if (serialised === undefined) return "null";
  if (serialised.length > SURELY_SMALL_LENGTH) {
    const bytes = utf8Length(serialised);
    if (bytes > MAX_RESPONSE_BYTES) {
      return new Failure(
        new ResponseTooLargeError(`The response is ${bytes} bytes; Lambda accepts at most ${MAX_RESPONSE_BYTES}`),
      );
    }
  }
  return serialised;
}

/**
 * Kept out of `invoke` on purpose: JavaScriptCore resolves the globals a function names when it first
 * links the function, and naming Bun's lazily built `Buffer` there cost every cold start about 1 ms
 * (instrumented build, README, Decisions D28), although the long-response branch almost never runs.
 */
function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function fatal(path: string, error: unknown): Fatal {
  return { path, status: error instanceof RuntimeApiError ? error.status : undefined, error };
}

/** 410 Gone: Lambda already ended this invocation (its deadline passed); the answer is dropped. */
const GONE = 410;

function logRejection(log: Logger, rejection: Rejection): void {
  const fields = { status: rejection.status, path: rejection.path, body: rejection.body };
  if (rejection.status === GONE) log.warn("runtime.invocation.stale", fields);
  else log.error("runtime.api.rejected", fields);
}

/**
 * An error nobody caught (a throw in a timer callback, a promise nobody awaited) leaves the process in
 * an unknown state. Like AWS's own runtime clients, the runtime reports it and exits; Lambda then
 * records the invocations in flight as Runtime.ExitError and starts a fresh environment. The report is
 * one redacted JSON line (the logger's), with the invocation's requestId when known, never Bun's
 * multi-line dump of source and unredacted message.
 */
function listenForUncaughtErrors(
  on: ProcessEvents,
  log: RuntimeLogger,
  exit: (code: number) => never,
  current: Current,
): void {
  const report = (event: string) => (error: unknown) => {
    const requestId = current.store?.getStore() ?? current.requestId ?? onlyOne(current.inFlight);
    const fields: Record<string, unknown> = { error: describeThrown(error) };
    if (requestId !== undefined) fields.requestId = requestId;
    log.error(event, fields);
    exit(1);
  };
  on.on("uncaughtException", report("runtime.uncaughtException"));
  on.on("unhandledRejection", report("runtime.unhandledRejection"));
}

function onlyOne(requestIds: ReadonlySet<string> | undefined): string | undefined {
  if (requestIds?.size !== 1) return undefined;
  for (const requestId of requestIds) return requestId;
  return undefined;
}

function describeThrown(thrown: unknown): { name: string; message: string } {
  try {
    if (thrown instanceof Error) return { name: String(thrown.name), message: String(thrown.message) };
    return { name: "NonError", message: typeof thrown === "string" ? thrown : String(thrown) };
  } catch {
    return { name: "NonError", message: "The thrown value could not be read" };
  }
}

/**
 * Bun prints every fetch's URL and headers while BUN_CONFIG_VERBOSE_FETCH is on. Switched off at once
 * (before any request) and refused as an init error naming the variable: a function that would leak
 * the TfL key or a user's token into its logs must not start, and the setting has no use in Lambda.
 */
function switchOffVerboseFetch(env: Record<string, string | undefined>): RuntimeSettingError | undefined {
  const value = env[VERBOSE_FETCH_VARIABLE]?.trim();
  if (value === undefined || value === "" || value === "false" || value === "0") return undefined;
  env[VERBOSE_FETCH_VARIABLE] = "false";
  return new RuntimeSettingError(
    VERBOSE_FETCH_VARIABLE,
    `${VERBOSE_FETCH_VARIABLE} makes Bun print every request's URL and headers, secrets included; remove it from the function's environment`,
  );
}

/** AWS_LAMBDA_MAX_CONCURRENCY as a worker count: 1 when unset, at most MAX_WORKERS. */
export function readWorkerCount(env: Record<string, string | undefined>): number {
  const raw = env[MAX_CONCURRENCY_VARIABLE]?.trim();
  if (raw === undefined || raw === "") return 1;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new RuntimeSettingError(
      MAX_CONCURRENCY_VARIABLE,
      `${MAX_CONCURRENCY_VARIABLE} is ${JSON.stringify(raw.slice(0, 40))}; expected a whole number of at least 1`,
    );
  }
  return Math.min(Number(raw), MAX_WORKERS);
}

function exitProcess(code: number): never {
  return process.exit(code);
}
