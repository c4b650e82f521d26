/**
 * The failure vocabulary of the HTTP clients, split by whose fault it is: the upstream answered badly
 * (`UpstreamError`), the answer did not match what we read (`UpstreamSchemaError`), or the call ran
 * out of time (`BudgetExceededError`). Messages name the operation (`GET Line/victoria/Status`),
 * never a URL, query string or header, so they are safe to log and to post to Lambda.
 */

/** Details every client error carries; `attempts` counts requests actually sent. */
export interface ClientErrorDetails {
  readonly status?: number | undefined;
  readonly attempts?: number | undefined;
  readonly cause?: Error | undefined;
}

/** The upstream failed: network error, non-2xx status, redirect, oversized body. */
export class UpstreamError extends Error {
  override readonly name = "UpstreamError";
  readonly operation: string;
  /** HTTP status of the last answer; absent when no answer arrived (network error). */
  readonly status?: number | undefined;
  readonly attempts: number;

  constructor(operation: string, detail: string, details: ClientErrorDetails = {}) {
    super(`${operation} failed: ${detail}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.operation = operation;
    if (details.status !== undefined) this.status = details.status;
    this.attempts = details.attempts ?? 0;
  }
}

/** The upstream answered 2xx with a body that is not JSON or does not match our schema. */
export class UpstreamSchemaError extends Error {
  override readonly name = "UpstreamSchemaError";
  readonly operation: string;
  readonly status: number;
  readonly attempts: number;

  constructor(operation: string, detail: string, status: number, attempts: number) {
    super(`${operation} returned an unreadable body: ${detail}`);
    this.operation = operation;
    this.status = status;
    this.attempts = attempts;
  }
}

/** The call did not finish by the budget's deadline (or the deadline had passed before it began). */
export class BudgetExceededError extends Error {
  override readonly name = "BudgetExceededError";
  readonly operation: string;
  readonly budgetMs: number;
  readonly attempts: number;

  constructor(operation: string, budgetMs: number, attempts: number) {
    super(
      budgetMs <= 0
        ? `${operation} not attempted: the budget had already run out`
        : `${operation} did not finish within its ${budgetMs} ms budget (${attempts} ${attempts === 1 ? "attempt" : "attempts"})`,
    );
    this.operation = operation;
    this.budgetMs = budgetMs;
    this.attempts = attempts;
  }
}

/** A caller passed a value that must never reach a URL or header (e.g. an id outside `[a-z0-9-]`). */
export class InvalidRequestArgumentError extends Error {
  override readonly name = "InvalidRequestArgumentError";
}

/** Is this one of the errors our clients throw on purpose (as opposed to a bug)? */
export function isClientError(
  error: unknown,
): error is UpstreamError | UpstreamSchemaError | BudgetExceededError | InvalidRequestArgumentError {
  return (
    error instanceof UpstreamError ||
    error instanceof UpstreamSchemaError ||
    error instanceof BudgetExceededError ||
    error instanceof InvalidRequestArgumentError
  );
}
