import { describe, expect, spyOn, test } from "bun:test";
import {
  emptyResponse,
  endSessionSilently,
  ALEXA_RESPONSE_BUDGET_BYTES,
  RESPONSE_FRAME_BYTES,
  speak,
  type AlexaResponse,
} from "../../src/skill/response.ts";
import { findLine } from "../../src/skill/lines.ts";
import { findSsmlProblem } from "../helpers/ssml-checks.ts";

function jsonSize(response: AlexaResponse): number {
  return Buffer.byteLength(JSON.stringify(response), "utf8");
}

function standardCard(response: AlexaResponse): { type: "Standard"; title: string; text: string } {
  const card = response.response.card;
  if (card?.type !== "Standard") {
    throw new Error("expected a Standard card");
  }
  return card;
}

describe("the response builder", () => {
  test("speaks one paragraph and ends the session by default", () => {
    expect(speak(["Every other line has a good service."]).build()).toEqual({
      version: "1.0",
      response: {
        outputSpeech: { type: "SSML", ssml: "<speak>Every other line has a good service.</speak>" },
        shouldEndSession: true,
      },
    });
  });

  test("writes members in the order outputSpeech, card, reprompt, shouldEndSession", () => {
    const response = speak(["Hello."]).keepSessionOpen().withReprompt(["Again?"]).withCard("Title", ["Text."]).build();
    expect(Object.keys(response)).toEqual(["version", "response"]);
    expect(Object.keys(response.response)).toEqual(["outputSpeech", "card", "reprompt", "shouldEndSession"]);
    expect(Object.keys(standardCard(response))).toEqual(["type", "title", "text"]);
  });

  test("keeps the session open with a reprompt", () => {
    const response = speak(["Which line?"]).withReprompt(["Which line would you like?"]).keepSessionOpen().build();
    expect(response.response.reprompt).toEqual({
      outputSpeech: { type: "SSML", ssml: "<speak>Which line would you like?</speak>" },
    });
    expect(response.response.shouldEndSession).toBe(false);
  });

  test("lets the last session choice win", () => {
    expect(speak(["x"]).keepSessionOpen().endSession().build().response.shouldEndSession).toBe(true);
    expect(speak(["x"]).endSession().keepSessionOpen().build().response.shouldEndSession).toBe(false);
  });

  test("adds a link-account card with nothing but its type", () => {
    const response = speak(["Please link your account."]).withLinkAccountCard().endSession().build();
    expect(response.response.card).toEqual({ type: "LinkAccount" });
    expect(JSON.stringify(response.response.card)).toBe('{"type":"LinkAccount"}');
  });

  test("joins card paragraphs with newlines and keeps the written form", () => {
    const response = speak(["DLR & TfL"])
      .withCard("Current Disruption", ["Hammersmith & City: <minor> delays", "DLR: e/b trains", "St Pancras"])
      .build();
    expect(standardCard(response)).toEqual({
      type: "Standard",
      title: "Current Disruption",
      text: "Hammersmith & City: <minor> delays\nDLR: e/b trains\nSt Pancras",
    });
    expect(response.response.outputSpeech?.ssml).toBe("<speak>D.L.R. and T.F.L.</speak>");
  });

  test("strips control characters from cards but keeps line breaks", () => {
    const card = standardCard(speak(["x"]).withCard("Ti\u0000tle\n", ["a\u0007b\r\nc\td", "", "  e  "]).build());
    expect(card).toEqual({ type: "Standard", title: "Title", text: "ab\nc d\ne" });
  });

  test("uses each line's card title", () => {
    const line = findLine("dlr");
    const card = standardCard(
      speak(["x"])
        .withCard(line?.cardTitle ?? "", ["y"])
        .build(),
    );
    expect(card.title).toBe("DLR Status");
  });

  test("is immutable: each call returns a new builder", () => {
    const base = speak(["Base."]);
    const withCard = base.withCard("Title", ["Text."]);
    const open = base.keepSessionOpen();
    expect(base.build().response.card).toBeUndefined();
    expect(base.build().response.shouldEndSession).toBe(true);
    expect(withCard.build().response.card).toEqual({ type: "Standard", title: "Title", text: "Text." });
    expect(open.build().response.shouldEndSession).toBe(false);
    expect(Object.isFrozen(base)).toBe(true);
  });

  test("copies the paragraphs it is given", () => {
    const paragraphs = ["Before."];
    const builder = speak(paragraphs);
    paragraphs[0] = "After.";
    expect(builder.build().response.outputSpeech?.ssml).toBe("<speak>Before.</speak>");
  });

  test("shares its methods between builders instead of making closures for every response", () => {
    const first = speak(["a"]);
    const second = speak(["b"]).withCard("Title", ["c"]).keepSessionOpen();
    expect(second.withCard).toBe(first.withCard);
    expect(second.build).toBe(first.build);
  });

  test("returns a fresh object from every build", () => {
    const builder = speak(["x"]);
    expect(builder.build()).not.toBe(builder.build());
  });
});

describe("the fixed responses", () => {
  test("has an empty response for requests Alexa wants no speech for", () => {
    expect(JSON.stringify(emptyResponse())).toBe('{"version":"1.0","response":{}}');
  });

  test("ends the session silently for Cancel and Stop", () => {
    expect(JSON.stringify(endSessionSilently())).toBe('{"version":"1.0","response":{"shouldEndSession":true}}');
  });
});

