import { describe, expect, test } from "bun:test";
import canFulfill from "../fixtures/alexa/can-fulfill-intent.json" with { type: "json" };
import exceptionEncountered from "../fixtures/alexa/exception-encountered.json" with { type: "json" };
import intentCommute from "../fixtures/alexa/intent-commute.json" with { type: "json" };
import intentDisruption from "../fixtures/alexa/intent-disruption.json" with { type: "json" };
import reordered from "../fixtures/alexa/intent-status-keys-reordered.json" with { type: "json" };
import intentStatus from "../fixtures/alexa/intent-status.json" with { type: "json" };
import launchEpoch from "../fixtures/alexa/launch-epoch-timestamp.json" with { type: "json" };
import launch from "../fixtures/alexa/launch.json" with { type: "json" };
import sessionEnded from "../fixtures/alexa/session-ended.json" with { type: "json" };
import disruptionsMany from "../fixtures/tfl/disruptions-many.json" with { type: "json" };
import goodService from "../fixtures/tfl/line-statuses-good-service.json" with { type: "json" };
import { handleAlexaRequest, InvalidRequestError, SkillIdMismatchError } from "../../src/skill/index.ts";
import type { TflLine } from "../../src/skill/ports.ts";
import { speak } from "../../src/skill/response.ts";
import { strings } from "../../src/skill/speech/strings.ts";
import { describeLineStatus } from "../../src/skill/status-text.ts";
import {
  baseEvent,
  clone,
  createCommuteEvent,
  createIntentEvent,
  createLaunchEvent,
  FIXTURE_ACCESS_TOKEN,
  FIXTURE_SKILL_ID,
  partsOf,
  reverseKeys,
  withApplicationIds,
  without,
  type JsonObject,
} from "../helpers/alexa.ts";
import { createHarness, FakePortError, linesById, type PortScript } from "../helpers/fake-ports.ts";

const LINES = goodService as unknown as TflLine[];
const OTHER_SKILL_ID = "amzn1.ask.skill.e4b1c9d2-0a7f-4e36-b815-3c2d9f6a7b40";
const EVERYTHING: PortScript = {
  lineStatuses: linesById(LINES),
  disruptions: disruptionsMany,
  preferences: { kind: "ok", favoriteLines: ["northern", "dlr"] },
};
const welcome = speak([strings.launch]).withReprompt([strings.launchReprompt]).keepSessionOpen().build();

describe("skill id verification", () => {
  test.each([
    ["context and session both match", { context: FIXTURE_SKILL_ID, session: FIXTURE_SKILL_ID }],
    ["context matches and the session names another skill", { context: FIXTURE_SKILL_ID, session: OTHER_SKILL_ID }],
    ["context has no application, the session matches", { context: undefined, session: FIXTURE_SKILL_ID }],
  ])("%s: the request is answered", async (_, ids) => {
    const { deps, invocation } = createHarness();

    expect(await handleAlexaRequest(withApplicationIds(createLaunchEvent(), ids), invocation, deps)).toEqual(welcome);
  });

  test.each([
    ["no context, the session matches", without(createLaunchEvent(), "context")],
    ["a null context, the session matches", { ...createLaunchEvent(), context: null }],
  ])("%s: the session's id is used", async (_, event) => {
    const { deps, invocation } = createHarness();

    expect(await handleAlexaRequest(event, invocation, deps)).toEqual(welcome);
  });

  test.each([
    [
      "context names another skill",
      withApplicationIds(createLaunchEvent(), { context: OTHER_SKILL_ID, session: FIXTURE_SKILL_ID }),
    ],
    [
      "context has no application and the session names another skill",
      withApplicationIds(createLaunchEvent(), { context: undefined, session: OTHER_SKILL_ID }),
    ],
    ["no id anywhere", withApplicationIds(createLaunchEvent(), { context: undefined, session: undefined })],
    ["no context and no session", without(without(createLaunchEvent(), "context"), "session")],
    [
      "an exception request from another skill",
      withApplicationIds(clone(exceptionEncountered) as JsonObject, { context: OTHER_SKILL_ID }),
    ],
    [
      "ids that differ only in case",
      withApplicationIds(createLaunchEvent(), {
        context: FIXTURE_SKILL_ID.toUpperCase(),
        session: FIXTURE_SKILL_ID.toUpperCase(),
      }),
    ],
  ])("%s: SkillIdMismatchError, with no port call and no log of a reply", async (_, event) => {
    const { deps, invocation, calls, log } = createHarness(EVERYTHING);
    const outcome = handleAlexaRequest(event, invocation, deps);

    await expect(outcome).rejects.toBeInstanceOf(SkillIdMismatchError);
    await expect(outcome).rejects.toMatchObject({ name: "SkillIdMismatchError" });
    expect(calls).toEqual([]);
    expect(log.find("skill.launch")).toEqual([]);
  });

  test("the mismatch message names both ids briefly", async () => {
    const { deps, invocation } = createHarness();
    const event = withApplicationIds(createLaunchEvent(), { context: OTHER_SKILL_ID });
    const error = await handleAlexaRequest(event, invocation, deps).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SkillIdMismatchError);
    expect((error as Error).message).toBe(
      `Skill id mismatch: expected "${FIXTURE_SKILL_ID}", received "${OTHER_SKILL_ID}"`,
    );
  });

  test("a very long id is cut short in the message", async () => {
    const { deps, invocation } = createHarness();
    const event = withApplicationIds(createLaunchEvent(), { context: "x".repeat(5000) });
    const error = (await handleAlexaRequest(event, invocation, deps).catch((caught: unknown) => caught)) as Error;

    expect(error.message.length).toBeLessThan(400);
  });

  test("verification on without a configured id fails closed", async () => {
    const { deps, invocation } = createHarness({}, { skillId: undefined, verifySkillId: true });

    await expect(handleAlexaRequest(createLaunchEvent(), invocation, deps)).rejects.toBeInstanceOf(
      SkillIdMismatchError,
    );
  });

  test.each([
    [
      "another skill's id",
      withApplicationIds(createLaunchEvent(), { context: OTHER_SKILL_ID, session: OTHER_SKILL_ID }),
    ],
    ["no id at all", withApplicationIds(createLaunchEvent(), { context: undefined, session: undefined })],
  ])("with verification off, %s is answered", async (_, event) => {
    const { deps, invocation } = createHarness({}, { skillId: undefined, verifySkillId: false });

    expect(await handleAlexaRequest(event, invocation, deps)).toEqual(welcome);
  });

  test("after a mismatch the next request is served normally", async () => {
    const { deps, invocation } = createHarness();
    await handleAlexaRequest(
      withApplicationIds(createLaunchEvent(), { context: OTHER_SKILL_ID }),
      invocation,
      deps,
    ).catch(() => undefined);

    expect(await handleAlexaRequest(createLaunchEvent(), invocation, deps)).toEqual(welcome);
  });
});

