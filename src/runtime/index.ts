/**
 * The Lambda room: our own Runtime API client and loop. It knows nothing of Alexa; main.ts hands it
 * a handler and an init function.
 */
export {
  startRuntime,
  DEFAULT_FULL_COLLECTION_EVERY,
  MAX_CONCURRENCY_VARIABLE,
  MAX_RESPONSE_BYTES,
  MAX_WORKERS,
  readWorkerCount,
  VERBOSE_FETCH_VARIABLE,
} from "./loop.ts";
export type { Handler, Init, ProcessEvents, RuntimeOptions } from "./loop.ts";
export type { InvocationContext } from "./context.ts";
export { createLogger, MAX_LOGGED_STRING_LENGTH, readLogSettings, TRUNCATED_MARKER } from "./logger.ts";
export type { LogFormat, Logger, LoggerOptions, LogLevel, LogSettings, RuntimeLogger } from "./logger.ts";
export type { RuntimeFetch } from "./api-client.ts";
export type { Diagnostic } from "./diagnostic.ts";
export type { Redactor } from "./redact.ts";
export {
  InvalidEventError,
  InvocationTimeoutError,
  LogConfigError,
  ResponseTooLargeError,
  RuntimeApiError,
  RuntimeSettingError,
  UnserializableResponseError,
} from "./errors.ts";
