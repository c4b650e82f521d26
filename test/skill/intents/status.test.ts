import { describe, expect, test } from "bun:test";
import byCase from "../../fixtures/tfl/line-statuses-by-case.json" with { type: "json" };
import goodService from "../../fixtures/tfl/line-statuses-good-service.json" with { type: "json" };
import overground from "../../fixtures/tfl/overground-statuses.json" with { type: "json" };
import { handleAlexaRequest } from "../../../src/skill/index.ts";
import type { TflLine } from "../../../src/skill/ports.ts";
import { speak } from "../../../src/skill/response.ts";
import { strings } from "../../../src/skill/speech/strings.ts";
import { describeLineStatus } from "../../../src/skill/status-text.ts";
import {
  assertWellFormedSsml,
  createStatusEvent,
  paragraphsOf,
  partsOf,
  rawLineSlot,
  resolvedLineSlot,
  unescapeXml,
  unmatchedLineSlot,
  type JsonObject,
} from "../../helpers/alexa.ts";
import { createHarness, FakePortError, linesById, TEST_DEADLINE, type PortScript } from "../../helpers/fake-ports.ts";
import { CARD_TITLES } from "../../helpers/lines.ts";

const GOOD_SERVICE_LINES = goodService as unknown as TflLine[];
const CASES = byCase as unknown as Record<keyof typeof byCase, TflLine>;
const OVERGROUND_LINES = overground as unknown as TflLine[];

async function ask(event: JsonObject, script: PortScript = { lineStatuses: linesById(GOOD_SERVICE_LINES) }) {
  const harness = createHarness(script);
  const response = await handleAlexaRequest(event, harness.invocation, harness.deps);
  return { response, parts: partsOf(response), ...harness };
}

/** What the skill says for a line with just this one status, to compare sentences without fixing their wording. */
function textFor(name: string, statusSeverity: number): string {
  return describeLineStatus({ name, lineStatuses: [{ statusSeverity }] });
}

describe("StatusIntent for each line", () => {
  test.each(CARD_TITLES)("asking about %s makes one TfL call and answers with a %s card", async (id, cardTitle) => {
    const { response, parts, calls } = await ask(createStatusEvent(rawLineSlot(id)));

    expect(calls).toEqual([
      { method: "getLineStatuses", ids: [id], budget: { deadline: TEST_DEADLINE, log: expect.anything() } },
    ]);
    const line = GOOD_SERVICE_LINES.find((candidate) => candidate.id === id)!;
    const text = describeLineStatus(line);
    expect(response).toEqual(speak([text]).withCard(cardTitle, [text]).endSession().build());
    expect(parts.shouldEndSession).toBe(true);
    expect(parts.repromptSsml).toBeUndefined();
    assertWellFormedSsml(parts.ssml!);
  });
});

describe("StatusIntent line names", () => {
  test.each([
    ["Victoria", "victoria"],
    ["VICTORIA", "victoria"],
    ["  the Victoria line  ", "victoria"],
    ["Bakerloo line", "bakerloo"],
    ["met", "metropolitan"],
    ["Metropolitan", "metropolitan"],
    ["hammersmith", "hammersmith-city"],
    ["hammersmith and city", "hammersmith-city"],
    ["Hammersmith & City", "hammersmith-city"],
    ["the hammersmith and city line", "hammersmith-city"],
    ["waterloo", "waterloo-city"],
    ["city", "waterloo-city"],
    ["waterloo and city", "waterloo-city"],
    ["Waterloo & City", "waterloo-city"],
    ["elizabeth", "elizabeth"],
    ["Elizabeth line", "elizabeth"],
    ["the Elizabeth line", "elizabeth"],
    ["crossrail", "elizabeth"],
    ["liz", "elizabeth"],
    ["lizzie", "elizabeth"],
    ["lizzy", "elizabeth"],
    ["dlr", "dlr"],
    ["DLR", "dlr"],
    ["d.l.r.", "dlr"],
    ["docklands rail", "dlr"],
    ["docklands railway", "dlr"],
    ["docklands light rail", "dlr"],
    ["docklands light railway", "dlr"],
    ["the Windrush line", "windrush"],
    ["Suffragette", "suffragette"],
    ["weaver line", "weaver"],
    ["Mildmay", "mildmay"],
    ["lioness", "lioness"],
    ["Liberty", "liberty"],
  ])("the raw slot value %p asks TfL about %s", async (value, id) => {
    const { calls, parts } = await ask(createStatusEvent(rawLineSlot(value)));

    expect(calls.map((call) => call.method === "getLineStatuses" && call.ids)).toEqual([[id]]);
    expect(parts.shouldEndSession).toBe(true);
  });

  test.each([
    ["lizzie", "elizabeth", "elizabeth"],
    ["the vic", "victoria", "victoria"],
    ["hammersmith and city", "hammersmith and city", "hammersmith-city"],
    ["docklands", "dlr", "dlr"],
  ])("entity resolution wins: heard %p, resolved to %p, asks about %s", async (heard, canonical, id) => {
    const { calls } = await ask(createStatusEvent(resolvedLineSlot(heard, canonical)));

    expect(calls.map((call) => call.method === "getLineStatuses" && call.ids)).toEqual([[id]]);
  });

  test("a resolution without a match falls back to the raw value", async () => {
    const { calls } = await ask(createStatusEvent(unmatchedLineSlot("Jubilee")));

    expect(calls.map((call) => call.method === "getLineStatuses" && call.ids)).toEqual([["jubilee"]]);
  });
});