describe("request key order", () => {
  test.each([
    ["launch", launch],
    ["launch with an epoch timestamp", launchEpoch],
    ["status", intentStatus],
    ["commute", intentCommute],
    ["disruption", intentDisruption],
    ["session ended", sessionEnded],
    ["exception encountered", exceptionEncountered],
    ["can fulfil intent", canFulfill],
  ])("the %s event gives the same answer with every object's keys reversed", async (_, fixture) => {
    const first = createHarness(EVERYTHING);
    const second = createHarness(EVERYTHING);
    const expected = await handleAlexaRequest(clone(fixture), first.invocation, first.deps);
    const actual = await handleAlexaRequest(reverseKeys(clone(fixture)), second.invocation, second.deps);

    expect(actual).toEqual(expected);
    // Each harness has its own logger, so compare the calls by their deadlines.
    const comparable = (calls: typeof first.calls) => calls.map((call) => ({ ...call, budget: call.budget.deadline }));
    expect(comparable(second.calls)).toEqual(comparable(first.calls));
    expect(JSON.stringify(reverseKeys(clone(fixture)))).not.toBe(JSON.stringify(fixture));
  });

  test("an event with request first, type last and a null context answers the status question", async () => {
    const { deps, invocation, calls } = createHarness(EVERYTHING);
    const response = await handleAlexaRequest(clone(reordered), invocation, deps);
    const northern = LINES.find((line) => line.id === "northern")!;

    expect(calls.map((call) => call.method === "getLineStatuses" && call.ids)).toEqual([["northern"]]);
    expect(partsOf(response).card?.text).toBe(describeLineStatus(northern));
  });
});