describe("size check cost", () => {
  test("builds an everyday response without serialising it to measure its size", () => {
    const stringify = spyOn(JSON, "stringify");
    try {
      speak(["The Victoria line has a good service."])
        .withCard("Victoria Line Status", ["The Victoria line has a good service."])
        .build();
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
  });

  test("allows for every key and punctuation mark of the fullest response in its frame", () => {
    const fullest: AlexaResponse = {
      version: "1.0",
      response: {
        outputSpeech: { type: "SSML", ssml: "" },
        card: { type: "Standard", title: "", text: "" },
        reprompt: { outputSpeech: { type: "SSML", ssml: "" } },
        shouldEndSession: false,
      },
    };
    expect(jsonSize(fullest)).toBeLessThanOrEqual(RESPONSE_FRAME_BYTES);
  });

  test.each([
    ["line breaks", "a\nb ".repeat(1_500)],
    ["quotes and backslashes", '"\\'.repeat(1_400)],
    ["three-byte characters", "遅".repeat(2_600)],
  ])("still measures exactly when %s could push the JSON over the limit", (_, text) => {
    const response = speak([text]).withReprompt([text]).keepSessionOpen().withCard("Title", [text, text]).build();
    expect(jsonSize(response)).toBeLessThanOrEqual(ALEXA_RESPONSE_BUDGET_BYTES);
  });
});

describe("escaping in the response", () => {
  test("speaks markup from TfL as text", () => {
    const reason = `Delays <audio src="https://example.com/x.mp3"/> & "more" at St John's Wood`;
    const response = speak([reason]).withCard("Jubilee Line Status", [reason]).build();
    const ssml = response.response.outputSpeech?.ssml ?? "";
    expect(findSsmlProblem(ssml)).toBeUndefined();
    expect(ssml).toBe(
      "<speak>Delays &lt;audio src=&quot;https://example.com/x.mp3&quot;/&gt; and &quot;more&quot; at Saint John&apos;s Wood</speak>",
    );
    expect(standardCard(response).text).toBe(reason);
  });
});

describe("size limits", () => {
  const longReason = "Severe delays between Elephant & Castle and Harrow & Wealdstone while a train is repaired. "
    .repeat(120)
    .slice(0, 10_000);

  test("keeps speech, card and JSON within Alexa's limits for a 10,000-character reason", () => {
    const response = speak([longReason]).withCard("Bakerloo Line Status", [longReason]).build();
    const card = standardCard(response);
    expect(longReason.length).toBe(10_000);
    expect(response.response.outputSpeech?.ssml.length).toBeLessThan(8_000);
    expect(card.title.length + card.text.length).toBeLessThan(8_000);
    expect(jsonSize(response)).toBeLessThan(24 * 1024);
    expect(findSsmlProblem(response.response.outputSpeech?.ssml ?? "")).toBeUndefined();
    expect(card.text).toEndWith("repaired.");
  });

  test("keeps the JSON under 24,000 bytes when every character takes three bytes", () => {
    const wide = "東京駅で遅延が発生しています。".repeat(700);
    const response = speak([wide]).withReprompt([wide]).keepSessionOpen().withCard("遅延", [wide, wide]).build();
    expect(jsonSize(response)).toBeLessThanOrEqual(ALEXA_RESPONSE_BUDGET_BYTES);
    expect(response.response.outputSpeech?.ssml.length).toBeLessThan(8_000);
    expect(findSsmlProblem(response.response.outputSpeech?.ssml ?? "")).toBeUndefined();
    expect(findSsmlProblem(response.response.reprompt?.outputSpeech.ssml ?? "")).toBeUndefined();
    expect(response.response.outputSpeech?.ssml.length).toBeGreaterThan(1_000);
  });

  test("shrinks the card before the speech", () => {
    const wide = "ü".repeat(7_000);
    const response = speak([wide]).withCard("Title", [wide, wide]).build();
    expect(jsonSize(response)).toBeLessThanOrEqual(ALEXA_RESPONSE_BUDGET_BYTES);
    expect(response.response.outputSpeech?.ssml).toBe(`<speak>${wide}</speak>`);
    expect(standardCard(response).text.length).toBeLessThan(wide.length);
  });

  test("drops trailing disruption paragraphs rather than cutting the first", () => {
    const disruptions = Array.from({ length: 60 }, (_, i) =>
      `Line ${i}: minor delays while a signal is fixed at station ${i}. `.repeat(3).trim(),
    );
    const response = speak([...disruptions, "Every other line has a good service."])
      .withCard("Current Disruption", disruptions)
      .build();
    const ssml = response.response.outputSpeech?.ssml ?? "";
    expect(ssml.length).toBeLessThan(8_000);
    expect(ssml).toStartWith(`<speak><p>${disruptions[0]}</p>`);
    expect(findSsmlProblem(ssml)).toBeUndefined();
    expect(standardCard(response).text.split("\n")[0]).toBe(disruptions[0] ?? "");
  });

  test("cuts an over-long card title", () => {
    const card = standardCard(speak(["x"]).withCard("T".repeat(9_000), ["text"]).build());
    expect(card.title.length + card.text.length).toBeLessThan(8_000);
  });
});