describe("StatusIntent with a line it does not know", () => {
  const unknownLineReply = speak([strings.unknownLine])
    .withReprompt([strings.unknownLineReprompt])
    .keepSessionOpen()
    .build();

  test.each([
    ["a slot without a value", createStatusEvent(rawLineSlot(undefined))],
    ["a null value", createStatusEvent(rawLineSlot(null))],
    ["an empty value", createStatusEvent(rawLineSlot(""))],
    ["a blank value", createStatusEvent(rawLineSlot("   "))],
    ["something that is not a line", createStatusEvent(rawLineSlot("not a tube line"))],
    ["a National Rail route", createStatusEvent(rawLineSlot("Thameslink"))],
    ["an unmatched resolution", createStatusEvent(unmatchedLineSlot("the purple one"))],
    ["an intent without slots", createStatusEvent(undefined)],
    [
      "empty slots",
      (() => {
        const event = createStatusEvent(undefined);
        event["request"]["intent"]["slots"] = {};
        return event;
      })(),
    ],
    [
      "SSML in the slot value",
      createStatusEvent(rawLineSlot('<speak><audio src="https://example.invalid/x.mp3"/></speak> & "quotes"')),
    ],
  ])("%s: apologises, says what can be asked and keeps the session open with a reprompt", async (_, event) => {
    const { response, parts, calls, log } = await ask(event, {});

    expect(calls).toEqual([]);
    expect(response).toEqual(unknownLineReply);
    expect(parts.shouldEndSession).toBe(false);
    expect(parts.repromptSsml).toBe("<speak>Which line would you like to hear about?</speak>");
    expect(parts.card).toBeUndefined();
    assertWellFormedSsml(parts.ssml!);
    expect(log.find("skill.status.unknownLine")).toHaveLength(1);
  });
});

