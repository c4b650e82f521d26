import { describe, expect, test } from "bun:test";
import fixture from "../fixtures/skill/tfl-lines.json";
import { LINES } from "../../src/skill/lines.ts";
import { toSsml } from "../../src/skill/speech/ssml.ts";
import {
  assessLine,
  describeLineStatus,
  lineNameAsTitle,
  lineNameInSentence,
  linesInSentence,
  StatusTextError,
  type LineInput,
} from "../../src/skill/status-text.ts";
import { findSsmlProblem } from "../helpers/ssml-checks.ts";

type FixtureName = keyof typeof fixture.lines;

function fixtureLine(name: FixtureName): LineInput {
  return fixture.lines[name] as LineInput;
}

function oneStatus(name: string, statusSeverity: number, reason?: string | null): LineInput {
  return { name, lineStatuses: [{ statusSeverity, reason }] };
}

const REASON = "METROPOLITAN LINE: Minor delays between Harrow-on-the-Hill and Moor Park.";
const STRIPPED = "Minor delays between Harrow-on-the-Hill and Moor Park.";

describe("describeLineStatus severities", () => {
  test.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 19, 42, -1])(
    "reads the reason for severity %i",
    (severity) => {
      expect(describeLineStatus(oneStatus("Metropolitan", severity, REASON))).toBe(STRIPPED);
    },
  );

  test.each([
    [10, "Good Service"],
    [18, "No Issues"],
  ])("says there is a good service for severity %i (%s) and ignores any reason", (severity) => {
    expect(describeLineStatus(oneStatus("Metropolitan", severity, REASON))).toBe(
      "The Metropolitan line has a good service.",
    );
  });

  test("says a line with severity 20 is closed, starting with a capital", () => {
    expect(describeLineStatus(oneStatus("Bakerloo", 20, null))).toBe("The Bakerloo line is closed at the moment.");
  });

  test.each([
    ["Central", "The Central line has a good service."],
    ["DLR", "The DLR has a good service."],
    ["Elizabeth line", "The Elizabeth line has a good service."],
    ["Hammersmith & City", "The Hammersmith & City line has a good service."],
    ["Windrush", "The Windrush line has a good service."],
  ])("names %p naturally in the good-service sentence", (name, text) => {
    expect(describeLineStatus(oneStatus(name, 10))).toBe(text);
  });

  test.each([
    ["DLR", "The DLR is closed at the moment."],
    ["Elizabeth line", "The Elizabeth line is closed at the moment."],
    ["Waterloo & City", "The Waterloo & City line is closed at the moment."],
  ])("names %p naturally in the closed sentence", (name, text) => {
    expect(describeLineStatus(oneStatus(name, 20))).toBe(text);
  });
});

describe("describeLineStatus with several statuses", () => {
  test("reads the most severe (lowest) status in effect now", () => {
    expect(describeLineStatus(fixtureLine("circleTwoStatuses"))).toBe(
      "Severe delays between Aldgate and Tower Hill after an earlier signal failure at Monument.",
    );
  });

  test("does not depend on the order TfL lists the statuses in", () => {
    const line = fixtureLine("circleTwoStatuses");
    expect(describeLineStatus({ ...line, lineStatuses: [...line.lineStatuses].reverse() })).toBe(
      describeLineStatus(line),
    );
  });

  test("reads the delay when a delay and a good service are both current", () => {
    const line: LineInput = {
      name: "Victoria",
      lineStatuses: [{ statusSeverity: 10 }, { statusSeverity: 9, reason: "Victoria line: Minor delays." }],
    };
    expect(describeLineStatus(line)).toBe("Minor delays.");
  });

  test("says a planned closure that is not in effect now after the good service it has now", () => {
    expect(describeLineStatus(fixtureLine("northernFutureClosure"))).toBe(
      "The Northern line has a good service now. Planned: Saturday 8 and Sunday 9 March, no service between Camden Town and Edgware.",
    );
  });

  test("ignores a future status even when it is listed with several future periods", () => {
    const line: LineInput = {
      name: "Central",
      lineStatuses: [
        {
          statusSeverity: 3,
          reason: "Central line: Closed next weekend.",
          validityPeriods: [{ isNow: false }, { isNow: false }],
        },
        { statusSeverity: 9, reason: "Central line: Minor delays now.", validityPeriods: [{ isNow: true }] },
      ],
    };
    expect(describeLineStatus(line)).toBe("Minor delays now.");
  });

  test("counts a status as current when any of its periods is now", () => {
    const line: LineInput = {
      name: "Central",
      lineStatuses: [
        { statusSeverity: 10 },
        {
          statusSeverity: 5,
          reason: "Central line: Part closure.",
          validityPeriods: [{ isNow: false }, { isNow: true }],
        },
      ],
    };
    expect(describeLineStatus(line)).toBe("Part closure.");
  });

  test("never reads a lone future closure as the state now: good service now, then the plan", () => {
    expect(describeLineStatus(fixtureLine("dlrLoneFutureWorks"))).toBe(
      "The DLR has a good service now. Planned: Sunday 16 March, no service between Poplar and Lewisham. " +
        "Use the Jubilee line or local buses.",
    );
  });
});

