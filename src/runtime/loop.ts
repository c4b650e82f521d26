import { createRuntimeApiClient, INIT_ERROR_PATH, invocationPath, NEXT_PATH } from "./api-client.ts";
import type { RuntimeApiClient, RuntimeFetch, Rejection } from "./api-client.ts";
import { LambdaInvocationContext, readFunctionInfo, REQUEST_ID_HEADER } from "./context.ts";
import type { FunctionInfo, InvocationContext } from "./context.ts";
import { toDiagnostic } from "./diagnostic.ts";
import { InvalidEventError, ResponseTooLargeError, RuntimeApiError, UnserializableResponseError } from "./errors.ts";
import { createLogger, readLogSettings } from "./logger.ts";
import type { LogSettings, RuntimeLogger } from "./logger.ts";
import { createRedactor, type Redactor } from "./redact.ts";

/** Handles one event; whatever it resolves to is posted as JSON (`undefined` becomes `null`). */
export type Handler<D> = (event: unknown, context: InvocationContext, deps: D) => Promise<unknown>;

/** Runs once before the first event and builds the handler's dependencies. */
export type Init<D> = (log: RuntimeLogger) => Promise<D> | D;

/** Seams that let tests run the loop in-process; production passes none of them. */
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
}

/** Lambda's buffered response limit: 6 MiB + 100 bytes (README, Decisions D18). */
export const MAX_RESPONSE_BYTES = 6_291_556;

const DEFAULT_LOG_SETTINGS: LogSettings = { format: "json", level: "info" };
// Any string this short cannot exceed the limit even at 3 UTF-8 bytes per UTF-16 unit.
const SURELY_SMALL_LENGTH = Math.floor(MAX_RESPONSE_BYTES / 3);

/** Wraps what a handler threw, so a thrown string is not mistaken for a serialised response. */
class Failure {
  readonly thrown: unknown;

  constructor(thrown: unknown) {
    this.thrown = thrown;
  }
}

/**
 * Runs init once (failure -> POST /runtime/init/error, exit 1), then loops forever over
 * GET /next -> handler -> POST /response or /error. Only a 500 or a lost Runtime API exits.
 */
export async function startRuntime<D>(
  handler: Handler<D>,
  init: Init<D>,
  options: RuntimeOptions = {},
): Promise<never> {
  const env = options.env ?? process.env;
  const exit = options.exit ?? exitProcess;
  const signal = options.signal;
  const redact = createRedactor(options.redact);

  let settings = DEFAULT_LOG_SETTINGS;
  let settingsError: unknown;
  try {
    settings = readLogSettings(env);
  } catch (error) {
    settingsError = error;
  }
  const log = createLogger({ ...settings, write: options.write, redact });

  const address = env.AWS_LAMBDA_RUNTIME_API;
  if (address === undefined || address === "") {
    log.error("runtime.init.failed", { error: new RuntimeApiError("AWS_LAMBDA_RUNTIME_API is not set") });
    return exit(1);
  }
  const api = createRuntimeApiClient({ address, fetch: options.fetch, signal, log });

  let deps: D;
  try {
    if (settingsError !== undefined) throw settingsError;
    deps = await init(log);
  } catch (error) {
    log.error("runtime.init.failed", { error });
    let rejection: Rejection | undefined;
    try {
      rejection = await api.sendInitError(toDiagnostic(error, redact));
    } catch (postError) {
      if (signal?.aborted === true) throw signal.reason;
      log.error("runtime.api.failed", { path: INIT_ERROR_PATH, error: postError });
    }
    if (rejection !== undefined) logRejection(log, rejection);
    return exit(1);
  }

  const functionInfo = readFunctionInfo(env);
  for (;;) {
    const outcome = await serveOne(api, handler, deps, env, functionInfo, log, redact);
    if (outcome !== undefined) {
      if (signal?.aborted === true) throw signal.reason;
      log.error("runtime.api.failed", { path: outcome.path, status: outcome.status, error: outcome.error });
      return exit(1);
    }
  }
}

interface Fatal {
  readonly path: string;
  readonly status: number | undefined;
  readonly error: unknown;
}

/** One turn of the loop; resolves to a Fatal when the Runtime API is lost and the process must exit. */
async function serveOne<D>(
  api: RuntimeApiClient,
  handler: Handler<D>,
  deps: D,
  env: Record<string, string | undefined>,
  functionInfo: FunctionInfo,
  log: RuntimeLogger,
  redact: Redactor,
): Promise<Fatal | undefined> {
  let next;
  try {
    next = await api.nextInvocation();
  } catch (error) {
    return fatal(NEXT_PATH, error);
  }
  const requestId = next.headers.get(REQUEST_ID_HEADER);
  if (requestId === null || requestId === "") {
    return fatal(NEXT_PATH, new RuntimeApiError("GET /next answered without Lambda-Runtime-Aws-Request-Id"));
  }
  const context = new LambdaInvocationContext(requestId, next.headers, functionInfo, log);
  // Set and unset on every event: a stale trace id would tie this invocation to the previous trace.
  if (context.traceId === undefined) delete env._X_AMZN_TRACE_ID;
  else env._X_AMZN_TRACE_ID = context.traceId;
  const result = await invoke(handler, next.body, context, deps);
  let rejection: Rejection | undefined;
  try {
    if (typeof result === "string") {
      rejection = await api.sendResponse(requestId, result);
    } else {
      const diagnostic = toDiagnostic(result.thrown, redact);
      context.log.error("runtime.invocation.failed", {
        errorType: diagnostic.errorType,
        errorMessage: diagnostic.errorMessage,
      });
      rejection = await api.sendInvocationError(requestId, diagnostic);
    }
  } catch (error) {
    return fatal(invocationPath(requestId, typeof result === "string" ? "response" : "error"), error);
  }
  if (rejection !== undefined) logRejection(context.log, rejection);
  return undefined;
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
    const bytes = Buffer.byteLength(serialised, "utf8");
    if (bytes > MAX_RESPONSE_BYTES) {
      return new Failure(
        new ResponseTooLargeError(`The response is ${bytes} bytes; Lambda accepts at most ${MAX_RESPONSE_BYTES}`),
      );
    }
  }
  return serialised;
}

function fatal(path: string, error: unknown): Fatal {
  return { path, status: error instanceof RuntimeApiError ? error.status : undefined, error };
}

function logRejection(log: RuntimeLogger, rejection: Rejection): void {
  log.error("runtime.api.rejected", { status: rejection.status, path: rejection.path, body: rejection.body });
}

function exitProcess(code: number): never {
  return process.exit(code);
}
