import { expect, test } from "bun:test";
import sessionEnded from "../../fixtures/alexa/session-ended.json" with { type: "json" };
import { handleAlexaRequest } from "../../../src/skill/index.ts";
import { clone, without, type JsonObject } from "../../helpers/alexa.ts";
import { createHarness } from "../../helpers/fake-ports.ts";

function endedWith(request: JsonObject): JsonObject {
  const event = clone(sessionEnded) as JsonObject;
  event["request"] = { ...event["request"], ...request };
  return event;
}

function withoutError(): JsonObject {
  const event = endedWith({ reason: "USER_INITIATED" });
  delete event["request"]["error"];
  return event;
}

test.each([
  ["too many reprompts with an error", clone(sessionEnded), "warn", "EXCEEDED_MAX_REPROMPTS"],
  ["the user leaving", withoutError(), "debug", "USER_INITIATED"],
  [
    "an ERROR reason",
    endedWith({ reason: "ERROR", error: { type: "ENDPOINT_TIMEOUT", message: "late" } }),
    "warn",
    "ERROR",
  ],
  [
    "a reason Alexa added later",
    endedWith({ reason: "SOME_NEW_REASON", error: { type: "SOME_NEW_TYPE" } }),
    "warn",
    "SOME_NEW_REASON",
  ],
  [
    "no reason at all",
    (() => {
      const event = withoutError();
      delete event["request"]["reason"];
      return event;
    })(),
    "debug",
    null,
  ],
  ["no session", without(clone(sessionEnded), "session"), "warn", "EXCEEDED_MAX_REPROMPTS"],
])("a session ended by %s is logged and answered with an empty response", async (_, event, level, reason) => {
  const { deps, invocation, calls, log } = createHarness();
  const response = await handleAlexaRequest(event, invocation, deps);

  expect(response).toEqual({ version: "1.0", response: {} });
  expect(calls).toEqual([]);
  const logged = log.find("skill.sessionEnded");
  expect(logged).toHaveLength(1);
  expect(logged[0]?.level).toBe(level as "warn" | "debug");
  expect(logged[0]?.fields["reason"]).toBe(reason);
});

test("the error Alexa reports is logged with its type and message", async () => {
  const { deps, invocation, log } = createHarness();
  await handleAlexaRequest(clone(sessionEnded), invocation, deps);

  expect(log.find("skill.sessionEnded")[0]?.fields["error"]).toEqual({
    type: "INVALID_RESPONSE",
    message: "The user did not answer the reprompt.",
  });
});
