/** AMAZON.HelpIntent: what the skill can do, with the session left open for the next question. */
import { speak, type AlexaResponse } from "../response.ts";
import { strings } from "../speech/strings.ts";

/** Speaks the help paragraphs and a reprompt; no TfL call. */
export function handleHelp(): AlexaResponse {
  return speak(strings.help).withReprompt([strings.helpReprompt]).keepSessionOpen().build();
}
