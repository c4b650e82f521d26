import { expect, test } from "bun:test";
import launchEpoch from "../../fixtures/alexa/launch-epoch-timestamp.json" with { type: "json" };
import { handleAlexaRequest } from "../../../src/skill/index.ts";
import { speak } from "../../../src/skill/response.ts";
import { strings } from "../../../src/skill/speech/strings.ts";
import { assertWellFormedSsml, clone, createLaunchEvent, partsOf, without } from "../../helpers/alexa.ts";
import { createHarness } from "../../helpers/fake-ports.ts";

const welcome = speak([strings.launch]).withReprompt([strings.launchReprompt]).keepSessionOpen().build();

test.each([
  ["an ISO timestamp", createLaunchEvent()],
  ["an epoch-milliseconds timestamp", clone(launchEpoch)],
  ["no context", without(createLaunchEvent(), "context")],
  [
    "no locale",
    (() => {
      const event = createLaunchEvent();
      delete event["request"]["locale"];
      return event;
    })(),
  ],
])("a launch request with %s is welcomed with a reprompt and the session stays open", async (_, event) => {
  const { deps, invocation, calls, log } = createHarness();
  const response = await handleAlexaRequest(event, invocation, deps);

  expect(response).toEqual(welcome);
  const parts = partsOf(response);
  expect(parts.shouldEndSession).toBe(false);
  expect(parts.repromptSsml).toBe(
    "<speak>Which line would you like to hear about? Or ask me whether there&apos;s any disruption.</speak>",
  );
  expect(parts.card).toBeUndefined();
  assertWellFormedSsml(parts.ssml!);
  expect(calls).toEqual([]);
  expect(log.find("skill.launch")[0]?.level).toBe("debug");
});