describe("malformed events", () => {
  test.each([
    ["null", null, [""]],
    ["a string", "LaunchRequest", [""]],
    ["a number", 42, [""]],
    ["an array", [{ request: { type: "LaunchRequest" } }], ["request"]],
    ["an empty object", {}, ["request"]],
    ["a null request", { ...baseEvent(), request: null }, ["request"]],
    ["a request without a type", { ...baseEvent(), request: { requestId: "r" } }, ["request.type"]],
    ["a numeric request type", { ...baseEvent(), request: { type: 7 } }, ["request.type"]],
    [
      "an IntentRequest without an intent",
      (() => {
        const event = baseEvent();
        delete event["request"]["intent"];
        return event;
      })(),
      ["request.intent"],
    ],
    ["an intent without a name", createIntentEvent(undefined as unknown as string), ["request.intent.name"]],
    ["a numeric intent name", createIntentEvent(5 as unknown as string), ["request.intent.name"]],
    [
      "slots that are a string",
      createIntentEvent("StatusIntent", "LINE" as unknown as JsonObject),
      ["request.intent.slots"],
    ],
    [
      "a numeric slot value",
      createIntentEvent("StatusIntent", { LINE: { name: "LINE", value: 12 } }),
      ["request.intent.slots.LINE.value"],
    ],
    [
      "a boolean timestamp",
      { ...createLaunchEvent(), request: { ...createLaunchEvent()["request"], timestamp: true } },
      ["request.timestamp"],
    ],
    ["a session that is a string", { ...createLaunchEvent(), session: "session" }, ["session"]],
    ["a context that is a number", { ...createLaunchEvent(), context: 3 }, ["context"]],
    [
      "a numeric application id",
      withApplicationIds(createLaunchEvent(), { context: 123 as unknown as string }),
      ["context.System.application.applicationId"],
    ],
  ])("%s is an InvalidRequestError naming the path", async (_, event, paths) => {
    const { deps, invocation, calls } = createHarness(EVERYTHING);
    const error = await handleAlexaRequest(event, invocation, deps).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).name).toBe("InvalidRequestError");
    expect((error as InvalidRequestError).paths).toEqual(paths);
    expect((error as Error).message).toStartWith("Invalid Alexa request: ");
    expect(calls).toEqual([]);
  });

  test("the message describes types, never values, so a token never leaks", async () => {
    const secret = "Atza|IwEB-super-secret-token-value";
    const event = createCommuteEvent();
    event["session"]["user"]["accessToken"] = { token: secret };
    event["request"]["intent"]["name"] = [secret];
    const { deps, invocation } = createHarness();
    const error = (await handleAlexaRequest(event, invocation, deps).catch((caught: unknown) => caught)) as Error;

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).not.toContain(secret);
    expect(error.message).toContain("session.user.accessToken: expected string, received object");
    expect(error.message).toContain("request.intent.name: expected string, received array");
  });

  test("a request type that is not a string is invalid, not unknown", async () => {
    const { deps, invocation } = createHarness();

    await expect(handleAlexaRequest({ request: { type: null } }, invocation, deps)).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });
});

describe("failures inside the skill", () => {
  test.each([
    ["StatusIntent", clone(intentStatus), { lineStatuses: new FakePortError("boom") }],
    ["DisruptionIntent", clone(intentDisruption), { disruptions: new FakePortError("boom") }],
    ["CommuteIntent", createCommuteEvent(), { preferences: new FakePortError("boom") }],
    ["CommuteIntent", createCommuteEvent(), { preferences: () => Promise.reject(new TypeError("socket hang up")) }],
  ] satisfies [string, JsonObject, PortScript][])(
    "a port that throws during %s becomes the apology",
    async (intent, event, script) => {
      const { deps, invocation, log } = createHarness(script);
      const response = await handleAlexaRequest(event, invocation, deps);

      expect(response).toEqual(speak([strings.apology]).endSession().build());
      expect(partsOf(response).card).toBeUndefined();
      const failures = log.find("skill.intent.failed");
      expect(failures).toHaveLength(1);
      expect(failures[0]?.level).toBe("error");
      expect(failures[0]?.fields["intent"]).toBe(intent);
    },
  );

  test("a port called without being scripted is a test failure, not a silent pass", async () => {
    const { deps, invocation, log } = createHarness({});
    await handleAlexaRequest(clone(intentDisruption), invocation, deps);

    expect(log.find("skill.intent.failed")[0]?.fields["error"]).toMatchObject({ name: "UnexpectedPortCallError" });
  });
});

describe("every invocation", () => {
  test("each port call gets the invocation's deadline and logger as its budget", async () => {
    const { deps, calls, log } = createHarness(EVERYTHING);
    await handleAlexaRequest(createCommuteEvent(), { log, deadline: 1_741_940_109_500 }, deps);

    expect(calls.map((call) => call.budget.deadline)).toEqual([1_741_940_109_500, 1_741_940_109_500]);
    expect(calls.every((call) => call.budget.log === log)).toBe(true);
  });

  test("the request is logged with its type and intent, and the access token never", async () => {
    const { deps, invocation, log } = createHarness(EVERYTHING);
    await handleAlexaRequest(createCommuteEvent(), invocation, deps);

    expect(log.find("skill.request")[0]?.fields).toEqual({ type: "IntentRequest", intent: "CommuteIntent" });
    expect(JSON.stringify(log.entries)).not.toContain(FIXTURE_ACCESS_TOKEN);
  });
});