describe("describeLineStatus reason prefixes", () => {
  test.each([
    ["Circle", "CIRCLE LINE: Minor delays.", "Minor delays."],
    ["Circle", "Circle Line: Minor delays.", "Minor delays."],
    ["Circle", "circle: Minor delays.", "Minor delays."],
    ["DLR", "DLR: No service to Bank.", "No service to Bank."],
    ["Elizabeth line", "Elizabeth line: Reduced service.", "Reduced service."],
    ["Elizabeth line", "ELIZABETH LINE: Reduced service.", "Reduced service."],
    ["Hammersmith & City", "HAMMERSMITH & CITY LINE: Severe delays.", "Severe delays."],
    ["Hammersmith & City", "Hammersmith and City Line: Severe delays.", "Severe delays."],
    ["Waterloo & City", "Waterloo and City Line: Not running.", "Not running."],
    ["Windrush", "WINDRUSH LINE: no service to Crystal Palace.", "No service to Crystal Palace."],
  ])("strips the prefix that names the %s line from %p", (name, reason, text) => {
    expect(describeLineStatus(oneStatus(name, 6, reason))).toBe(text);
  });

  test.each([
    ["DLR", "Cutty Sark: Trains call in one direction only."],
    ["Circle", "DISTRICT LINE: Severe delays on the shared section."],
    ["Northern", "Note: Trains do not stop at Mornington Crescent."],
    ["Central", "Central and Circle lines: Minor delays."],
    ["Jubilee", "Jubilee line:Minor delays without a space."],
  ])("keeps the text before the colon on the %s line in %p", (name, reason) => {
    expect(describeLineStatus(oneStatus(name, 9, reason))).toBe(reason);
  });

  test("keeps a station name before the colon (fixture)", () => {
    expect(describeLineStatus(fixtureLine("dlrStationPrefix"))).toBe(
      "Cutty Sark: Trains call in one direction only until further notice.",
    );
  });

  test("tidies double and trailing spaces", () => {
    expect(describeLineStatus(fixtureLine("waterlooCityAndPrefix"))).toBe("Trains run again from 06:10 on Monday.");
    expect(describeLineStatus(oneStatus("Central", 9, "  Minor   delays\n between  Bank and\tHolborn.  "))).toBe(
      "Minor delays between Bank and Holborn.",
    );
  });
});

describe("describeLineStatus when there is nothing to say", () => {
  test.each([
    ["no statuses at all", fixtureLine("victoriaNoStatus")],
    ["no statuses, built here", { name: "Victoria", lineStatuses: [] }],
  ])("throws a StatusTextError for %s", (_title, line) => {
    let caught: unknown;
    try {
      describeLineStatus(line);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StatusTextError);
    expect((caught as Error).name).toBe("StatusTextError");
  });
});

