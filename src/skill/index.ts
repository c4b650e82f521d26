/** The Alexa skill room's public surface; `src/main.ts` imports only from here. */
export { describeRequest } from "./describe-request.ts";
export type { RequestAttributes } from "./describe-request.ts";
export { handleAlexaRequest, parseAlexaEvent } from "./handler.ts";
export { InvalidRequestError, SkillIdMismatchError } from "./errors.ts";
export type {
  Budget,
  Logger,
  PreferencesPort,
  PreferencesResult,
  SkillDeps,
  SkillInvocation,
  TracePort,
  TflDisruption,
  TflLine,
  TflLineStatus,
  TflPort,
} from "./ports.ts";
export type { AlexaResponse } from "./response.ts";
