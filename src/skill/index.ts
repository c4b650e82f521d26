/** The Alexa skill room's public surface; `src/main.ts` imports only from here. */
export { handleAlexaRequest, parseAlexaEvent } from "./handler.ts";
export { InvalidRequestError, SkillIdMismatchError } from "./errors.ts";
export type {
  Budget,
  Logger,
  PreferencesPort,
  PreferencesResult,
  SkillDeps,
  SkillInvocation,
  TflDisruption,
  TflLine,
  TflLineStatus,
  TflPort,
} from "./ports.ts";
export type { AlexaResponse } from "./response.ts";
