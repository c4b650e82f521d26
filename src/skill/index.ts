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
// Alexa's limits and the line catalogue, for the dev tools that check answers and publish the model.
export { ALEXA_RESPONSE_BUDGET_BYTES } from "./response.ts";
export { MAX_SSML_LENGTH } from "./speech/ssml.ts";
export {
  deriveLineNameKeys,
  DISRUPTION_MODES,
  LINES,
  lineNameKey,
  OVERGROUND_MODE,
  OVERGROUND_SLOT,
  resolveLine,
  type LineId,
} from "./lines.ts";
// Every word Alexa says, for the fuzzers' oracle that judges answers word by word.
export { strings } from "./speech/strings.ts";