describe("StatusIntent for the London Overground", () => {
  test.each([
    ["overground", rawLineSlot("overground")],
    ["London Overground", rawLineSlot("London Overground")],
    ["the overground", rawLineSlot("the overground")],
    ["a resolved London Overground", resolvedLineSlot("the ginger line", "london overground")],
  ])(
    "%s: one call for the mode; the delay, then the closed line, then the good lines in one sentence",
    async (_, slot) => {
      const { parts, calls } = await ask(createStatusEvent(slot), { modeStatuses: OVERGROUND_LINES });

      expect(calls).toEqual([
        {
          method: "getModeStatuses",
          modes: ["overground"],
          budget: { deadline: TEST_DEADLINE, log: expect.anything() },
        },
      ]);
      const written = [
        "Windrush line: Minor delays between Highbury & Islington and New Cross Gate.",
        "The Lioness line is closed at the moment.",
        "The Liberty, Mildmay, Suffragette and Weaver lines have a good service.",
      ];
      expect(paragraphsOf(parts.ssml!)).toEqual([
        "Windrush line: Minor delays between Highbury and Islington and New Cross Gate.",
        "The Lioness line is closed at the moment.",
        "The Liberty, Mildmay, Suffragette and Weaver lines have a good service.",
      ]);
      expect(parts.card).toEqual({ type: "Standard", title: strings.overgroundCardTitle, text: written.join("\n") });
      expect(parts.shouldEndSession).toBe(true);
      assertWellFormedSsml(parts.ssml!);
    },
  );

  /** The six Overground lines with a good service, each replaced by the given ones (matched by id). */
  function overground(...changed: TflLine[]): TflLine[] {
    const names = ["Liberty", "Lioness", "Mildmay", "Suffragette", "Weaver", "Windrush"];
    return names.map(
      (name) =>
        changed.find((line) => line.name === name) ?? {
          id: name.toLowerCase(),
          name,
          lineStatuses: [{ statusSeverity: 10, statusSeverityDescription: "Good Service" }],
        },
    );
  }

  function line(name: string, ...lineStatuses: TflLine["lineStatuses"][number][]): TflLine {
    return { id: name.toLowerCase(), name, lineStatuses };
  }

  const weaverDelays = line("Weaver", {
    statusSeverity: 9,
    statusSeverityDescription: "Minor Delays",
    reason: "Weaver line: Minor delays between Liverpool St. and Enfield Town.",
    validityPeriods: [{ isNow: true }],
  });
  const mildmayNoReason = line("Mildmay", {
    statusSeverity: 9,
    statusSeverityDescription: "Minor Delays",
    validityPeriods: [{ isNow: true }],
  });
  const suffragettePlanned = line("Suffragette", {
    statusSeverity: 4,
    statusSeverityDescription: "Planned Closure",
    reason: "Suffragette line: Sunday 15 March, no service between Gospel Oak and Barking Riverside.",
    validityPeriods: [{ isNow: false }],
  });
  const windrushClosed = line("Windrush", { statusSeverity: 20, statusSeverityDescription: "Service Closed" });
  const libertyClosed = line("Liberty", { statusSeverity: 20, statusSeverityDescription: "Service Closed" });

  test.each([
    ["every line has a good service", overground(), ["All London Overground lines have a good service."]],
    [
      "one line has a delay",
      overground(weaverDelays),
      [
        "Weaver line: Minor delays between Liverpool St. and Enfield Town.",
        "The Liberty, Lioness, Mildmay, Suffragette and Windrush lines have a good service.",
      ],
    ],
    [
      "TfL gives one line no reason: that line is said from its severity, the rest are read",
      overground(mildmayNoReason, weaverDelays),
      [
        "The Mildmay line has minor delays.",
        "Weaver line: Minor delays between Liverpool St. and Enfield Town.",
        "The Liberty, Lioness, Suffragette and Windrush lines have a good service.",
      ],
    ],
    [
      "a closure planned for later is not the state now",
      overground(suffragettePlanned),
      [
        "The Suffragette line has a good service now. Planned: Sunday 15 March, no service between Gospel Oak and Barking Riverside.",
        "The Liberty, Lioness, Mildmay, Weaver and Windrush lines have a good service.",
      ],
    ],
    [
      "one closed line and five good ones",
      overground(windrushClosed),
      [
        "The Windrush line is closed at the moment.",
        "The Liberty, Lioness, Mildmay, Suffragette and Weaver lines have a good service.",
      ],
    ],
    [
      "closed lines are one sentence, and a lone good line says has",
      overground(
        libertyClosed,
        windrushClosed,
        line("Lioness", { statusSeverity: 20 }),
        line("Mildmay", { statusSeverity: 20 }),
        line("Suffragette", { statusSeverity: 20 }),
      ),
      [
        "The Liberty, Lioness, Mildmay, Suffragette and Windrush lines are closed at the moment.",
        "The Weaver line has a good service.",
      ],
    ],
  ] as const)("%s", async (_title, lines, written) => {
    const { parts } = await ask(createStatusEvent(rawLineSlot("overground")), { modeStatuses: [...lines] });

    expect(parts.card?.text?.split("\n")).toEqual([...written]);
    expect(paragraphsOf(parts.ssml!)).toHaveLength(written.length);
    assertWellFormedSsml(parts.ssml!);
  });

  test("Liverpool St. is spoken as Liverpool Street, without the abbreviation's full stop", async () => {
    const { parts } = await ask(createStatusEvent(rawLineSlot("overground")), {
      modeStatuses: overground(weaverDelays),
    });

    expect(paragraphsOf(parts.ssml!)[0]).toBe("Weaver line: Minor delays between Liverpool Street and Enfield Town.");
  });

  test("one line without a reason never turns the answer into the apology", async () => {
    const { response, log } = await ask(createStatusEvent(rawLineSlot("overground")), {
      modeStatuses: overground(mildmayNoReason),
    });

    expect(response).not.toEqual(speak([strings.apology]).endSession().build());
    expect(log.find("skill.intent.failed")).toHaveLength(0);
  });

  test("no lines from TfL is an apology", async () => {
    const { response } = await ask(createStatusEvent(rawLineSlot("overground")), { modeStatuses: [] });

    expect(response).toEqual(speak([strings.apology]).endSession().build());
  });
});

