import { expect, test } from "bun:test";
import { handleAlexaRequest } from "../../../src/skill/index.ts";
import { speak } from "../../../src/skill/response.ts";
import { strings } from "../../../src/skill/speech/strings.ts";
import { createIntentEvent, partsOf } from "../../helpers/alexa.ts";
import { createHarness } from "../../helpers/fake-ports.ts";

test.each([
  ["AMAZON.FallbackIntent"],
  ["AMAZON.NavigateHomeIntent"],
  ["AMAZON.YesIntent"],
  ["GetZodiacSignIntent"],
  ["statusintent"],
  [""],
  ["constructor"],
  ["__proto__"],
  ["toString"],
  ["hasOwnProperty"],
])("the intent %p gets the short can't-help reply and the session ends", async (name) => {
  const { deps, invocation, calls, log } = createHarness();
  const response = await handleAlexaRequest(createIntentEvent(name), invocation, deps);

  expect(response).toEqual(speak([strings.unknownIntent]).endSession().build());
  expect(partsOf(response).shouldEndSession).toBe(true);
  expect(calls).toEqual([]);
  const logged = log.find("skill.intent.unknown");
  expect(logged).toHaveLength(1);
  expect(logged[0]?.fields["intent"]).toBe(name);
});
