import type { Diagnostic } from "./diagnostic.ts";
import { INVOCATION_ID_HEADER } from "./context.ts";
import { RuntimeApiError } from "./errors.ts";
import type { Logger } from "./logger.ts";

/**
 * The slice of fetch the client uses; tests pass a stub, production the global fetch. `preconnect` is
 * Bun's `fetch.preconnect` (Node.js's fetch has none, and a stub may leave it out).
 */
export type RuntimeFetch = ((url: string, init: BunFetchRequestInit) => Promise<Response>) & {
  readonly preconnect?: ((url: string) => void) | undefined;
};

/** One event from GET /next: its headers (context) and raw body (JSON text). */
export interface NextInvocation {
  readonly headers: Headers;
  readonly body: string;
}

/**
 * A 4xx answer to a POST: our own bug (400, 403), an oversized response (413) or a stale invocation
 * (410: the Invocation-Id we echoed belongs to an invocation Lambda already ended). The loop goes on.
 */
export interface Rejection {
  readonly status: number;
  readonly path: string;
  readonly body: string;
}

/** One function per Runtime API endpoint (README, Decisions D16); throws RuntimeApiError when fatal. */
export interface RuntimeApiClient {
  /**
   * Opens the connection the first request will use, without sending anything on it, so that the
   * start of Bun's HTTP thread and the TCP handshake overlap init instead of following it (README,
   * Decisions D28). Never throws: an address no request could use fails the first request, which
   * reports it as the runtime always has.
   */
  preconnect(): void;
  nextInvocation(): Promise<NextInvocation>;
  /** `invocationId` is the GET /next Lambda-Runtime-Invocation-Id, echoed when Lambda sent one. */
  sendResponse(requestId: string, body: string, invocationId?: string): Promise<Rejection | undefined>;
  /** `errorType` goes in Lambda-Runtime-Function-Error-Type (Category.Reason); the body keeps its own. */
  sendInvocationError(
    requestId: string,
    diagnostic: Diagnostic,
    errorType: string,
    invocationId?: string,
  ): Promise<Rejection | undefined>;
  sendInitError(diagnostic: Diagnostic, errorType: string): Promise<Rejection | undefined>;
}

/** Options of createRuntimeApiClient; `address` is AWS_LAMBDA_RUNTIME_API ("host:port"). */
export interface RuntimeApiClientOptions {
  readonly address: string;
  readonly fetch?: RuntimeFetch | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Told about a connection reset that is being retried ("runtime.api.reset"). */
  readonly log?: Logger | undefined;
}

/** The only Runtime API version Lambda serves. */
const API_VERSION = "/2018-06-01";
/** GET: the long poll for the next event. */
export const NEXT_PATH = `${API_VERSION}/runtime/invocation/next`;
/** POST: a failed init, after which the runtime exits. */
export const INIT_ERROR_PATH = `${API_VERSION}/runtime/init/error`;

const JSON_CONTENT_TYPE = "application/json";
const RESPONSE_HEADERS: Readonly<Record<string, string>> = { "Content-Type": JSON_CONTENT_TYPE };
const ERROR_CONTENT_TYPE = "application/vnd.aws.lambda.error+json";
const ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";
const MAX_BODY_IN_LOG = 1024;
const RESET_MESSAGE = /socket (connection )?(was )?closed|connection (was )?reset|connection closed/i;

/**
 * Builds the Runtime API client. URLs are built once; every call passes `timeout: false`, because
 * Bun's fetch otherwise drops a request idle for 5 minutes and the sandbox may stay frozen longer
 * (README, Decisions D16). A connection reset is retried once at once: Lambda closes idle sockets
 * while the sandbox is frozen, so a pooled connection can be dead on thaw (measured in a trial build).
 */