function withoutReason(
  name: string,
  statusSeverity: number,
  statusSeverityDescription?: string,
  reason?: string | null,
): LineInput {
  return { name, lineStatuses: [{ statusSeverity, statusSeverityDescription, reason }] };
}

describe("describeLineStatus for a status TfL sent without a reason", () => {
  test.each([
    [withoutReason("Mildmay", 9, "Minor Delays"), "The Mildmay line has minor delays."],
    [withoutReason("Mildmay", 9, "Minor Delays", null), "The Mildmay line has minor delays."],
    [withoutReason("Mildmay", 9, "Minor Delays", "   "), "The Mildmay line has minor delays."],
    [withoutReason("Mildmay", 9, "Minor Delays", "MILDMAY LINE: "), "The Mildmay line has minor delays."],
    [withoutReason("Bakerloo", 6, "Severe Delays"), "The Bakerloo line has severe delays."],
    [withoutReason("DLR", 7, "Reduced Service"), "The DLR has a reduced service."],
    [withoutReason("Elizabeth line", 2, "Suspended"), "The Elizabeth line is suspended."],
    [withoutReason("Windrush", 3, "Part Suspended"), "The Windrush line is part suspended."],
    [withoutReason("Circle", 4, "Planned Closure"), "The Circle line has a planned closure."],
    [withoutReason("District", 5, "Part Closure"), "The District line has a part closure."],
    [withoutReason("Weaver", 8, "Bus Service"), "The Weaver line has a replacement bus service."],
    [withoutReason("Central", 0, "Special Service"), "The Central line has a special service."],
    [withoutReason("Central", 1, "Closed"), "The Central line is closed."],
    [withoutReason("Central", 11, "Part Closed"), "The Central line is part closed."],
    [withoutReason("Central", 12, "Exit Only"), "The Central line has stations that are exit only."],
    [withoutReason("Central", 13, "No Step Free Access"), "The Central line has no step-free access at some stations."],
    [withoutReason("Central", 13, "No Step-Free Access"), "The Central line has no step-free access at some stations."],
    [withoutReason("Central", 14, "Change of frequency"), "The Central line has a change of frequency."],
    [withoutReason("Central", 15, "Diverted"), "The Central line is diverted."],
    [withoutReason("Central", 16, "Not Running"), "The Central line is not running."],
    [withoutReason("Central", 17, "Issues Reported"), "The Central line has reported issues."],
    [withoutReason("Central", 19, "Information"), "The Central line has a service update."],
    [withoutReason("Jubilee", 9, "  minor   DELAYS "), "The Jubilee line has minor delays."],
  ])("%# says %p", (line, text) => {
    expect(describeLineStatus(line)).toBe(text);
  });

  test.each([
    [withoutReason("Bakerloo", 6), "The Bakerloo line has severe delays."],
    [withoutReason("Bakerloo", 6, ""), "The Bakerloo line has severe delays."],
    [fixtureLine("bakerlooNoReason"), "The Bakerloo line has severe delays."],
    [withoutReason("Victoria", 16), "The Victoria line is not running."],
  ])("%# falls back on TfL's description of the severity number: %p", (line, text) => {
    expect(describeLineStatus(line)).toBe(text);
  });

  test("names a description it has no phrase for as TfL gives it", () => {
    expect(describeLineStatus(withoutReason("Lioness", 9, "Flooding"))).toBe("TfL lists the Lioness line as Flooding.");
  });

  test("says TfL gave no details when there is neither a reason nor a known severity", () => {
    expect(describeLineStatus(withoutReason("Lioness", 42))).toBe(
      "TfL reports a change to the Lioness line but gives no details.",
    );
  });

  test("still prefers the reason when there is one", () => {
    expect(
      describeLineStatus(withoutReason("Mildmay", 9, "Minor Delays", "Mildmay line: Minor delays at Hackney.")),
    ).toBe("Minor delays at Hackney.");
  });
});

