import { expect, test } from "bun:test";
import canFulfill from "../../fixtures/alexa/can-fulfill-intent.json" with { type: "json" };
import connectionsResponse from "../../fixtures/alexa/connections-response.json" with { type: "json" };
import { handleAlexaRequest } from "../../../src/skill/index.ts";
import { clone, createEvent, type JsonObject } from "../../helpers/alexa.ts";
import { createHarness } from "../../helpers/fake-ports.ts";

function outOfSession(type: string): JsonObject {
  const event = createEvent({
    type,
    requestId: "amzn1.echo-api.request.9c0f6e1d-2b7a-4c38-a5e4-7d1b0f8e3a26",
    timestamp: "2025-03-14T08:15:02Z",
  });
  delete event["session"];
  return event;
}

test.each([
  ["CanFulfillIntentRequest", clone(canFulfill) as JsonObject],
  ["Connections.Response", clone(connectionsResponse) as JsonObject],
  ["AudioPlayer.PlaybackStarted", outOfSession("AudioPlayer.PlaybackStarted")],
  ["Alexa.Presentation.APL.UserEvent", outOfSession("Alexa.Presentation.APL.UserEvent")],
  ["an empty type", outOfSession("")],
])("a %s request is logged and answered with an empty response, never an error", async (_, event) => {
  const { deps, invocation, calls, log } = createHarness();
  const response = await handleAlexaRequest(event, invocation, deps);

  expect(response).toEqual({ version: "1.0", response: {} });
  expect(calls).toEqual([]);
  const logged = log.find("skill.request.unknownType");
  expect(logged).toHaveLength(1);
  expect(logged[0]?.fields["type"]).toBe(event["request"]["type"]);
});

test("an unknown request type needs nothing but its type", async () => {
  const { deps, invocation } = createHarness({}, { verifySkillId: false });

  expect(await handleAlexaRequest({ request: { type: "Messaging.MessageReceived" } }, invocation, deps)).toEqual({
    version: "1.0",
    response: {},
  });
});

test("an unknown request type is still checked against the skill id", async () => {
  const event = clone(canFulfill) as JsonObject;
  event["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.00000000-someone-else";
  const { deps, invocation } = createHarness();

  await expect(handleAlexaRequest(event, invocation, deps)).rejects.toMatchObject({ name: "SkillIdMismatchError" });
});
