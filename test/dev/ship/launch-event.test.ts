import { describe, expect, test } from "bun:test";
import {
  buildLaunchEvent,
  isSkillId,
  launchTemplate,
  main,
  parseLaunchTemplate,
  readSkillId,
} from "../../../src/dev/ship/launch-event.ts";
import { captureIo } from "../helpers/capture-io.ts";

const TEMPLATE = launchTemplate();
const RAW = structuredClone(TEMPLATE) as Record<string, unknown>;
const SKILL = "amzn1.ask.skill.0f1e2d3c-4b5a-4969-8877-665544332211";
const NOW = new Date("2026-11-05T17:30:45.678Z");

function counter(): () => string {
  let next = 0;
  return () => `00000000-0000-4000-8000-${String((next += 1)).padStart(12, "0")}`;
}

describe("the dev tools' launch request", () => {
  test("is a LaunchRequest envelope for en-GB with the same skill id in both places", () => {
    expect(TEMPLATE.request.type).toBe("LaunchRequest");
    expect(TEMPLATE.request["locale"]).toBe("en-GB");
    expect(TEMPLATE.session.application.applicationId).toBe(TEMPLATE.context.System.application.applicationId);
    expect(isSkillId(TEMPLATE.context.System.application.applicationId)).toBe(true);
  });
});

describe("buildLaunchEvent", () => {
  test("puts the skill id where Alexa puts it, with fresh ids and the time in whole seconds", () => {
    const event = buildLaunchEvent(TEMPLATE, { skillId: SKILL, now: NOW, newId: counter() });
    expect(event.context.System.application.applicationId).toBe(SKILL);
    expect(event.session.application.applicationId).toBe(SKILL);
    expect(event.session.sessionId).toBe("amzn1.echo-api.session.00000000-0000-4000-8000-000000000001");
    expect(event.request.requestId).toBe("amzn1.echo-api.request.00000000-0000-4000-8000-000000000002");
    expect(event.request.timestamp).toBe("2026-11-05T17:30:45Z");
  });

  test("keeps the template's skill id when none is given", () => {
    const event = buildLaunchEvent(TEMPLATE, { now: NOW, newId: counter() });
    expect(event.context.System.application.applicationId).toBe(TEMPLATE.context.System.application.applicationId);
  });

  test("leaves the template untouched and everything else as recorded", () => {
    const before = structuredClone(TEMPLATE);
    const event = buildLaunchEvent(TEMPLATE, { skillId: SKILL, now: NOW, newId: counter() });
    expect(TEMPLATE).toEqual(before);
    expect(event.context.System["device"]).toEqual(TEMPLATE.context.System["device"]);
    expect(event.request["locale"]).toBe("en-GB");
  });
});

describe("parseLaunchTemplate", () => {
  test.each([
    [
      "an intent request",
      { ...RAW, request: { ...(RAW["request"] as object), type: "IntentRequest" } },
      "request.type",
    ],
    ["no context", { ...RAW, context: undefined }, "context"],
    ["another version", { ...RAW, version: "2.0" }, "version"],
  ])("refuses %s", (_title, value, field) => {
    expect(() => parseLaunchTemplate(value)).toThrow(field);
  });
});

describe("readSkillId", () => {
  test.each([
    [undefined, undefined],
    ["", undefined],
    ["  ", undefined],
    [` ${SKILL} `, SKILL],
  ])("reads %p as %p", (value, expected) => {
    expect(readSkillId(value)).toBe(expected);
  });

  test.each(["amzn1.ask.skill.nope", "skill", "amzn1.echo-api.request.0f1e2d3c-4b5a-4969-8877-665544332211"])(
    "refuses %s",
    (value) => {
      expect(() => readSkillId(value)).toThrow("amzn1.ask.skill.<uuid>");
    },
  );
});

describe("launch-event CLI", () => {
  test("prints an event for the skill id in SKILL_ID", async () => {
    const captured = captureIo({ SKILL_ID: SKILL });
    expect(await main([], captured.io)).toBe(0);
    const event = JSON.parse(captured.out.join("")) as {
      context: { System: { application: { applicationId: string } } };
    };
    expect(event.context.System.application.applicationId).toBe(SKILL);
  });

  test("prefers --skill-id and refuses a malformed one with the usage", async () => {
    const captured = captureIo({ SKILL_ID: SKILL });
    expect(await main(["--skill-id", "not-a-skill"], captured.io)).toBe(2);
    expect(captured.err.join("")).toContain("Usage: bun run src/dev/ship/launch-event.ts");
  });
});
