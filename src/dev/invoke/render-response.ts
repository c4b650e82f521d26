/**
 * An Alexa response as a person reads it: what Alexa says, the reprompt, the card, and whether the
 * session stays open. Pure; `bun run invoke` prints the lines.
 */
import { renderSsmlAsText } from "../base/ssml-text.ts";

const LABEL_WIDTH = 13;

function field(label: string, text: string): string[] {
  const [first = "", ...rest] = text.split("\n");
  return [`${label.padEnd(LABEL_WIDTH)}${first}`, ...rest.map((line) => `${" ".repeat(LABEL_WIDTH)}${line}`)];
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The words of an `outputSpeech` (SSML rendered as text, or PlainText as is); undefined when absent. */
export function speechText(outputSpeech: unknown): string | undefined {
  const speech = asRecord(outputSpeech);
  if (speech === undefined) {
    return undefined;
  }
  if (typeof speech["ssml"] === "string") {
    return renderSsmlAsText(speech["ssml"]);
  }
  return typeof speech["text"] === "string" ? speech["text"] : undefined;
}

/** The human-readable lines for one Alexa response body. */
export function renderAlexaResponse(body: unknown): string[] {
  const response = asRecord(asRecord(body)?.["response"]);
  if (response === undefined) {
    return field("Alexa says", '(no Alexa response: the body has no "response" object)');
  }
  const lines: string[] = [];
  const said = speechText(response["outputSpeech"]);
  lines.push(...field("Alexa says", said ?? "(nothing)"));
  const reprompt = speechText(asRecord(response["reprompt"])?.["outputSpeech"]);
  if (reprompt !== undefined) {
    lines.push(...field("Reprompt", reprompt));
  }
  const card = asRecord(response["card"]);
  if (card !== undefined) {
    lines.push(...field("Card", renderCard(card)));
  }
  lines.push(...field("Session", renderSession(response["shouldEndSession"], said !== undefined)));
  return lines;
}

function renderCard(card: Record<string, unknown>): string {
  const type = typeof card["type"] === "string" ? card["type"] : "unknown";
  if (type === "LinkAccount") {
    return "LinkAccount (the Alexa app asks the user to link their account)";
  }
  const title = typeof card["title"] === "string" ? card["title"] : "(no title)";
  const content = card["content"] ?? card["text"];
  return typeof content === "string" && content.length > 0 ? `${title}\n${content}` : title;
}

function renderSession(shouldEndSession: unknown, spoke: boolean): string {
  if (shouldEndSession === false) {
    return "stays open (Alexa listens for a reply)";
  }
  if (shouldEndSession === true) {
    return "ends";
  }
  return spoke ? "not set (Alexa ends it on devices without a screen)" : "not set (an empty response)";
}
