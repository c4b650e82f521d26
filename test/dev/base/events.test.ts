import { expect, test } from "bun:test";
import {
  buildEvent,
  EVENT_KINDS,
  isEventKind,
  LOCAL_SKILL_ID,
  requestNameOf,
  type EventKind,
} from "../../../src/dev/base/events.ts";

const fixed = {
  newId: (): string => "0f1e2d3c-4b5a-4697-8877-665544332211",
  now: new Date("2026-03-14T08:15:02.118Z"),
};

test.each<[EventKind, Record<string, unknown>]>([
  ["launch", { type: "LaunchRequest" }],
  ["status", { type: "IntentRequest", intent: { name: "StatusIntent", confirmationStatus: "NONE" } }],
  [
    "disruption",
    { type: "IntentRequest", intent: { name: "DisruptionIntent", confirmationStatus: "NONE", slots: {} } },
  ],
  ["commute", { type: "IntentRequest", intent: { name: "CommuteIntent", confirmationStatus: "NONE", slots: {} } }],
  ["help", { type: "IntentRequest", intent: { name: "AMAZON.HelpIntent", confirmationStatus: "NONE", slots: {} } }],
  ["stop", { type: "IntentRequest", intent: { name: "AMAZON.StopIntent", confirmationStatus: "NONE", slots: {} } }],
  ["cancel", { type: "IntentRequest", intent: { name: "AMAZON.CancelIntent", confirmationStatus: "NONE", slots: {} } }],
  [
    "unknown",
    { type: "IntentRequest", intent: { name: "AMAZON.FallbackIntent", confirmationStatus: "NONE", slots: {} } },
  ],
  ["end", { type: "SessionEndedRequest", reason: "USER_INITIATED" }],
])("builds a %s event with the envelope Alexa sends", (kind, request) => {
  const event = buildEvent(kind, fixed);
  expect(event.request).toMatchObject({
    ...request,
    requestId: "amzn1.echo-api.request.0f1e2d3c-4b5a-4697-8877-665544332211",
    timestamp: "2026-03-14T08:15:02Z",
    locale: "en-GB",
  });
  expect(event).toMatchObject({
    version: "1.0",
    session: {
      application: { applicationId: LOCAL_SKILL_ID },
      attributes: {},
      user: { userId: expect.stringMatching(/^amzn1\.ask\.account\./) },
    },
    context: { System: { application: { applicationId: LOCAL_SKILL_ID } } },
  });
});

test("resolves a model value of the LINE slot the way Alexa does", () => {
  const event = buildEvent("status", { ...fixed, line: "Victoria" });
  const slot = (event.request["intent"] as { slots: { LINE: Record<string, unknown> } }).slots.LINE;
  expect(slot).toMatchObject({
    name: "LINE",
    value: "Victoria",
    resolutions: {
      resolutionsPerAuthority: [
        {
          authority: `amzn1.er-authority.echo-sdk.${LOCAL_SKILL_ID}.LINE_NAME`,
          status: { code: "ER_SUCCESS_MATCH" },
          values: [{ value: { name: "victoria", id: expect.stringMatching(/^[0-9a-f]{32}$/) } }],
        },
      ],
    },
  });
});

test("leaves a value Alexa would not match unresolved", () => {
  const event = buildEvent("status", { ...fixed, line: "the number 73 bus" });
  const slot = (
    event.request["intent"] as {
      slots: { LINE: { resolutions: { resolutionsPerAuthority: Array<Record<string, unknown>> } } };
    }
  ).slots.LINE;
  expect(slot.resolutions.resolutionsPerAuthority[0]).toEqual({
    authority: `amzn1.er-authority.echo-sdk.${LOCAL_SKILL_ID}.LINE_NAME`,
    status: { code: "ER_SUCCESS_NO_MATCH" },
  });
});

test("puts the access token where Alexa puts it, in the session and the context", () => {
  const event = buildEvent("commute", { ...fixed, accessToken: "token-a" });
  expect(event).toMatchObject({
    session: { user: { accessToken: "token-a" } },
    context: { System: { user: { accessToken: "token-a" } } },
  });
  expect(JSON.stringify(buildEvent("commute", fixed))).not.toContain("accessToken");
});

test("carries another skill id when asked", () => {
  const event = buildEvent("launch", { ...fixed, skillId: "amzn1.ask.skill.other" });
  expect(event).toMatchObject({ session: { application: { applicationId: "amzn1.ask.skill.other" } } });
});

test("gives each event fresh ids by default", () => {
  const first = buildEvent("launch");
  const second = buildEvent("launch");
  expect(first.request["requestId"]).not.toBe(second.request["requestId"]);
});

test.each([...EVENT_KINDS])("knows %s as an event kind", (kind) => {
  expect(isEventKind(kind)).toBe(true);
});

test("does not know an intent name as an event kind", () => {
  expect(isEventKind("StatusIntent")).toBe(false);
});

test.each<[EventKind, string]>([
  ["launch", "LaunchRequest"],
  ["end", "SessionEndedRequest"],
  ["status", "StatusIntent"],
  ["help", "AMAZON.HelpIntent"],
])("names the %s kind %s", (kind, name) => {
  expect(requestNameOf(kind)).toBe(name);
});
