import { describe, expect, test } from "bun:test";
import fixture from "../fixtures/skill/tfl-lines.json";
import { LINES } from "../../src/skill/lines.ts";
import { toSsml } from "../../src/skill/speech/ssml.ts";
import {
  describeLineStatus,
  lineNameAsTitle,
  lineNameInSentence,
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

  test("ignores a planned closure that is not in effect now", () => {
    expect(describeLineStatus(fixtureLine("northernFutureClosure"))).toBe("The Northern line has a good service.");
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

  test("reads a lone future closure rather than apologising, because its reason names the dates", () => {
    expect(describeLineStatus(fixtureLine("dlrLoneFutureWorks"))).toBe(
      "Sunday 16 March, no service between Poplar and Lewisham. Use the Jubilee line or local buses.",
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
    ["a detailed status with a null reason", fixtureLine("bakerlooNoReason")],
    ["a detailed status without a reason", oneStatus("Bakerloo", 6)],
    ["a detailed status with a blank reason", oneStatus("Bakerloo", 6, "   ")],
    ["a reason that is only the line prefix", oneStatus("Bakerloo", 6, "BAKERLOO LINE: ")],
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

describe("line names", () => {
  test.each([
    ["Victoria", "the Victoria line", "Victoria Line"],
    ["DLR", "the DLR", "DLR"],
    ["Elizabeth line", "the Elizabeth line", "Elizabeth line"],
    ["Hammersmith & City", "the Hammersmith & City line", "Hammersmith & City Line"],
    ["Waterloo & City", "the Waterloo & City line", "Waterloo & City Line"],
    ["Mildmay", "the Mildmay line", "Mildmay Line"],
    ["London Overground", "the London Overground", "London Overground"],
  ])("calls %p %p in a sentence and %p as a title", (name, inSentence, asTitle) => {
    expect(lineNameInSentence(name)).toBe(inSentence);
    expect(lineNameAsTitle(name)).toBe(asTitle);
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

  test.each(Object.keys(fixture.lines).filter((name) => !["bakerlooNoReason", "victoriaNoStatus"].includes(name)))(
    "turns the %s fixture into well-formed SSML",
    (name) => {
      expect(findSsmlProblem(toSsml([describeLineStatus(fixtureLine(name as FixtureName))]))).toBeUndefined();
    },
  );
});
