/**
 * The one way our clients GET JSON: ky for the request pipeline and retries, a per-call budget
 * enforced by one AbortController whose single timer is cleared when the call ends (no timer
 * outlives the call; Lambda freezes the sandbox after each response), capped bodies, no redirects,
 * valibot validation, and errors that never carry a URL, query string or header.
 */
import type { Logger } from "./logger.ts";
import type { KyInstance, Options as KyOptions } from "ky";
import * as v from "valibot";
import { BodyTooLargeError, cancelQuietly, readCappedBody } from "./body.ts";
import { BudgetExceededError, isClientError, UpstreamError, UpstreamSchemaError } from "./errors.ts";
import { sanitizeError } from "./redact.ts";
import { createRetryPolicy, planRetry } from "./retry-policy.ts";
import type { AttemptFailure, RetryOptions } from "./retry-policy.ts";

/** Epoch ms by which the call must have finished, retries and body included. */
export interface Budget {
  readonly deadline: number;
  /** The invocation's logger; clients log through it so lines carry the requestId (default: the client's). */
  readonly log?: Logger | undefined;
  /** Present when tracing is on: the call gets a client span and sends its `traceparent`. */
  readonly trace?: ClientTrace | undefined;
}

/** Starts a client span per call (declared here so the HTTP room imports no tracer). */
export interface ClientTrace {
  startClientSpan(
    operation: string,
    url: string,
  ): { readonly traceparent: string; end(status: number | undefined, error: unknown): void };
}

/** The subset of `fetch` we call; `globalThis.fetch` fits, and so does a test double. */
export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

/** Built once per upstream at init. */
export interface JsonClientOptions {
  /** Absolute base URL; request paths are appended to it (its own path is kept). */
  readonly baseUrl: string;
  /** Whole User-Agent value, e.g. `london-travel/1.2.3` (main.ts builds it from package.json). */
  readonly userAgent: string;
  readonly fetch?: FetchLike | undefined;
  /** Clock for budgets (epoch ms); defaults to `Date.now`. */
  readonly now?: (() => number) | undefined;
  readonly retry?: RetryOptions | undefined;
  /** Largest body accepted; default 2 MiB. */
  readonly maxBodyBytes?: number | undefined;
  /** Literal values scrubbed from every error this client builds (e.g. the TfL app key). */
  readonly secrets?: readonly string[] | undefined;
}

/** One GET. `path` is relative to the base URL and already percent-encoded. */
export interface JsonRequest<TSchema extends v.GenericSchema> {
  readonly path: string;
  /** Names the call in errors and logs, e.g. "GET Line/victoria/Status"; must hold no secret. */
  readonly operation: string;
  readonly schema: TSchema;
  readonly budget: Budget;
  readonly searchParams?: Readonly<Record<string, string>> | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Per-call secrets (e.g. an access token) scrubbed from errors. */
  readonly secrets?: readonly string[] | undefined;
}

/** A validated 2xx answer. */
export interface JsonResult<T> {
  readonly data: T;
  readonly status: number;
  readonly headers: Headers;
  /** Requests sent, retries included. */
  readonly attempts: number;
}

/** GETs JSON within a budget; throws UpstreamError, UpstreamSchemaError or BudgetExceededError. */
export interface JsonClient {
  getJson<const TSchema extends v.GenericSchema>(
    request: JsonRequest<TSchema>,
  ): Promise<JsonResult<v.InferOutput<TSchema>>>;
}

/** Default cap on a response body: TfL's largest status answers are a few hundred KB. */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
const MAX_ISSUES_IN_MESSAGE = 3;

/**
 * ky's module. It is imported on the first upstream call, never at start-up: evaluating it probes
 * the platform (it builds a Request with a ReadableStream body, among others), which cost a cold
 * start about 1 ms of the first launch answer, and a launch request never calls upstream.
 */
type Ky = typeof import("ky");