function status(
  statusSeverity: number,
  isNow: boolean | undefined,
  reason?: string,
): LineInput["lineStatuses"][number] {
  return { statusSeverity, reason, validityPeriods: isNow === undefined ? [] : [{ isNow }] };
}

describe("statuses that are not in effect now", () => {
  const PLAN = "VICTORIA LINE: Saturday 8 March, no service between Brixton and Stockwell.";
  const SAID = "Saturday 8 March, no service between Brixton and Stockwell.";

  test.each([
    ["only a future status", [status(4, false, PLAN)], `The Victoria line has a good service now. Planned: ${SAID}`],
    [
      "a good service now and a future status",
      [status(10, undefined), status(4, false, PLAN)],
      `The Victoria line has a good service now. Planned: ${SAID}`,
    ],
    [
      "no issues now and a future status",
      [status(18, true), status(5, false, PLAN)],
      `The Victoria line has a good service now. Planned: ${SAID}`,
    ],
    [
      "two future statuses: the most severe plan is read",
      [status(9, false, "Victoria line: Minor delays on Sunday."), status(4, false, PLAN)],
      `The Victoria line has a good service now. Planned: ${SAID}`,
    ],
    [
      "a future status whose plan has no full stop",
      [status(4, false, "Victoria line: Closed on Sunday")],
      "The Victoria line has a good service now. Planned: Closed on Sunday.",
    ],
    [
      "a current disruption and a future one: only now is read",
      [status(4, false, PLAN), status(9, true, "Victoria line: Minor delays at Oxford Circus.")],
      "Minor delays at Oxford Circus.",
    ],
    [
      "a current disruption without a reason and a future one",
      [status(4, false, PLAN), { ...status(6, true), statusSeverityDescription: "Severe Delays" }],
      "The Victoria line has severe delays.",
    ],
    [
      "closed now with a plan for later",
      [status(20, true), status(4, false, PLAN)],
      "The Victoria line is closed at the moment.",
    ],
    [
      "a future status without a reason: a plain good service",
      [status(4, false), status(10, undefined)],
      "The Victoria line has a good service.",
    ],
    ["a future good service", [status(10, false)], "The Victoria line has a good service."],
    [
      "a status with one period now and one later counts as now",
      [{ statusSeverity: 5, reason: PLAN, validityPeriods: [{ isNow: false }, { isNow: true }] }],
      SAID,
    ],
  ] as const)("%s", (_title, lineStatuses, text) => {
    expect(describeLineStatus({ name: "Victoria", lineStatuses })).toBe(text);
  });

  test("the good-service-now sentence never reads the plan as the state now", () => {
    const text = describeLineStatus({ name: "Mildmay", lineStatuses: [status(3, false, "Mildmay line: No service.")] });
    expect(text).toStartWith("The Mildmay line has a good service now.");
  });
});

describe("assessLine", () => {
  test.each([
    ["a good service", [status(10, undefined)], { kind: "goodService" }],
    ["no issues", [status(18, undefined)], { kind: "goodService" }],
    ["a closed line", [status(20, true, "Trains start at 05:30.")], { kind: "closed" }],
    ["a reason", [status(9, true, "Weaver line: Minor delays.")], { kind: "reason", text: "Minor delays." }],
    [
      "no reason",
      [{ statusSeverity: 9, statusSeverityDescription: "Minor Delays" }],
      { kind: "sentence", text: "The Weaver line has minor delays." },
    ],
    [
      "only a plan",
      [status(4, false, "Weaver line: Closed on Sunday.")],
      { kind: "sentence", text: "The Weaver line has a good service now. Planned: Closed on Sunday." },
    ],
  ] as const)("%s", (_title, lineStatuses, report) => {
    expect(assessLine({ name: "Weaver", lineStatuses })).toEqual(report);
  });
});

