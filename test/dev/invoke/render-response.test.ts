import { expect, test } from "bun:test";
import { renderAlexaResponse, speechText } from "../../../src/dev/invoke/render-response.ts";

test.each<[string, unknown, string[]]>([
  [
    "speech, card and an ended session",
    {
      version: "1.0",
      response: {
        outputSpeech: { type: "SSML", ssml: "<speak><p>There is a good service on the Victoria line.</p></speak>" },
        card: {
          type: "Standard",
          title: "Victoria Line Status",
          text: "There is a good service on the Victoria line.",
        },
        shouldEndSession: true,
      },
    },
    [
      "Alexa says   There is a good service on the Victoria line.",
      "Card         Victoria Line Status",
      "             There is a good service on the Victoria line.",
      "Session      ends",
    ],
  ],
  [
    "a reprompt, a simple card and an open session",
    {
      response: {
        outputSpeech: { type: "SSML", ssml: "<speak><p>Welcome.</p><p>Which line?</p></speak>" },
        reprompt: { outputSpeech: { type: "PlainText", text: "Which line?" } },
        card: { type: "Simple", title: "London Travel", content: "Ask about a line." },
        shouldEndSession: false,
      },
    },
    [
      "Alexa says   Welcome.",
      "             Which line?",
      "Reprompt     Which line?",
      "Card         London Travel",
      "             Ask about a line.",
      "Session      stays open (Alexa listens for a reply)",
    ],
  ],
  [
    "a link-account card",
    {
      response: {
        outputSpeech: { type: "PlainText", text: "Link your account." },
        card: { type: "LinkAccount" },
        shouldEndSession: true,
      },
    },
    [
      "Alexa says   Link your account.",
      "Card         LinkAccount (the Alexa app asks the user to link their account)",
      "Session      ends",
    ],
  ],
  [
    "an empty response",
    { version: "1.0", response: {} },
    ["Alexa says   (nothing)", "Session      not set (an empty response)"],
  ],
  [
    "speech without shouldEndSession",
    { response: { outputSpeech: { type: "PlainText", text: "Bye." } } },
    ["Alexa says   Bye.", "Session      not set (Alexa ends it on devices without a screen)"],
  ],
  [
    "a body that is not an Alexa response",
    { errorMessage: "x" },
    ['Alexa says   (no Alexa response: the body has no "response" object)'],
  ],
  ["null", null, ['Alexa says   (no Alexa response: the body has no "response" object)']],
])("renders %s", (_title, body, lines) => {
  expect(renderAlexaResponse(body)).toEqual(lines);
});

test.each<[string, unknown, string | undefined]>([
  ["SSML, rendered as text", { type: "SSML", ssml: "<speak>Hi &amp; bye</speak>" }, "Hi & bye"],
  ["plain text, as it is", { type: "PlainText", text: "Hi" }, "Hi"],
  ["SSML without a document, as nothing", { type: "SSML" }, undefined],
  ["a string, as nothing", "text", undefined],
  ["a missing speech, as nothing", undefined, undefined],
])("reads the words of %s", (_title, speech, text) => {
  expect(speechText(speech)).toBe(text as string);
});
