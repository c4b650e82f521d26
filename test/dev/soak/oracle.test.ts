/**
 * The fuzzers' oracle must pass the right words and catch wrong ones: each row is an answer a
 * skill might give and what the oracle must say about it.
 */
import { describe, expect, test } from "bun:test";
import { answerProblems, expectedLine, plain, spokenText, type Expectation } from "../../../src/dev/soak/oracle.ts";

function answer(
  ssml: string,
  card?: { title: string; text: string } | { type: "LinkAccount" },
  extra: Record<string, unknown> = {},
) {
  const shown = card === undefined ? {} : { card: "type" in card ? card : { type: "Standard", ...card } };
  return {
    version: "1.0",
    response: { outputSpeech: { type: "SSML", ssml }, ...shown, shouldEndSession: true, ...extra },
  };
}

const JUBILEE_REASON = "Jubilee line: Severe delays at Neasden & Wembley <Park>.";
const victoria: Expectation = { kind: "lines", lines: [{ name: "Victoria", says: "good service" }] };
const jubilee: Expectation = { kind: "lines", lines: [{ name: "Jubilee", says: { reason: JUBILEE_REASON } }] };
const bystanders = {
  lines: [
    { name: "Victoria", says: "good service" as const },
    { name: "Jubilee", says: { reason: JUBILEE_REASON } },
    { name: "Circle", says: "closed" as const },
  ],
};
const APOLOGY = "<speak>Sorry, something went wrong. Please try again in a little while.</speak>";

const RIGHT: ReadonlyArray<readonly [string, Expectation, unknown]> = [
  [
    "a good service",
    victoria,
    answer("<speak>The Victoria line has a good service.</speak>", {
      title: "Victoria Line Status",
      text: "The Victoria line has a good service.",
    }),
  ],
  [
    "a reason without TfL's prefix, escaped in speech",
    jubilee,
    answer("<speak>Severe delays at Neasden and Wembley &lt;Park&gt;.</speak>", {
      title: "Jubilee Line Status",
      text: "Severe delays at Neasden & Wembley <Park>.",
    }),
  ],
  ["the apology", { kind: "apology" }, answer(APOLOGY)],
  [
    "no disruption",
    { kind: "disruptions", descriptions: [" \n "] },
    answer("<speak>There's no disruption.</speak>", {
      title: "Current Disruption",
      text: "There's no disruption on the Tube, the London Overground, the DLR or the Elizabeth line at the moment.",
    }),
  ],
  [
    "a grouped good service for several lines",
    {
      kind: "lines",
      lines: [
        { name: "Liberty", says: "good service" },
        { name: "Weaver", says: "good service" },
      ],
    },
    answer("<speak>The Liberty and Weaver lines have a good service.</speak>", {
      title: "London Overground Status",
      text: "The Liberty and Weaver lines have a good service.",
    }),
  ],
];

const WRONG: ReadonlyArray<readonly [string, Expectation, unknown, string]> = [
  ["the apology for a usable answer", victoria, answer(APOLOGY), "apologised, but"],
  [
    "another line's status",
    victoria,
    answer("<speak>The Circle line is closed.</speak>", { title: "Circle", text: "The Circle line is closed." }),
    "Victoria is not named",
  ],
  [
    "the right line and another line's reason",
    victoria,
    answer("<speak>x</speak>", {
      title: "Victoria Line Status",
      text: "The Victoria line has a good service. Severe delays at Neasden & Wembley <Park>.",
    }),
    "reads another line's reason (Jubilee)",
  ],
  [
    "TfL's prefix read out",
    jubilee,
    answer("<speak>x</speak>", { title: "Jubilee Line Status", text: JUBILEE_REASON }),
    "prefix was read out",
  ],
  [
    "a reason not read",
    jubilee,
    answer("<speak>The Jubilee line has delays.</speak>", { title: "Jubilee", text: "The Jubilee line has delays." }),
    "reason not read",
  ],
  [
    "an answer where the apology was due",
    { kind: "apology" },
    answer("<speak>The Victoria line has a good service.</speak>"),
    "expected the apology",
  ],
  [
    "one disruption of two",
    { kind: "disruptions", descriptions: ["Delays at Bank.", "Closed at Oval."] },
    answer("<speak><p>Delays at Bank.</p><p>Every other line has a good service.</p></speak>", {
      title: "Current Disruption",
      text: "Delays at Bank.",
    }),
    'disruption not read: "Closed at Oval."',
  ],
  [
    "no disruption when there is some",
    { kind: "disruptions", descriptions: ["Delays at Bank."] },
    answer("<speak>x</speak>", {
      title: "Current Disruption",
      text: "There's no disruption on the Tube, the London Overground, the DLR or the Elizabeth line at the moment.",
    }),
    "the answer read none",
  ],
  [
    "the unknown-line question without a reprompt",
    { kind: "unknownLine" },
    answer("<speak>Sorry, I&apos;m not sure which line you meant. Which one?</speak>"),
    "must reprompt",
  ],
  [
    "re-link words without the LinkAccount card",
    { kind: "relink" },
    answer(
      "<speak>Your London Travel account doesn&apos;t seem to be linked any more. Please link it again in the Alexa app to hear about your commute.</speak>",
    ),
    "no LinkAccount card",
  ],
  [
    "an answer that leaves the session open",
    victoria,
    answer(
      "<speak>The Victoria line has a good service.</speak>",
      { title: "Victoria Line Status", text: "The Victoria line has a good service." },
      { shouldEndSession: false },
    ),
    "session must end",
  ],
];

describe("answerProblems", () => {
  test.each(RIGHT)("accepts %s", (_name, expectation, response) => {
    expect(answerProblems(response, expectation, bystanders)).toEqual([]);
  });

  test.each(WRONG)("catches %s", (_name, expectation, response, problem) => {
    expect(answerProblems(response, expectation, bystanders).join("; ")).toContain(problem);
  });
});

describe("expectedLine", () => {
  test.each([
    ["good service", [{ statusSeverity: 10 }], { name: "X", says: "good service" }],
    ["no issues", [{ statusSeverity: 18 }], { name: "X", says: "good service" }],
    ["closed", [{ statusSeverity: 20, reason: "Closed." }], { name: "X", says: "closed" }],
    [
      "the reason of the worst status",
      [
        { statusSeverity: 9, reason: "a" },
        { statusSeverity: 6, reason: "b" },
      ],
      { name: "X", says: { reason: "b" } },
    ],
    [
      "a current status over future work",
      [{ statusSeverity: 10 }, { statusSeverity: 4, reason: "Sunday.", validityPeriods: [{ isNow: false }] }],
      { name: "X", says: "good service" },
    ],
    ["a line named for a delay without a reason", [{ statusSeverity: 6, reason: " " }], { name: "X", says: "named" }],
    [
      "a good service when only future work is listed",
      [{ statusSeverity: 4, reason: "Sunday.", validityPeriods: [{ isNow: false }] }],
      { name: "X", says: "good service" },
    ],
    ["nothing for no status", [], undefined],
  ] as const)("reads %s", (_name, lineStatuses, expected) => {
    expect(expectedLine({ name: "X", lineStatuses })).toEqual(expected as never);
  });
});

describe("plain and spokenText", () => {
  test("drop what cannot be shown and read entities back", () => {
    expect(plain(" a \u0000\u0007 b\r\n\tc \uD800")).toBe("a b c");
    expect(spokenText("<speak><p>Tom &amp; Jerry&apos;s</p><p>&lt;b&gt;</p></speak>")).toBe("Tom & Jerry's <b>");
  });
});
