/** AMAZON.CancelIntent and AMAZON.StopIntent: end the session without a word. */
import { endSessionSilently, type AlexaResponse } from "../response.ts";

/** Ends the session silently, as the peer does. */
export function handleStop(): AlexaResponse {
  return endSessionSilently();
}
