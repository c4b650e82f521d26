/**
 * Intent name → handler. Names are matched exactly (own keys only, so "constructor" or
 * "__proto__" never reach Object.prototype); anything else is the unknown-intent handler.
 */
import { handleCommute } from "./commute.ts";
import { handleDisruption } from "./disruption.ts";
import { handleHelp } from "./help.ts";
import { handleStatus } from "./status.ts";
import { handleStop } from "./stop.ts";
import type { IntentHandler } from "./types.ts";
import { handleUnknownIntent } from "./unknown.ts";

export { handleExceptionEncountered } from "./exception-encountered.ts";
export { handleLaunch } from "./launch.ts";
export { handleSessionEnded } from "./session-ended.ts";
export { handleUnknownRequest } from "./unknown-request.ts";
export { handleUnknownIntent } from "./unknown.ts";
export type { IntentHandler, IntentInput } from "./types.ts";

/** The intents of the interaction model; AMAZON.NavigateHomeIntent and FallbackIntent fall through. */
const INTENT_HANDLERS = Object.freeze({
  "AMAZON.CancelIntent": handleStop,
  "AMAZON.StopIntent": handleStop,
  "AMAZON.HelpIntent": handleHelp,
  CommuteIntent: handleCommute,
  DisruptionIntent: handleDisruption,
  StatusIntent: handleStatus,
}) satisfies Readonly<Record<string, IntentHandler>>;

/** The handler for an intent name; the unknown-intent handler when the name is not in the table. */
export function findIntentHandler(name: string): IntentHandler {
  return Object.hasOwn(INTENT_HANDLERS, name)
    ? INTENT_HANDLERS[name as keyof typeof INTENT_HANDLERS]
    : handleUnknownIntent;
}
