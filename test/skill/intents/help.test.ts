import { expect, test } from "bun:test";
import { handleAlexaRequest } from "../../../src/skill/index.ts";
import { speak } from "../../../src/skill/response.ts";
import { strings } from "../../../src/skill/speech/strings.ts";
import { assertWellFormedSsml, createIntentEvent, paragraphsOf, partsOf } from "../../helpers/alexa.ts";
import { createHarness } from "../../helpers/fake-ports.ts";

test.each([["en-GB"], ["en-US"], [null], [""], [" "], ["____"], ["qps-Ploc"]])(
  "help with locale %p speaks every help paragraph, reprompts and keeps the session open",
  async (locale) => {
    const event = createIntentEvent("AMAZON.HelpIntent");
    event["request"]["locale"] = locale;
    const { deps, invocation, calls } = createHarness();
    const response = await handleAlexaRequest(event, invocation, deps);

    expect(response).toEqual(speak(strings.help).withReprompt([strings.helpReprompt]).keepSessionOpen().build());
    const parts = partsOf(response);
    expect(paragraphsOf(parts.ssml!)).toHaveLength(strings.help.length);
    expect(parts.shouldEndSession).toBe(false);
    expect(parts.repromptSsml).toBe(
      "<speak>What would you like to know? You can ask about a line, or about disruption.</speak>",
    );
    assertWellFormedSsml(parts.ssml!);
    expect(calls).toEqual([]);
  },
);