/** Creates the ky instance for one upstream and returns its budgeted JSON GET. */
export function createJsonClient(options: JsonClientOptions): JsonClient {
  const now = options.now ?? Date.now;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const policy = createRetryPolicy(options.retry);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const clientSecrets = options.secrets ?? [];
  // Made on the first call like ky (below): a TextDecoder at init is one more native object and its
  // code paged in before the first answer, which never needs it.
  let decoder: TextDecoder | undefined;

  // Created on the first call, not at init: a launch request never calls upstream, and ky.create
  // measured ~0.25 ms of a cold start per client.
  let ky: Ky | undefined;
  let api: KyInstance | undefined;
  const createApi = (loaded: Ky): KyInstance =>
    loaded.default.create({
      prefix: options.baseUrl,
      // Bypassed: ky's `timeout` bounds each attempt, not the call; the budget's one AbortController
      // bounds every attempt, backoff and body read together (see getJson).
      timeout: false,
      // Bypassed: neither TfL nor the skill API redirects a valid GET, and following one would send the
      // query (TfL's app_key) or the Authorization header (the user's access token) wherever Location
      // points. A 3xx is reported as an upstream error instead (see `attempt`).
      redirect: "manual",
      headers: { "user-agent": options.userAgent, accept: "application/json" },
      retry: { limit: policy.limit, methods: ["get"], jitter: undefined, backoffLimit: Number.POSITIVE_INFINITY },
      // No beforeError hook: ky 2's error messages hold the full URL, query string and app_key
      // included, but no ky error ever leaves getJson (toClientError builds ours, keeping only a
      // sanitised cause), and an instance hook measured ~3.5 MiB more RSS after 1,000 calls.
    });

  async function getJson<const TSchema extends v.GenericSchema>(
    request: JsonRequest<TSchema>,
  ): Promise<JsonResult<v.InferOutput<TSchema>>> {
    const { operation } = request;
    const secrets = request.secrets === undefined ? clientSecrets : [...clientSecrets, ...request.secrets];
    const budgetMs = request.budget.deadline - now();
    if (!(budgetMs > 0)) throw new BudgetExceededError(operation, 0, 0);
    const loaded = (ky ??= await import("ky"));

    // One controller and one timer per call, covering every attempt, backoff and body read, and
    // cleared in `finally`. `AbortSignal.timeout` would outlive the call (measured over 10,000
    // loopback calls: ~550 live signals, ~7 MiB more RSS); ky's `timeout` bounds one attempt only.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), budgetMs);
    const call: CallState = { attempts: 0, plannedDelayMs: 0, giveUpReason: undefined, body: undefined };

    const attempt = async (input: string | URL | Request): Promise<Response> => {
      call.attempts += 1;
      call.body = undefined;
      const response = await fetchImpl(input instanceof Request ? input : new Request(input.toString()), {
        signal: controller.signal,
        redirect: "manual",
      });
      if (response.status >= 300 && response.status < 400) {
        await cancelQuietly(response.body);
        throw new UpstreamError(operation, `redirect (${response.status}) not followed`, {
          status: response.status,
          attempts: call.attempts,
        });
      }
      if (!response.ok) {
        // Bypassed: ky buffers up to 10 MB of an error body into HTTPError#data, and no error of ours
        // carries upstream text (it could echo a secret); so ky gets the status and headers only
        // (Retry-After stays visible to the retry policy) and the body is cancelled unread.
        await cancelQuietly(response.body);
        return new Response(null, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      }
      // Bypassed: ky's `.json()` / `parseJson` read the body after ky's retries are over and without a
      // size cap. Reading it here, capped, makes a connection reset mid-body an attempt failure that
      // ky retries like any other; valibot then checks the parsed JSON (parseJsonBody) so a schema
      // error names the path and type, never the value.
      // The bytes are parked in the call's state, not in the Response handed back to ky: a Response
      // wrapping them would only be read back out again (a second copy of up to maxBodyBytes), and
      // `finally` drops them when the call ends.
      call.body = await readCappedBody(response, maxBodyBytes);
      return new Response(null, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };

    const kyOptions: KyOptions = {
      fetch: attempt,
      retry: {
        shouldRetry: ({ error, retryCount }) => {
          if (controller.signal.aborted) return false;
          const remaining = request.budget.deadline - now();
          const decision = planRetry(classifyFailure(loaded, error), retryCount, remaining, policy, now());
          if (!decision.retry) {
            call.giveUpReason = decision.reason;
            return false;
          }
          call.plannedDelayMs = decision.delayMs;
          return true;
        },
        delay: () => call.plannedDelayMs,
      },
    };
    if (request.searchParams !== undefined) kyOptions.searchParams = { ...request.searchParams };
    if (request.headers !== undefined) kyOptions.headers = { ...request.headers };
    // One span per call, retries included; the URL recorded has no query (TfL's key travels there).
    const span = request.budget.trace?.startClientSpan(operation, `${options.baseUrl}${request.path}`);
    if (span !== undefined) kyOptions.headers = { ...request.headers, traceparent: span.traceparent };

    try {
      api ??= createApi(loaded);
      const response = await api.get(request.path, kyOptions);
      const body = call.body ?? new Uint8Array(0);
      const data = parseJsonBody(
        (decoder ??= new TextDecoder()).decode(body),
        request.schema,
        operation,
        response.status,
        call.attempts,
      );
      span?.end(response.status, undefined);
      return { data, status: response.status, headers: response.headers, attempts: call.attempts };
    } catch (error) {
      const failure = toClientError(loaded, error, {
        operation,
        budgetMs,
        call,
        aborted: controller.signal.aborted,
        secrets,
        maxBodyBytes,
      });
      span?.end((failure as { status?: number }).status, failure);
      throw failure;
    } finally {
      clearTimeout(timer);
      call.body = undefined;
    }
  }

  return { getJson };
}

interface CallState {
  attempts: number;
  plannedDelayMs: number;
  giveUpReason: string | undefined;
  body: Uint8Array | undefined;
}

/** ky's type guards for its own errors. */
type KyGuards = Pick<Ky, "isHTTPError" | "isNetworkError">;

function classifyFailure(ky: KyGuards, error: Error): AttemptFailure {
  if (ky.isHTTPError(error)) {
    return { kind: "status", status: error.response.status, retryAfter: error.response.headers.get("retry-after") };
  }
  return isNetworkFailure(ky, error) ? { kind: "network" } : { kind: "other" };
}

/**
 * ky 2.1 does not recognise Bun's network errors: Bun throws a `TypeError` with a string `code` such as
 * ECONNREFUSED or ECONNRESET, which ky's `isNetworkError` misses, so a refused connection would not be
 * retried. We recognise them here.
 */
function isNetworkFailure(ky: KyGuards, error: unknown): boolean {
  if (ky.isNetworkError(error)) return true;
  return error instanceof TypeError && typeof (error as { code?: unknown }).code === "string";
}

function parseJsonBody<const TSchema extends v.GenericSchema>(
  text: string,
  schema: TSchema,
  operation: string,
  status: number,
  attempts: number,
): v.InferOutput<TSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UpstreamSchemaError(operation, text.trim() === "" ? "empty body" : "invalid JSON", status, attempts);
  }
  const result = v.safeParse(schema, json);
  if (!result.success) {
    throw new UpstreamSchemaError(operation, describeIssues(result.issues), status, attempts);
  }
  return result.output;
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => {
    // Name the path and the type received, never the value itself.
    const path = v.getDotPath(issue) ?? "(body)";
    return `${path}: expected ${issue.expected ?? issue.kind}, received ${describeType(issue.input)}`;
  });
  const more = issues.length > MAX_ISSUES_IN_MESSAGE ? `; and ${issues.length - MAX_ISSUES_IN_MESSAGE} more` : "";
  return `${shown.join("; ")}${more}`;
}