describe("StatusIntent status text", () => {
  async function askAbout(key: keyof typeof CASES) {
    const line = CASES[key];
    return ask(createStatusEvent(rawLineSlot(line.id)), { lineStatuses: [line] });
  }

  test("a closed line says it is closed, not that it has a good service", async () => {
    const { parts } = await askAbout("closed");

    expect(parts.card?.text).toBe(textFor("Bakerloo", 20));
    expect(parts.card?.text).not.toBe(textFor("Bakerloo", 10));
    expect(parts.card?.text).toContain("Bakerloo");
  });

  test("no issues (18) is spoken as a good service", async () => {
    const { parts } = await askAbout("noIssues");

    expect(parts.card?.text).toBe(textFor("Jubilee", 10));
  });

  test("good service (10) names the line", async () => {
    const { parts } = await askAbout("goodService");

    expect(parts.card?.text).toBe(textFor("Central", 10));
    expect(parts.card?.text).toContain("Central line");
  });

  test("a delay reads TfL's reason without the line-name prefix", async () => {
    const { parts } = await askAbout("minorDelaysWithPrefix");

    expect(parts.card?.text).toBe(
      "Minor delays between Brixton and Walthamstow Central while we fix a signal failure at Seven Sisters.",
    );
    expect(parts.ssml).not.toContain("Victoria Line:");
  });

  test("a reason without a prefix is read as it is", async () => {
    const { parts } = await askAbout("reasonWithoutPrefix");

    expect(parts.card?.text).toBe(
      "Severe delays between Acton Town and Heathrow Terminal 5 because of an earlier faulty train.",
    );
  });

  test("a prefix that does not name the line is kept", async () => {
    const { parts } = await askAbout("reasonNamingAnotherLine");

    expect(parts.card?.text).toStartWith("Wimbledon branch: a reduced service");
  });

  test("with several statuses the most severe one is read", async () => {
    const { parts } = await askAbout("multipleStatuses");

    expect(parts.card?.text).toContain("No service between Kennington and Battersea Power Station");
    expect(parts.card?.text).not.toContain("High Barnet");
  });

  test("planned work that is not in effect now is said after the good service now", async () => {
    const { parts } = await askAbout("futureStatusIgnored");

    expect(parts.card?.text).toStartWith(
      "The Circle line has a good service now. Planned: Saturday 22 and Sunday 23 March",
    );
    expect(parts.card?.text).not.toContain("CIRCLE LINE:");
  });

  test.each([
    [
      "a line with only a future status",
      {
        statusSeverity: 5,
        statusSeverityDescription: "Part Closure",
        reason: "Victoria Line: Sunday, no service north of Seven Sisters.",
        validityPeriods: [{ isNow: false }],
      },
      "The Victoria line has a good service now. Planned: Sunday, no service north of Seven Sisters.",
    ],
    [
      "a line whose status has no reason",
      { statusSeverity: 6, statusSeverityDescription: "Severe Delays", validityPeriods: [{ isNow: true }] },
      "The Victoria line has severe delays.",
    ],
  ])("%s: speech and card say %p", async (_title, lineStatus, text) => {
    const { response } = await ask(createStatusEvent(rawLineSlot("victoria")), {
      lineStatuses: [{ id: "victoria", name: "Victoria", lineStatuses: [lineStatus] }],
    });

    expect(response).toEqual(speak([text]).withCard("Victoria Line Status", [text]).endSession().build());
  });

  test("a current disruption is read alone when a future one is listed too", async () => {
    const { parts } = await ask(createStatusEvent(rawLineSlot("victoria")), {
      lineStatuses: [
        {
          id: "victoria",
          name: "Victoria",
          lineStatuses: [
            { statusSeverity: 4, reason: "Victoria Line: Sunday, no service.", validityPeriods: [{ isNow: false }] },
            {
              statusSeverity: 9,
              reason: "Victoria Line: Minor delays at Brixton.",
              validityPeriods: [{ isNow: true }],
            },
          ],
        },
      ],
    });

    expect(parts.card?.text).toBe("Minor delays at Brixton.");
  });

  test("the DLR is spelt out once, with no doubled full stop", async () => {
    const { parts } = await askAbout("dlrGoodService");

    expect(parts.ssml).toContain("D.L.R.");
    expect(parts.ssml).not.toContain("D.L.R..");
    expect(parts.card?.title).toBe("DLR Status");
  });

  test("a DLR reason loses its DLR prefix", async () => {
    const { parts } = await askAbout("dlrMinorDelays");

    expect(parts.card?.text).toBe("Minor delays between Canning Town and Beckton due to an earlier power failure.");
  });

  test.each([["elizabethGoodService"], ["elizabethClosed"]] as const)(
    "the Elizabeth line is never called the Elizabeth line line (%s)",
    async (key) => {
      const { parts } = await askAbout(key);

      expect(parts.ssml).toContain("Elizabeth line");
      expect(parts.ssml).not.toMatch(/line line/i);
      expect(parts.card?.title).toBe("Elizabeth line Status");
    },
  );

  test("an ampersand in a line name is spoken as and", async () => {
    const { parts } = await askAbout("hammersmithGoodService");

    expect(parts.ssml).toContain("Hammersmith and City");
    expect(parts.ssml).not.toContain("&amp;");
  });

  test("a closed Waterloo & City line is well-formed SSML", async () => {
    const { parts } = await askAbout("waterlooClosed");

    assertWellFormedSsml(parts.ssml!);
    expect(parts.card?.title).toBe("Waterloo & City Line Status");
  });

  test("a reason full of SSML and quotes stays text inside well-formed SSML", async () => {
    const { parts } = await askAbout("hostileReason");

    assertWellFormedSsml(parts.ssml!);
    expect(unescapeXml(parts.ssml!)).toContain('<break time="10s"/>');
    expect(parts.card?.text).toContain("</speak><speak>");
  });

  test("the line with the asked id is used even when TfL lists another first", async () => {
    const victoria = GOOD_SERVICE_LINES.find((line) => line.id === "victoria")!;
    const central = GOOD_SERVICE_LINES.find((line) => line.id === "central")!;
    const { parts } = await ask(createStatusEvent(rawLineSlot("victoria")), { lineStatuses: [central, victoria] });

    expect(parts.card?.text).toBe(describeLineStatus(victoria));
  });
});

describe("StatusIntent failures", () => {
  const apology = speak([strings.apology]).endSession().build();

  test.each([
    ["TfL fails", { lineStatuses: new FakePortError("TfL answered 503") }],
    ["TfL returns no lines", { lineStatuses: [] }],
    ["TfL returns a line without statuses", { lineStatuses: [{ id: "victoria", name: "Victoria", lineStatuses: [] }] }],
  ] satisfies [string, PortScript][])("%s: the user hears the apology and the failure is logged", async (_, script) => {
    const { response, log } = await ask(createStatusEvent(rawLineSlot("victoria")), script);

    expect(response).toEqual(apology);
    const failures = log.find("skill.intent.failed");
    expect(failures).toHaveLength(1);
    expect(failures[0]?.fields["intent"]).toBe("StatusIntent");
    expect(failures[0]?.fields["error"]).toBeInstanceOf(Error);
  });
});
