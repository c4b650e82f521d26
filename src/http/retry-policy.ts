/**
 * When to retry a downstream GET and how long to wait (README, Decisions D12): at most 2 retries on
 * network errors, 408, 429 and 5xx, with jittered exponential backoff, and never past the budget.
 * Pure functions: the clock and the random source are arguments.
 */

/** Tunables for retries; every field has a production default. */
export interface RetryOptions {
  /** Retries after the first attempt (0–2; at most 2 are allowed, README, Decisions D12). */
  readonly limit?: number | undefined;
  /** First backoff before jitter, doubled per retry. */
  readonly baseDelayMs?: number | undefined;
  /** Upper bound of one backoff before jitter. */
  readonly maxDelayMs?: number | undefined;
  /** A retry is only started if at least this much budget remains after its wait. */
  readonly minAttemptMs?: number | undefined;
  /** Random source in [0, 1) for jitter (tests pin it). */
  readonly random?: (() => number) | undefined;
}

/** RetryOptions with every default filled in. */
export interface RetryPolicy {
  readonly limit: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly minAttemptMs: number;
  readonly random: () => number;
}

/** What went wrong with one attempt, as far as retrying is concerned. */
export type AttemptFailure =
  | { readonly kind: "status"; readonly status: number; readonly retryAfter: string | null }
  | { readonly kind: "network" }
  | { readonly kind: "other" };

/** The decision for one failed attempt. */
export type RetryDecision =
  { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly reason?: string | undefined };

const MAX_RETRIES = 2;

/** Fills in defaults and clamps the limit to the maximum of 2 retries (README, Decisions D12). */
export function createRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const limit = Math.trunc(options.limit ?? MAX_RETRIES);
  return {
    limit: Math.min(MAX_RETRIES, Math.max(0, Number.isFinite(limit) ? limit : MAX_RETRIES)),
    baseDelayMs: Math.max(0, options.baseDelayMs ?? 100),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 1_000),
    minAttemptMs: Math.max(0, options.minAttemptMs ?? 50),
    random: options.random ?? Math.random,
  };
}

/** 408, 429 and every 5xx are worth another try; other statuses are answers. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Decides whether attempt `attempt` (1-based) may be followed by another one, and after what wait.
 * Retry-After (429, 503) is honoured only when it fits the budget; otherwise we give up at once.
 */
export function planRetry(
  failure: AttemptFailure,
  attempt: number,
  remainingMs: number,
  policy: RetryPolicy,
  nowMs: number,
): RetryDecision {
  if (attempt > policy.limit) return { retry: false };
  if (failure.kind === "other") return { retry: false };
  if (failure.kind === "status" && !isRetryableStatus(failure.status)) return { retry: false };

  const retryAfterMs =
    failure.kind === "status" && (failure.status === 429 || failure.status === 503) && failure.retryAfter !== null
      ? parseRetryAfter(failure.retryAfter, nowMs)
      : undefined;
  const delayMs = retryAfterMs ?? backoffDelay(attempt, policy);
  if (delayMs + policy.minAttemptMs > remainingMs) {
    return {
      retry: false,
      reason:
        retryAfterMs === undefined
          ? "no budget left for a retry"
          : `Retry-After of ${Math.ceil(retryAfterMs / 1000)} s does not fit the remaining budget`,
    };
  }
  return { retry: true, delayMs };
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries never bunch at 0. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + policy.random() * (ceiling / 2));
}

/** Retry-After as delta-seconds or an HTTP-date, in ms from `nowMs`; undefined when unreadable. */
export function parseRetryAfter(value: string, nowMs: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
