import { describe, expect, test } from "bun:test";
import goodService from "../../fixtures/tfl/line-statuses-good-service.json" with { type: "json" };
import byCase from "../../fixtures/tfl/line-statuses-by-case.json" with { type: "json" };
import { handleAlexaRequest } from "../../../src/skill/index.ts";
import type { PreferencesResult, TflLine } from "../../../src/skill/ports.ts";
import { speak } from "../../../src/skill/response.ts";
import { strings } from "../../../src/skill/speech/strings.ts";
import { describeLineStatus } from "../../../src/skill/status-text.ts";
import {
  assertWellFormedSsml,
  createCommuteEvent,
  FIXTURE_ACCESS_TOKEN,
  paragraphsOf,
  partsOf,
  without,
  type JsonObject,
} from "../../helpers/alexa.ts";
import { createHarness, FakePortError, linesById, TEST_DEADLINE, type PortScript } from "../../helpers/fake-ports.ts";

const LINES = goodService as unknown as TflLine[];
const CASES = byCase as unknown as Record<keyof typeof byCase, TflLine>;
const BUDGET = { deadline: TEST_DEADLINE, log: expect.anything() };

function favourites(...favoriteLines: string[]): PreferencesResult {
  return { kind: "ok", favoriteLines };
}

async function askAboutCommute(event: JsonObject, script: PortScript) {
  const harness = createHarness(script);
  const response = await handleAlexaRequest(event, harness.invocation, harness.deps);
  const logged = JSON.stringify(harness.log.entries, (_, value) =>
    value instanceof Error ? { name: value.name, message: value.message } : value,
  );
  return { response, parts: partsOf(response), logged, ...harness };
}

function lineText(id: string): string {
  return describeLineStatus(LINES.find((line) => line.id === id)!);
}

describe("CommuteIntent without a linked account", () => {
  const notLinked = speak([strings.commuteNotLinked]).withLinkAccountCard().endSession().build();

  test.each([
    ["no access token", createCommuteEvent({ accessToken: undefined })],
    ["a null access token", createCommuteEvent({ accessToken: null })],
    ["an empty access token", createCommuteEvent({ accessToken: "" })],
    ["a blank access token", createCommuteEvent({ accessToken: "   " })],
    [
      "no user in the session",
      (() => {
        const event = createCommuteEvent();
        delete event["session"]["user"];
        return event;
      })(),
    ],
    ["no session", without(createCommuteEvent(), "session")],
  ])("%s: asks the user to link their account, with a link-account card", async (_, event) => {
    const { response, calls, log } = await askAboutCommute(event, {});

    expect(calls).toEqual([]);
    expect(response).toEqual(notLinked);
    expect(response.response.card).toEqual({ type: "LinkAccount" });
    expect(log.find("skill.commute.notLinked")).toHaveLength(1);
  });
});

