/**
 * The Lambda room: our own Runtime API client and loop. It knows nothing of Alexa; main.ts hands it
 * a handler and an init function.
 */
export { startRuntime, MAX_RESPONSE_BYTES } from "./loop.ts";
export type { Handler, Init, RuntimeOptions } from "./loop.ts";
export type { InvocationContext } from "./context.ts";
export { createLogger, readLogSettings } from "./logger.ts";
export type { LogFormat, Logger, LoggerOptions, LogLevel, LogSettings, RuntimeLogger } from "./logger.ts";
export type { RuntimeFetch } from "./api-client.ts";
export type { Diagnostic } from "./diagnostic.ts";
export type { Redactor } from "./redact.ts";
export {
  InvalidEventError,
  LogConfigError,
  ResponseTooLargeError,
  RuntimeApiError,
  UnserializableResponseError,
} from "./errors.ts";
