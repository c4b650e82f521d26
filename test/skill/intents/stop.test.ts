import { expect, test } from "bun:test";
import { handleAlexaRequest } from "../../../src/skill/index.ts";
import { createIntentEvent } from "../../helpers/alexa.ts";
import { createHarness } from "../../helpers/fake-ports.ts";

test.each([["AMAZON.CancelIntent"], ["AMAZON.StopIntent"]])(
  "%s ends the session without speech, card or reprompt",
  async (name) => {
    const { deps, invocation, calls } = createHarness();
    const response = await handleAlexaRequest(createIntentEvent(name), invocation, deps);

    expect(response).toEqual({ version: "1.0", response: { shouldEndSession: true } });
    expect(calls).toEqual([]);
  },
);