function describeType(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "array";
  return typeof input;
}

interface ErrorContext {
  readonly operation: string;
  readonly budgetMs: number;
  readonly call: CallState;
  readonly aborted: boolean;
  readonly secrets: readonly string[];
  readonly maxBodyBytes: number;
}

function toClientError(ky: KyGuards, error: unknown, context: ErrorContext): Error {
  const { operation, call } = context;
  if (isClientError(error)) return error;
  if (context.aborted) return new BudgetExceededError(operation, context.budgetMs, call.attempts);
  if (error instanceof BodyTooLargeError) {
    return new UpstreamError(operation, `response body exceeds ${context.maxBodyBytes} bytes`, {
      status: 200,
      attempts: call.attempts,
    });
  }
  const after = call.attempts > 1 ? ` after ${call.attempts} attempts` : "";
  if (ky.isHTTPError(error)) {
    const reason = call.giveUpReason === undefined ? "" : ` (${call.giveUpReason})`;
    return new UpstreamError(operation, `status ${error.response.status}${reason}${after}`, {
      status: error.response.status,
      attempts: call.attempts,
    });
  }
  const cause = sanitizeError(error, context.secrets);
  const code = (cause as { code?: unknown }).code;
  const what = isNetworkFailure(ky, error)
    ? `network error${typeof code === "string" ? ` ${code}` : ""}`
    : `unexpected ${cause.name}`;
  return new UpstreamError(operation, `${what}${after}`, { attempts: call.attempts, cause });
}
