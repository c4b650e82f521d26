import { describe, expect, test } from "bun:test";
import hostile from "../../fixtures/tfl/disruptions-hostile.json" with { type: "json" };
import many from "../../fixtures/tfl/disruptions-many.json" with { type: "json" };
import none from "../../fixtures/tfl/disruptions-none.json" with { type: "json" };
import one from "../../fixtures/tfl/disruptions-one.json" with { type: "json" };
import intentDisruption from "../../fixtures/alexa/intent-disruption.json" with { type: "json" };
import { handleAlexaRequest } from "../../../src/skill/index.ts";
import type { TflDisruption } from "../../../src/skill/ports.ts";
import { speak } from "../../../src/skill/response.ts";
import { strings } from "../../../src/skill/speech/strings.ts";
import { assertWellFormedSsml, clone, paragraphsOf, partsOf } from "../../helpers/alexa.ts";
import { createHarness, FakePortError, TEST_DEADLINE, type PortScript } from "../../helpers/fake-ports.ts";

async function askAboutDisruption(script: PortScript) {
  const harness = createHarness(script);
  const response = await handleAlexaRequest(clone(intentDisruption), harness.invocation, harness.deps);
  return { response, parts: partsOf(response), ...harness };
}

describe("DisruptionIntent", () => {
  test("asks TfL once for the DLR, Elizabeth line, Overground and Tube modes", async () => {
    const { calls } = await askAboutDisruption({ disruptions: none });

    expect(calls).toEqual([
      {
        method: "getModeDisruptions",
        modes: ["dlr", "elizabeth-line", "overground", "tube"],
        budget: { deadline: TEST_DEADLINE, log: expect.anything() },
      },
    ]);
  });

  test.each([
    ["no disruptions", none],
    ["only blank descriptions", [{ description: "" }, { description: "   " }]],
  ])("%s: says there is no disruption, with the summary card", async (_, disruptions) => {
    const { response, parts } = await askAboutDisruption({ disruptions });

    expect(response).toEqual(
      speak([strings.noDisruption]).withCard(strings.disruptionCardTitle, [strings.noDisruption]).endSession().build(),
    );
    expect(parts.ssml).toContain("D.L.R.");
    expect(parts.card?.text).toContain("DLR");
    expect(parts.shouldEndSession).toBe(true);
  });

  test("one disruption: reads it, then says every other line is fine", async () => {
    const { response, parts } = await askAboutDisruption({ disruptions: one });
    const description = (one as TflDisruption[])[0]!.description;

    expect(response).toEqual(
      speak([description, strings.otherLinesGoodService])
        .withCard(strings.disruptionCardTitle, [description])
        .endSession()
        .build(),
    );
    expect(paragraphsOf(parts.ssml!)).toHaveLength(2);
  });

  test("many disruptions: duplicates dropped ignoring case, sorted ignoring case, trimmed", async () => {
    const { parts } = await askAboutDisruption({ disruptions: many });

    expect(parts.card).toEqual({
      type: "Standard",
      title: strings.disruptionCardTitle,
      text: [
        "DLR: Minor delays between Poplar and Lewisham.",
        "Elizabeth line: No service between Abbey Wood and Whitechapel.",
        "Mildmay line: Reduced service between Stratford and Richmond.",
        "Piccadilly Line: Severe delays between Acton Town and Heathrow while we fix a faulty train.",
        "Waterloo & City Line: Minor delays while we run a reduced service.",
      ].join("\n"),
    });
    const paragraphs = paragraphsOf(parts.ssml!);
    expect(paragraphs).toHaveLength(6);
    expect(paragraphs[0]).toStartWith("D.L.R.");
    expect(paragraphs[4]).toStartWith("Waterloo and City Line:");
    expect(paragraphs[5]).toBe(
      paragraphsOf(speak([strings.otherLinesGoodService]).build().response.outputSpeech!.ssml)[0]!,
    );
    expect(parts.shouldEndSession).toBe(true);
    assertWellFormedSsml(parts.ssml!);
  });

  test("the first spelling of a duplicate is the one kept", async () => {
    const { parts } = await askAboutDisruption({
      disruptions: [{ description: "Circle Line: Minor delays." }, { description: "CIRCLE LINE: MINOR DELAYS." }],
    });

    expect(parts.card?.text).toBe("Circle Line: Minor delays.");
  });

  test("descriptions are compared ignoring case when sorting", async () => {
    const { parts } = await askAboutDisruption({
      disruptions: [
        { description: "central line: closed." },
        { description: "Bakerloo Line: delays." },
        { description: "DLR: delays." },
      ],
    });

    expect(parts.card?.text).toBe(["Bakerloo Line: delays.", "central line: closed.", "DLR: delays."].join("\n"));
  });

  test("a description full of SSML and quotes stays text inside well-formed SSML", async () => {
    const { parts } = await askAboutDisruption({ disruptions: hostile });

    assertWellFormedSsml(parts.ssml!);
    expect(parts.card?.text).toContain('<prosody rate="x-slow">');
  });

  test("a TfL failure is the apology", async () => {
    const { response, log } = await askAboutDisruption({ disruptions: new FakePortError("TfL timed out") });

    expect(response).toEqual(speak([strings.apology]).endSession().build());
    expect(log.find("skill.intent.failed")[0]?.fields["intent"]).toBe("DisruptionIntent");
  });
});