describe("line names", () => {
  test.each([
    ["Victoria", "the Victoria line", "Victoria Line"],
    ["DLR", "the DLR", "DLR"],
    ["Elizabeth line", "the Elizabeth line", "Elizabeth line"],
    ["Hammersmith & City", "the Hammersmith & City line", "Hammersmith & City Line"],
    ["Waterloo & City", "the Waterloo & City line", "Waterloo & City Line"],
    ["Mildmay", "the Mildmay line", "Mildmay line"],
    ["Liberty", "the Liberty line", "Liberty line"],
    ["Windrush", "the Windrush line", "Windrush line"],
    ["London Overground", "the London Overground", "London Overground"],
  ])("calls %p %p in a sentence and %p as a title", (name, inSentence, asTitle) => {
    expect(lineNameInSentence(name)).toBe(inSentence);
    expect(lineNameAsTitle(name)).toBe(asTitle);
  });

  test.each(LINES.map((line) => [line.name, line.mode] as const))(
    "writes %p as TfL does for the %s (Tube: Line, Overground and Elizabeth: line, DLR: bare)",
    (name, mode) => {
      const expected = { tube: `${name} Line`, overground: `${name} line`, "elizabeth-line": name, dlr: "DLR" }[mode];
      expect(lineNameAsTitle(name)).toBe(expected);
      expect(lineNameInSentence(name)).toBe(
        mode === "dlr" ? "the DLR" : mode === "elizabeth-line" ? `the ${name}` : `the ${name} line`,
      );
    },
  );

  test.each([
    [["Weaver"], "the Weaver line"],
    [["DLR"], "the DLR"],
    [["Liberty", "Weaver"], "the Liberty and Weaver lines"],
    [["Liberty", "Lioness", "Suffragette", "Weaver"], "the Liberty, Lioness, Suffragette and Weaver lines"],
    [["Northern", "Victoria"], "the Northern and Victoria lines"],
    [["DLR", "Victoria"], "the DLR and the Victoria line"],
    [["DLR", "Elizabeth line", "Jubilee"], "the DLR, the Elizabeth line and the Jubilee line"],
    [
      ["Circle", "Hammersmith & City", "Metropolitan"],
      "the Circle line, the Hammersmith & City line and the Metropolitan line",
    ],
    [["Waterloo and City", "Central"], "the Waterloo and City line and the Central line"],
  ])("lists %p as %p", (names, subject) => {
    expect(linesInSentence(names)).toBe(subject);
  });

  test.each(LINES.map((line) => [line.name] as const))("never says %p with a doubled noun", (name) => {
    expect(lineNameInSentence(name)).not.toMatch(/line line/i);
    expect(lineNameAsTitle(name)).not.toMatch(/line line/i);
  });
});

describe("status text as Alexa says it", () => {
  test.each([
    ["dlrNoIssues", "<speak>The D.L.R. has a good service.</speak>"],
    ["hammersmithGood", "<speak>The Hammersmith and City line has a good service.</speak>"],
    ["piccadillyClosed", "<speak>The Piccadilly line is closed at the moment.</speak>"],
    [
      "elizabethReason",
      "<speak>A reduced service runs between Abbey Wood and Shenfield because of staff shortages.</speak>",
    ],
    ["jubileeGood", "<speak>The Jubilee line has a good service.</speak>"],
  ] as const)("speaks the %s fixture as %p", (name, ssml) => {
    expect(toSsml([describeLineStatus(fixtureLine(name))])).toBe(ssml);
  });

  test("says D.L.R. without a doubled full stop when a reason ends with the DLR", () => {
    const ssml = toSsml([
      describeLineStatus(oneStatus("Jubilee", 9, "Jubilee line: Minor delays. Tickets are accepted on the DLR.")),
    ]);
    expect(ssml).toBe("<speak>Minor delays. Tickets are accepted on the D.L.R.</speak>");
    expect(ssml).not.toContain("D.L.R..");
  });

  test.each(Object.keys(fixture.lines).filter((name) => name !== "victoriaNoStatus"))(
    "turns the %s fixture into well-formed SSML",
    (name) => {
      expect(findSsmlProblem(toSsml([describeLineStatus(fixtureLine(name as FixtureName))]))).toBeUndefined();
    },
  );
});
