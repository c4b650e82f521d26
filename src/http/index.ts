/**
 * Public surface of the shared HTTP layer used by `src/tfl` and `src/skill-api`.
 */
export { BudgetExceededError, InvalidRequestArgumentError, UpstreamError, UpstreamSchemaError } from "./errors.ts";
export type { ClientErrorDetails } from "./errors.ts";
export { createJsonClient } from "./json-client.ts";
export type {
  Budget,
  ClientTrace,
  FetchLike,
  JsonClient,
  JsonClientOptions,
  JsonRequest,
  JsonResult,
} from "./json-client.ts";
export { onFirstUse } from "./on-first-use.ts";
export { redactSecrets, sanitizeError } from "./redact.ts";
export { backoffDelay, createRetryPolicy, isRetryableStatus, parseRetryAfter, planRetry } from "./retry-policy.ts";
export type { AttemptFailure, RetryDecision, RetryOptions, RetryPolicy } from "./retry-policy.ts";
export type { Logger } from "./logger.ts";
export { attemptsOf, describeError } from "./logger.ts";
