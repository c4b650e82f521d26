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

  test("two favourite lines: one TfL call, sorted by name, each with its title", async () => {
    const { parts, calls } = await askAboutCommute(createCommuteEvent(), {
      preferences: favourites("victoria", "northern"),
      lineStatuses: linesById(LINES),
    });

    expect(calls[1]).toEqual({ method: "getLineStatuses", ids: ["victoria", "northern"], budget: BUDGET });
    const expected = [
      strings.commutePrefix("Northern Line", lineText("northern")),
      strings.commutePrefix("Victoria Line", lineText("victoria")),
    ];
    expect(parts.card).toEqual({ type: "Standard", title: strings.commuteCardTitle, text: expected.join("\n") });
    expect(paragraphsOf(parts.ssml!)).toHaveLength(2);
    expect(parts.shouldEndSession).toBe(true);
    assertWellFormedSsml(parts.ssml!);
  });

  test("unknown ids are dropped and logged; duplicates and case differences reach TfL once", async () => {
    const { parts, calls, log } = await askAboutCommute(createCommuteEvent(), {
      preferences: favourites("Northern", "emirates-air-line", "dlr", "northern", "<script>"),
      lineStatuses: linesById(LINES),
    });

    expect(calls[1]).toEqual({ method: "getLineStatuses", ids: ["northern", "dlr"], budget: BUDGET });
    expect(log.find("skill.commute.unknownLines")[0]?.fields["ids"]).toEqual(["emirates-air-line", "<script>"]);
    const paragraphs = paragraphsOf(parts.ssml!);
    expect(paragraphs[0]).toStartWith("D.L.R.:");
    expect(paragraphs[1]).toStartWith("Northern Line:");
  });

  test("lines are sorted by TfL name ignoring case", async () => {
    const lowerCase: TflLine = { id: "bakerloo", name: "bakerloo", lineStatuses: [{ statusSeverity: 10 }] };
    const central = LINES.find((line) => line.id === "central")!;
    const { parts } = await askAboutCommute(createCommuteEvent(), {
      preferences: favourites("central", "bakerloo"),
      lineStatuses: [central, lowerCase],
    });

    expect(parts.card?.text?.split("\n").map((text) => text.slice(0, text.indexOf(":")))).toEqual([
      "bakerloo Line",
      "Central Line",
    ]);
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