describe("CommuteIntent with a linked account", () => {
  test("a token the skill API rejects asks the user to link again", async () => {
    const { response, calls, log, logged } = await askAboutCommute(createCommuteEvent(), {
      preferences: { kind: "unauthorized" },
    });

    expect(calls).toEqual([{ method: "getPreferences", accessToken: FIXTURE_ACCESS_TOKEN, budget: BUDGET }]);
    expect(response).toEqual(speak([strings.commuteRelink]).withLinkAccountCard().endSession().build());
    expect(log.find("skill.commute.unauthorized")).toHaveLength(1);
    expect(logged).not.toContain(FIXTURE_ACCESS_TOKEN);
  });

  test.each([
    ["no favourite lines", favourites()],
    [
      "only ids the catalogue does not know",
      favourites("london-overground", "tfl-rail", "../Mode/tube", "northern%2Cvictoria", ""),
    ],
  ])("%s: asks the user to choose favourites, with a commute card, and never calls TfL", async (_, preferences) => {
    const { response, calls } = await askAboutCommute(createCommuteEvent(), { preferences });

    expect(calls.map((call) => call.method)).toEqual(["getPreferences"]);
    expect(response).toEqual(
      speak([strings.commuteNoFavourites])
        .withCard(strings.commuteCardTitle, [strings.commuteNoFavourites])
        .endSession()
        .build(),
    );
  });

  test("one favourite line: one TfL call, its status without a title", async () => {
    const { response, calls } = await askAboutCommute(createCommuteEvent(), {
      preferences: favourites("district"),
      lineStatuses: linesById(LINES),
    });

    expect(calls).toEqual([
      { method: "getPreferences", accessToken: FIXTURE_ACCESS_TOKEN, budget: BUDGET },
      { method: "getLineStatuses", ids: ["district"], budget: BUDGET },
    ]);
    const text = lineText("district");
    expect(response).toEqual(speak([text]).withCard(strings.commuteCardTitle, [text]).endSession().build());
  });

  test("one favourite with a delay reads the reason without the line-name prefix", async () => {
    const { parts } = await askAboutCommute(createCommuteEvent(), {
      preferences: favourites("victoria"),
      lineStatuses: [CASES.minorDelaysWithPrefix],
    });

    expect(parts.card?.text).toStartWith("Minor delays between Brixton");
  });

  test("two favourite lines with a good service: one TfL call, one sentence naming both in name order", async () => {
    const { parts, calls } = await askAboutCommute(createCommuteEvent(), {
      preferences: favourites("victoria", "northern"),
      lineStatuses: linesById(LINES),
    });

    expect(calls[1]).toEqual({ method: "getLineStatuses", ids: ["victoria", "northern"], budget: BUDGET });
    const text = "The Northern and Victoria lines have a good service.";
    expect(parts.card).toEqual({ type: "Standard", title: strings.commuteCardTitle, text });
    expect(parts.ssml).toBe(`<speak>${text}</speak>`);
    expect(parts.shouldEndSession).toBe(true);
  });

  test("unknown ids are dropped and logged; duplicates and case differences reach TfL once", async () => {
    const { parts, calls, log } = await askAboutCommute(createCommuteEvent(), {
      preferences: favourites("Northern", "emirates-air-line", "dlr", "northern", "<script>"),
      lineStatuses: linesById(LINES),
    });

    expect(calls[1]).toEqual({ method: "getLineStatuses", ids: ["northern", "dlr"], budget: BUDGET });
    expect(log.find("skill.commute.unknownLines")[0]?.fields["ids"]).toEqual(["emirates-air-line", "<script>"]);
    expect(parts.ssml).toBe("<speak>The D.L.R. and the Northern line have a good service.</speak>");
  });

  test("lines are sorted by TfL name ignoring case", async () => {
    const lowerCase: TflLine = { id: "bakerloo", name: "bakerloo", lineStatuses: [{ statusSeverity: 10 }] };
    const central = LINES.find((line) => line.id === "central")!;
    const { parts } = await askAboutCommute(createCommuteEvent(), {
      preferences: favourites("central", "bakerloo"),
      lineStatuses: [central, lowerCase],
    });

    expect(parts.card?.text).toBe("The bakerloo and Central lines have a good service.");
  });

  const mildmayNoReason: TflLine = {
    id: "mildmay",
    name: "Mildmay",
    lineStatuses: [
      { statusSeverity: 9, statusSeverityDescription: "Minor Delays", validityPeriods: [{ isNow: true }] },
    ],
  };
  const weaverPlanned: TflLine = {
    id: "weaver",
    name: "Weaver",
    lineStatuses: [
      {
        statusSeverity: 4,
        statusSeverityDescription: "Planned Closure",
        reason: "Weaver line: Sunday, no service between Liverpool St. and Cheshunt.",
        validityPeriods: [{ isNow: false }],
      },
    ],
  };
  const line = (id: string) => LINES.find((candidate) => candidate.id === id)!;

  test.each([
    [
      "a delay with a reason, a closed line and two good lines",
      ["victoria", "waterloo-city", "central", "northern"],
      [CASES.minorDelaysWithPrefix, CASES.waterlooClosed, line("central"), line("northern")],
      [
        "Victoria Line: Minor delays between Brixton and Walthamstow Central while we fix a signal failure at Seven Sisters.",
        "The Waterloo & City line is closed at the moment.",
        "The Central and Northern lines have a good service.",
      ],
    ],
    [
      "a line without a reason is said from its severity and the others are read",
      ["mildmay", "jubilee", "dlr"],
      [mildmayNoReason, line("jubilee"), line("dlr")],
      ["The Mildmay line has minor delays.", "The DLR and the Jubilee line have a good service."],
    ],
    [
      "a planned closure is said after the good service now",
      ["weaver", "victoria"],
      [weaverPlanned, line("victoria")],
      [
        "The Weaver line has a good service now. Planned: Sunday, no service between Liverpool St. and Cheshunt.",
        "The Victoria line has a good service.",
      ],
    ],
    [
      "the Elizabeth line and a Tube line with delays keep their own titles",
      ["elizabeth", "victoria"],
      [CASES.elizabethGoodService, CASES.minorDelaysWithPrefix],
      [
        "Victoria Line: Minor delays between Brixton and Walthamstow Central while we fix a signal failure at Seven Sisters.",
        "The Elizabeth line has a good service.",
      ],
    ],
  ] satisfies [string, string[], TflLine[], string[]][])("%s", async (_title, ids, lines, written) => {
    const { parts } = await askAboutCommute(createCommuteEvent(), {
      preferences: favourites(...ids),
      lineStatuses: lines,
    });

    expect(parts.card?.text?.split("\n")).toEqual(written);
    expect(paragraphsOf(parts.ssml!)).toHaveLength(written.length);
    assertWellFormedSsml(parts.ssml!);
  });

  test("a planned closure's Liverpool St. is spoken as Liverpool Street", async () => {
    const { parts } = await askAboutCommute(createCommuteEvent(), {
      preferences: favourites("weaver", "victoria"),
      lineStatuses: [weaverPlanned, line("victoria")],
    });

    expect(paragraphsOf(parts.ssml!)[0]).toBe(
      "The Weaver line has a good service now. Planned: Sunday, no service between Liverpool Street and Cheshunt.",
    );
  });

  test.each([
    ["the skill API fails", { preferences: new FakePortError("skill API answered 500") }],
    ["TfL fails", { preferences: favourites("northern"), lineStatuses: new FakePortError("TfL answered 503") }],
    ["TfL returns no lines", { preferences: favourites("northern"), lineStatuses: [] }],
  ] satisfies [string, PortScript][])("%s: the apology, logged without the access token", async (_, script) => {
    const { response, log, logged } = await askAboutCommute(createCommuteEvent(), script);

    expect(response).toEqual(speak([strings.apology]).endSession().build());
    expect(log.find("skill.intent.failed")[0]?.fields["intent"]).toBe("CommuteIntent");
    expect(logged).not.toContain(FIXTURE_ACCESS_TOKEN);
  });
});
