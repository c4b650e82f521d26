import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import canFulfill from "../fixtures/alexa/can-fulfill-intent.json" with { type: "json" };
import exceptionEncountered from "../fixtures/alexa/exception-encountered.json" with { type: "json" };
import reordered from "../fixtures/alexa/intent-status-keys-reordered.json" with { type: "json" };
import launchEpoch from "../fixtures/alexa/launch-epoch-timestamp.json" with { type: "json" };
import sessionEnded from "../fixtures/alexa/session-ended.json" with { type: "json" };
import { InvalidRequestError } from "../../src/skill/errors.ts";
import { parseAlexaEvent } from "../../src/skill/handler.ts";
import { isKnownRequestType, requestEnvelopeSchema, timestampSchema } from "../../src/skill/schemas.ts";
import {
  baseEvent,
  clone,
  createIntentEvent,
  createLaunchEvent,
  FIXTURE_ACCESS_TOKEN,
  type JsonObject,
} from "../helpers/alexa.ts";

function edited(edit: (event: JsonObject) => void, event: JsonObject = baseEvent()): JsonObject {
  edit(event);
  return event;
}

function parseKnown(event: unknown) {
  const parsed = parseAlexaEvent(event);
  if (parsed.kind !== "known") throw new Error(`expected a known request, got ${parsed.envelope.request.type}`);
  return parsed.envelope;
}

describe("the request envelope accepts what Alexa and its test tools send", () => {
  test.each([
    ["the full base event", baseEvent()],
    ["keys in another order, type last, context null", clone(reordered)],
    ["an epoch-milliseconds timestamp", clone(launchEpoch)],
    ["no context", edited((event) => delete event["context"])],
    ["a null context", edited((event) => (event["context"] = null))],
    ["a context without System", edited((event) => (event["context"] = { AudioPlayer: { playerActivity: "IDLE" } }))],
    ["no session", edited((event) => delete event["session"])],
    ["no locale", edited((event) => delete event["request"]["locale"])],
    ["a null locale", edited((event) => (event["request"]["locale"] = null))],
    ["a locale that is not a culture", edited((event) => (event["request"]["locale"] = "____"))],
    ["no timestamp", edited((event) => delete event["request"]["timestamp"])],
    ["no requestId", edited((event) => delete event["request"]["requestId"])],
    [
      "a requestId with a leading space",
      edited((event) => (event["request"]["requestId"] = " amzn1.echo-api.request.x")),
    ],
    ["no version", edited((event) => delete event["version"])],
    [
      "a null access token and permissions",
      edited((event) => {
        event["session"]["user"] = { userId: "amzn1.ask.account.X", accessToken: null, permissions: null };
      }),
    ],
    [
      "session attributes with nested JSON",
      edited((event) => {
        event["session"]["attributes"] = {
          history: [{ line: "victoria", at: 1741940102000 }],
          flags: { a: [null, true] },
        };
      }),
    ],
    ["no slots", createIntentEvent("StatusIntent")],
    ["null slots", createIntentEvent("StatusIntent", null)],
    ["empty slots", createIntentEvent("StatusIntent", {})],
    [
      "a slot without a value",
      createIntentEvent("StatusIntent", { LINE: { name: "LINE", confirmationStatus: "NONE" } }),
    ],
    ["no dialogState", edited((event) => delete event["request"]["dialogState"])],
    [
      "an unknown session-ended reason",
      edited((event) => (event["request"]["reason"] = "BRAND_NEW"), clone(sessionEnded) as JsonObject),
    ],
    ["an exception without a session", clone(exceptionEncountered)],
    ["a new top-level field", edited((event) => (event["experiment"] = { id: 7 }))],
  ])("%s", (_, event) => {
    expect(() => parseKnown(event)).not.toThrow();
  });

  test("fields the skill does not read are dropped from the parsed envelope", () => {
    const envelope = parseKnown(baseEvent());

    expect(envelope.context).toEqual({ System: { application: { applicationId: expect.any(String) } } });
    expect(Object.keys(envelope.request).sort()).toEqual(["intent", "locale", "requestId", "timestamp", "type"]);
  });

  test("the slot keeps its value and resolutions", () => {
    const envelope = parseKnown(baseEvent());
    if (envelope.request.type !== "IntentRequest") throw new Error("expected an IntentRequest");

    expect(envelope.request.intent.slots?.["LINE"]?.value).toBe("victoria");
    expect(envelope.request.intent.slots?.["LINE"]?.resolutions).toMatchObject({
      resolutionsPerAuthority: [expect.any(Object)],
    });
  });

  test("the access token is read from the session user", () => {
    const event = edited((event) => (event["session"]["user"]["accessToken"] = FIXTURE_ACCESS_TOKEN));

    expect(parseKnown(event).session?.user?.accessToken).toBe(FIXTURE_ACCESS_TOKEN);
  });

  test.each([["LaunchRequest"], ["IntentRequest"], ["SessionEndedRequest"], ["System.ExceptionEncountered"]])(
    "%s is a known request type",
    (type) => expect(isKnownRequestType(type)).toBe(true),
  );

  test.each([
    ["CanFulfillIntentRequest"],
    ["launchrequest"],
    ["Connections.Response"],
    [""],
    ["toString"],
    ["__proto__"],
    ["constructor"],
  ])("%p is not a known request type", (type) => expect(isKnownRequestType(type)).toBe(false));

  test("an unknown request type is parsed from the loose shape", () => {
    const parsed = parseAlexaEvent(clone(canFulfill));

    expect(parsed.kind).toBe("unknown");
    expect(parsed.envelope.request.type).toBe("CanFulfillIntentRequest");
  });
});

describe("timestamps", () => {
  test.each([["2025-03-14T08:15:02Z"], [1741940102000], [0]])("%p is accepted", (timestamp) => {
    expect(v.is(timestampSchema(), timestamp)).toBe(true);
  });

  test.each([[true], [null], [{ seconds: 1 }], [[2025, 3, 14]], [Number.NaN]])("%p is rejected", (timestamp) => {
    const event = edited((event) => (event["request"]["timestamp"] = timestamp), createLaunchEvent());

    expect(() => parseAlexaEvent(event)).toThrow(InvalidRequestError);
  });
});

describe("the strict schemas have no catch-all", () => {
  test("an IntentRequest without an intent is rejected, not treated as an unknown type", () => {
    const event = edited((event) => delete event["request"]["intent"]);

    expect(v.safeParse(requestEnvelopeSchema("IntentRequest"), event).success).toBe(false);
    expect(() => parseAlexaEvent(event)).toThrow(InvalidRequestError);
  });
});

describe("schemas built on first use", () => {
  const TYPES = ["LaunchRequest", "IntentRequest", "SessionEndedRequest", "System.ExceptionEncountered"] as const;

  test.each(TYPES)("the %s envelope is built once and kept", (type) => {
    expect(requestEnvelopeSchema(type)).toBe(requestEnvelopeSchema(type));
  });

  test.each(TYPES)("the %s envelope accepts only its own request type", (type) => {
    const launch = createLaunchEvent();
    expect(v.safeParse(requestEnvelopeSchema(type), launch).success).toBe(type === "LaunchRequest");
  });
});