export function createRuntimeApiClient(options: RuntimeApiClientOptions): RuntimeApiClient {
  const origin = `http://${options.address}`;
  const fetchFn: RuntimeFetch = options.fetch ?? fetch;
  const signal = options.signal;
  const log = options.log;
  const nextUrl = origin + NEXT_PATH;
  const nextInit: BunFetchRequestInit = signal === undefined ? { timeout: false } : { timeout: false, signal };

  async function post(
    path: string,
    body: string,
    headers: Readonly<Record<string, string>>,
  ): Promise<Rejection | undefined> {
    const init: BunFetchRequestInit =
      signal === undefined
        ? { method: "POST", body, headers, timeout: false }
        : { method: "POST", body, headers, timeout: false, signal };
    const response = await fetchWithRetry("POST", path, origin + path, init);
    const status = response.status;
    if (status >= 200 && status <= 299) return undefined;
    const answer = await readText(response);
    if (status >= 500) throw new RuntimeApiError(`POST ${path} answered ${status}: ${answer}`, { status });
    return { status, path, body: answer };
  }

  async function fetchWithRetry(
    method: string,
    path: string,
    url: string,
    init: BunFetchRequestInit,
  ): Promise<Response> {
    try {
      return await fetchFn(url, init);
    } catch (first) {
      if (signal?.aborted === true || !isConnectionReset(first)) throw apiError(method, path, "failed", first, signal);
      log?.warn("runtime.api.reset", { method, path, error: first });
      try {
        return await fetchFn(url, init);
      } catch (second) {
        throw apiError(method, path, "failed again after a connection reset", second, signal);
      }
    }
  }

  /**
   * Returns (the caller asks again) for the first connection reset of one GET /next, logged; throws
   * anything else, and a second reset, as fatal.
   */
  function retryNextAfter(error: unknown, what: string, retried: boolean): void {
    if (signal?.aborted === true || !isConnectionReset(error)) throw apiError("GET", NEXT_PATH, what, error, signal);
    if (retried) throw apiError("GET", NEXT_PATH, "failed again after a connection reset", error, signal);
    log?.warn("runtime.api.reset", { method: "GET", path: NEXT_PATH, error });
  }

  return {
    preconnect(): void {
      try {
        fetchFn.preconnect?.(`${origin}/`);
      } catch {
        // An invalid URL: GET /next or POST /init/error throws the RuntimeApiError that names it.
      }
    },

    /**
     * One GET /next. A connection reset, while asking or while reading the event, is retried once in
     * all: the event was not received and Lambda hands it out again; a second reset is fatal.
     */
    async nextInvocation(): Promise<NextInvocation> {
      for (let retried = false; ; retried = true) {
        let response: Response;
        try {
          response = await fetchFn(nextUrl, nextInit);
        } catch (error) {
          retryNextAfter(error, "failed", retried);
          continue;
        }
        if (response.status < 200 || response.status > 299) {
          const body = await readText(response);
          throw new RuntimeApiError(`GET ${NEXT_PATH} answered ${response.status}: ${body}`, {
            status: response.status,
          });
        }
        try {
          return { headers: response.headers, body: await response.text() };
        } catch (error) {
          retryNextAfter(error, "failed while reading the event", retried);
        }
      }
    },

    sendResponse(requestId: string, body: string, invocationId?: string): Promise<Rejection | undefined> {
      const headers =
        invocationId === undefined
          ? RESPONSE_HEADERS
          : // Written out, not spread from RESPONSE_HEADERS: no object spread before the first answer (D28).
            { "Content-Type": JSON_CONTENT_TYPE, [INVOCATION_ID_HEADER]: invocationId };
      return post(invocationPath(requestId, "response"), body, headers);
    },

    sendInvocationError(
      requestId: string,
      diagnostic: Diagnostic,
      errorType: string,
      invocationId?: string,
    ): Promise<Rejection | undefined> {
      const headers = errorHeaders(errorType);
      if (invocationId !== undefined) headers[INVOCATION_ID_HEADER] = invocationId;
      return post(invocationPath(requestId, "error"), JSON.stringify(diagnostic), headers);
    },

    sendInitError(diagnostic: Diagnostic, errorType: string): Promise<Rejection | undefined> {
      return post(INIT_ERROR_PATH, JSON.stringify(diagnostic), errorHeaders(errorType));
    },
  };
}

/** The path of POST /runtime/invocation/{id}/response or /error. */
export function invocationPath(requestId: string, kind: "response" | "error"): string {
  return `${API_VERSION}/runtime/invocation/${requestId}/${kind}`;
}

/** True for a socket the peer closed or reset (worth one retry), false for a refused connection. */
export function isConnectionReset(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && isResetCode(code)) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === "string" && RESET_MESSAGE.test(message);
}

/**
 * Bun reports a socket the peer closed as ECONNRESET ("The socket connection was closed unexpectedly").
 * A switch, not a Set: no Set is built before the first answer (README, Decisions D28).
 */
function isResetCode(code: string): boolean {
  switch (code) {
    case "ECONNRESET":
    case "EPIPE":
    case "ECONNABORTED":
    case "ConnectionClosed":
    case "ConnectionReset":
      return true;
    default:
      return false;
  }
}

function errorHeaders(errorType: string): Record<string, string> {
  return { "Content-Type": ERROR_CONTENT_TYPE, [ERROR_TYPE_HEADER]: errorType };
}

function apiError(
  method: string,
  path: string,
  what: string,
  cause: unknown,
  signal: AbortSignal | undefined,
): unknown {
  // An abort asked for by the caller (tests stopping the loop) is passed through untouched.
  if (signal?.aborted === true) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new RuntimeApiError(`${method} ${path} ${what}: ${detail}`, { cause });
}

async function readText(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.length > MAX_BODY_IN_LOG ? `${text.slice(0, MAX_BODY_IN_LOG)}…` : text;
  } catch {
    return "";
  }
}
