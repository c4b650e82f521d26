import { describe, expect, test } from "bun:test";
import { describeRequest } from "../../src/skill/index.ts";
import {
  baseEvent,
  createIntentEvent,
  createLaunchEvent,
  FIXTURE_ACCESS_TOKEN,
  FIXTURE_SKILL_ID,
  resolvedLineSlot,
} from "../helpers/alexa.ts";

describe("describeRequest", () => {
  test("an intent request: type, id, locale, intent, slots and skill id", () => {
    const event = createIntentEvent("StatusIntent", { LINE: resolvedLineSlot("victoria", "Victoria") });
    event["request"]["requestId"] = "amzn1.echo-api.request.1";
    event["request"]["locale"] = "en-GB";
    expect(describeRequest(event)).toEqual({
      "alexa.request.type": "IntentRequest",
      "alexa.request.id": "amzn1.echo-api.request.1",
      "alexa.request.locale": "en-GB",
      "alexa.request.intent.name": "StatusIntent",
      "alexa.request.intent.slots": ["LINE=victoria"],
      "alexa.context.system.application.id": FIXTURE_SKILL_ID,
    });
  });

  test("a launch request has no intent attributes", () => {
    const attributes = describeRequest(createLaunchEvent());
    expect(attributes["alexa.request.type"]).toBe("LaunchRequest");
    expect(attributes["alexa.request.intent.name"]).toBeUndefined();
    expect(attributes["alexa.request.intent.slots"]).toBeUndefined();
  });

  test("falls back to the session's application id without a context", () => {
    const event = baseEvent();
    delete event["context"];
    expect(describeRequest(event)["alexa.context.system.application.id"]).toBe(FIXTURE_SKILL_ID);
  });

  test("a slot without a value is listed with an empty value", () => {
    const event = createIntentEvent("StatusIntent", { LINE: { name: "LINE", confirmationStatus: "NONE" } });
    expect(describeRequest(event)["alexa.request.intent.slots"]).toEqual(["LINE="]);
  });

  test("never reads the user or the access token", () => {
    const event = baseEvent();
    event["session"]["user"]["accessToken"] = FIXTURE_ACCESS_TOKEN;
    const text = JSON.stringify(describeRequest(event));
    expect(text).not.toContain(FIXTURE_ACCESS_TOKEN);
    expect(text).not.toContain("amzn1.ask.account");
  });

  test.each([
    ["null", null],
    ["a string", "hello"],
    ["an object without request", { hello: "world" }],
    ["a request that is not an object", { request: 7 }],
  ])("gives no attributes for %s, without throwing", (_title, event) => {
    expect(describeRequest(event)).toEqual({});
  });

  test("wrongly typed fields are left out, the rest kept", () => {
    const event = { request: { type: "IntentRequest", requestId: 7, intent: { name: ["x"], slots: "no" } } };
    expect(describeRequest(event)).toEqual({
      "alexa.request.type": "IntentRequest",
      "alexa.request.id": undefined,
      "alexa.request.locale": undefined,
      "alexa.request.intent.name": undefined,
      "alexa.request.intent.slots": undefined,
      "alexa.context.system.application.id": undefined,
    });
  });
});
