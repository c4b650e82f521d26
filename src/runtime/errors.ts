/**
 * Error classes of the runtime room. Names are pinned strings because minified builds mangle class
 * names; the invocation-error names are dotted `Category.Reason` values because the loop reports an
 * error's `name` as the Lambda `errorType` (Lambda accepts any string; README, Decisions D19).
 */

/** A Runtime API call failed in a way the loop cannot recover from (500, transport, protocol). */
export class RuntimeApiError extends Error {
  override readonly name = "RuntimeApiError";
  /** HTTP status when the API answered, undefined for transport and protocol failures. */
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
  }
}

/** AWS_LAMBDA_LOG_LEVEL, LOG_LEVEL or AWS_LAMBDA_LOG_FORMAT holds a value we do not understand. */
export class LogConfigError extends Error {
  override readonly name = "LogConfigError";
  /** The environment variable at fault, so the init error names it. */
  readonly variable: string;

  constructor(variable: string, value: string, expected: string) {
    super(`${variable} is ${JSON.stringify(value.slice(0, 40))}; expected one of ${expected}`);
    this.variable = variable;
  }
}

/** The event body from GET /next is not JSON; the handler is never called. */
export class InvalidEventError extends Error {
  override readonly name = "Runtime.InvalidEvent";
}

/** The serialised result is over Lambda's 6,291,556-byte response limit, so it is not posted. */
export class ResponseTooLargeError extends Error {
  override readonly name = "Runtime.ResponseTooLarge";
}

/** The handler's result cannot be turned into JSON (BigInt, a cycle, a throwing toJSON). */
export class UnserializableResponseError extends Error {
  override readonly name = "Runtime.UnserializableResponse";
}

/** A handler was still running at its deadline in concurrency mode; its late result is dropped. */
export class InvocationTimeoutError extends Error {
  override readonly name = "Runtime.Timeout";
}

/**
 * A Lambda or Bun setting the runtime refuses (AWS_LAMBDA_MAX_CONCURRENCY that is not a whole number,
 * BUN_CONFIG_VERBOSE_FETCH switched on). Posted as an init error of type Runtime.ConfigError.
 */
export class RuntimeSettingError extends Error {
  override readonly name = "RuntimeSettingError";
  /** The environment variable at fault, so the init error names it. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.variable = variable;
  }
}
