/**
 * Issue 7, item 5 (in process): hostile slot values and hostile TfL texts are spoken as text (no
 * SSML or card markup gets through), and the only outbound requests are to the configured TfL and
 * skill-API hosts, with ids from the line catalogue only in TfL paths. Real clients, real HTTP.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  HOSTILE_FAVOURITES,
  reliabilityRecordings,
  startReliabilityBackends,
  type ReliabilityBackends,
} from "../../../src/dev/soak/backends.ts";
import { createCapturingLogger } from "../../../src/dev/soak/capture-log.ts";
import { baseEvent, HOSTILE_STRINGS, renderPlan, TOKENS, type FuzzPlan } from "../../../src/dev/soak/events.ts";
import { FUZZ_SECRETS } from "../../../src/dev/soak/fuzz.ts";
import { createInProcessSkill, type InProcessSkill, type Outcome } from "../../../src/dev/soak/in-process.ts";
import { alexaResponseProblems, outboundProblems, tflPathProblems } from "../../../src/dev/soak/invariants.ts";

let backends: ReliabilityBackends;
let hostileBackends: ReliabilityBackends;
let skill: InProcessSkill;
let hostileSkill: InProcessSkill;
const log = createCapturingLogger(FUZZ_SECRETS);

beforeAll(() => {
  backends = startReliabilityBackends();
  hostileBackends = startReliabilityBackends(reliabilityRecordings({ hostile: true }));
  skill = createInProcessSkill({ tflUrl: backends.tflUrl, skillApiUrl: backends.skillApiUrl, log });
  hostileSkill = createInProcessSkill({
    tflUrl: hostileBackends.tflUrl,
    skillApiUrl: hostileBackends.skillApiUrl,
    log,
  });
});

afterAll(async () => {
  await Promise.all([backends.stop(), hostileBackends.stop()]);
  expect(log.problems).toEqual([]);
});

function responseOf(outcome: Outcome): {
  ssml: string;
  card: { type: string; title?: string; text?: string } | undefined;
  json: string;
} {
  if (outcome.kind !== "response") throw new Error(`expected a response, got ${outcome.kind}`);
  const response = outcome.response as {
    response: { outputSpeech?: { ssml: string }; card?: { type: string; title?: string; text?: string } };
  };
  return {
    ssml: response.response.outputSpeech?.ssml ?? "",
    card: response.response.card,
    json: JSON.stringify(outcome.response),
  };
}

function event(plan: FuzzPlan): unknown {
  const rendered = renderPlan(plan);
  return JSON.parse(typeof rendered.body === "string" ? rendered.body : new TextDecoder().decode(rendered.body));
}

describe("hostile slot values", () => {
  test.each(HOSTILE_STRINGS.map((text) => [JSON.stringify(text).slice(0, 60), text] as const))(
    "the LINE value %s is answered with well-formed speech and no markup of its own",
    async (_title, text) => {
      for (const base of ["status", "statusResolved"] as const) {
        const outcome = await skill.answer(
          event({ kind: "values", base, text, skillId: "amzn1.ask.skill.0d4e8b17-62ac-4f39-b5d1-93e7c2a6f058" }),
        );
        expect(alexaResponseProblems(outcome.kind === "response" ? outcome.response : undefined)).toEqual([]);
        const { ssml } = responseOf(outcome);
        expect(ssml).not.toContain("<audio");
        expect(ssml).not.toContain("<break");
      }
    },
  );

  test("a spoken line name that is also a URL path trick reaches TfL only as a catalogue id", async () => {
    skill.outbound.length = 0;
    for (const text of [
      "victoria/../../x",
      "../../Line/Mode/tube/Status",
      "victoria,central",
      "%2e%2e%2f",
      "VICTORIA",
    ]) {
      await skill.answer(
        event({
          kind: "values",
          base: "status",
          text,
          skillId: "amzn1.ask.skill.0d4e8b17-62ac-4f39-b5d1-93e7c2a6f058",
        }),
      );
    }
    for (const url of skill.outbound) {
      expect(outboundProblems(url, { tfl: backends.tflUrl, skillApi: backends.skillApiUrl })).toEqual([]);
    }
  });
});

describe("hostile TfL texts", () => {
  test("a reason full of SSML is spoken as escaped text and shown as plain card text", async () => {
    const { ssml, card } = responseOf(await hostileSkill.answer(baseEvent("statusResolved")));
    expect(
      alexaResponseProblems(
        JSON.parse(JSON.stringify({ version: "1.0", response: { outputSpeech: { type: "SSML", ssml } } })),
      ),
    ).toEqual([]);
    expect(ssml).toContain("&lt;audio src=&quot;https://rel.invalid/x.mp3&quot;/&gt;");
    expect(ssml).toContain("&lt;break time=&quot;10s&quot;/&gt;");
    expect(ssml).not.toMatch(/<(?!\/?(?:speak|p)>)/);
    expect(card?.type).toBe("Standard");
    expect(card?.title).toBe("Victoria Line Status");
    expect(card?.text).toContain('<audio src="https://rel.invalid/x.mp3"/>');
    expect(card?.text).not.toContain("\u0000");
  });

  test.each([
    ["disruptions", baseEvent("disruption")],
    ["all six Overground lines with hostile names", baseEvent("statusOverground")],
    ["the commute", baseEvent("commute")],
  ] as const)("%s with hostile texts stay well-formed", async (_title, request) => {
    const outcome = await hostileSkill.answer(request);
    expect(alexaResponseProblems(outcome.kind === "response" ? outcome.response : undefined)).toEqual([]);
    const { ssml, json } = responseOf(outcome);
    expect(ssml).toContain("&lt;audio");
    expect(json).not.toContain("Sorry, something went wrong");
  });

  test("the skill never asks for a line id it did not take from the catalogue, whatever the account says", async () => {
    hostileBackends.requests.length = 0;
    // A fresh skill: an earlier test's answer for these lines would come from the cache.
    const fresh = createInProcessSkill({
      tflUrl: hostileBackends.tflUrl,
      skillApiUrl: hostileBackends.skillApiUrl,
      log,
    });
    const { ssml } = responseOf(await fresh.answer(baseEvent("commuteHostileFavourites")));
    expect(ssml).not.toContain("Sorry, something went wrong");
    const tflRequests = hostileBackends.requests.filter((request) => request.server === "tfl");
    expect(tflRequests).toHaveLength(1);
    for (const request of tflRequests) expect(tflPathProblems(request.path)).toEqual([]);
    // Of the hostile list, only "VICTORIA" and "jubilee" name catalogue lines.
    expect(decodeURIComponent(tflRequests[0]?.path ?? "")).toBe("/Line/victoria,jubilee/Status");
    expect(HOSTILE_FAVOURITES.length).toBeGreaterThan(2);
  });
});

describe("outbound hosts", () => {
  test("every request of a busy mixed session goes to the configured TfL or skill-API host", async () => {
    skill.outbound.length = 0;
    const bases = [
      "statusResolved",
      "statusRaw",
      "statusOverground",
      "disruption",
      "commute",
      "commuteHostileFavourites",
    ] as const;
    for (const base of bases) await skill.answer(baseEvent(base));
    await skill.answer(
      JSON.parse(JSON.stringify(baseEvent("commute")).replaceAll(TOKENS.favourites, TOKENS.wrongShape)),
    );
    expect(skill.outbound.length).toBeGreaterThan(0);
    for (const url of skill.outbound) {
      expect(outboundProblems(url, { tfl: backends.tflUrl, skillApi: backends.skillApiUrl })).toEqual([]);
    }
    expect(log.problems).toEqual([]);
  });
});
