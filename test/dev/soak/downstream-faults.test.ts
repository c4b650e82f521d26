/**
 * Issue 7, item 3: TfL and the skill API misbehave (real servers on 127.0.0.1) and the real
 * clients + real handler still answer with the spoken apology before Lambda's deadline (capped at
 * Alexa's 8 s) minus a margin; bad answers are never cached; redirects to another host are not
 * followed; no secret reaches a log line. Scenarios run concurrently, each with its own servers.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { startReliabilityBackends } from "../../../src/dev/soak/backends.ts";
import { createCapturingLogger } from "../../../src/dev/soak/capture-log.ts";
import { baseEvent, TOKENS } from "../../../src/dev/soak/events.ts";
import { createInProcessSkill, SECRET_MARKERS, type Outcome } from "../../../src/dev/soak/in-process.ts";
import { alexaResponseProblems } from "../../../src/dev/soak/invariants.ts";
import { downstreamDeadline } from "../../../src/main.ts";
import victoriaGood from "../../fixtures/reliability/victoria-good-service.json" with { type: "json" };
import {
  closedPort,
  delayed,
  drip,
  hang,
  json,
  oversized,
  redirect,
  reset,
  startFakeHttpServer,
  status,
  text,
  type FakeStep,
} from "../../helpers/http-server.ts";

const APOLOGY = "Sorry, something went wrong.";
/** The apology must be posted at least this long before Lambda's deadline. */
const MARGIN_MS = 200;
/** A short function timeout keeps the suite fast; one scenario uses Lambda's 30 s to prove the 8 s cap. */
const SHORT_TIMEOUT_MS = 2_000;
const ALEXA_LIMIT_MS = 8_000;
const MAX_AGE = { "cache-control": "public, max-age=60" };
const SECRETS = [SECRET_MARKERS.tflAppKey, SECRET_MARKERS.accessToken];

const victoriaJson = JSON.stringify(victoriaGood);
const FIVE_MB = 5 * 1024 * 1024;

type Api = "tfl" | "skillApi";

interface Scenario {
  readonly title: string;
  readonly api: Api;
  /** Steps for the first request and any retries; `foreign` is another host's base URL. */
  readonly fault: ((foreign: { url: string; localhostUrl: string }) => FakeStep[]) | "refused";
  /** Requests the faulty server may see for one question (retries included). */
  readonly attempts?: readonly [min: number, max: number];
  readonly lambdaTimeoutMs?: number;
  /** The client accepts the answer (valid shape) and the skill finds nothing to say in it. */
  readonly acceptedByClient?: boolean;
}

const scenarios: readonly Scenario[] = [
  // TfL, asked through StatusIntent for the Victoria line.
  { title: "TfL refuses the connection", api: "tfl", fault: "refused" },
  { title: "TfL resets the connection before answering", api: "tfl", fault: () => [reset()], attempts: [3, 3] },
  {
    title: "TfL resets the connection mid-body",
    api: "tfl",
    fault: () => [reset('[{"id":"victoria","na')],
    attempts: [3, 3],
  },
  {
    title: "TfL sends its headers too late",
    api: "tfl",
    fault: () => [delayed(60_000, json(victoriaGood))],
    attempts: [1, 1],
  },
  {
    title: "TfL sends its headers too late under Lambda's 30 s timeout (Alexa's 8 s wins)",
    api: "tfl",
    fault: () => [delayed(60_000, json(victoriaGood))],
    attempts: [1, 1],
    lambdaTimeoutMs: 30_000,
  },
  { title: "TfL never answers", api: "tfl", fault: () => [hang()], attempts: [1, 1] },
  {
    title: "TfL drips its body slower than the budget",
    api: "tfl",
    fault: () => [drip(victoriaJson.match(/.{1,8}/gs) ?? [], 250, { headers: MAX_AGE })],
    attempts: [1, 1],
  },
  {
    title: "TfL sends a 5 MB body with its length declared",
    api: "tfl",
    fault: () => [oversized(FIVE_MB, { declareLength: true })],
    attempts: [1, 1],
  },
  {
    title: "TfL streams a 5 MB body without a length",
    api: "tfl",
    fault: () => [oversized(FIVE_MB)],
    attempts: [1, 1],
  },
  {
    title: "TfL answers invalid JSON marked cacheable",
    api: "tfl",
    fault: () => [text('[{"id":"victoria",', { headers: MAX_AGE })],
    attempts: [1, 1],
  },
  {
    title: "TfL answers an empty body marked cacheable",
    api: "tfl",
    fault: () => [text("", { headers: MAX_AGE })],
    attempts: [1, 1],
  },
  {
    title: "TfL answers JSON of the wrong shape marked cacheable",
    api: "tfl",
    fault: () => [json({ id: "victoria", lineStatuses: "good" }, { headers: MAX_AGE })],
    attempts: [1, 1],
  },
  {
    title: "TfL answers lines with retyped fields marked cacheable",
    api: "tfl",
    fault: () => [json([{ id: "victoria", name: 7, lineStatuses: [{ statusSeverity: "10" }] }], { headers: MAX_AGE })],
    attempts: [1, 1],
  },
  {
    title: "TfL answers an empty list marked cacheable",
    api: "tfl",
    fault: () => [json([], { headers: MAX_AGE })],
    attempts: [1, 1],
    acceptedByClient: true,
  },
  {
    title: "TfL answers another line instead of the one asked for, marked cacheable",
    api: "tfl",
    fault: () => [json([{ id: "central", name: "Central", lineStatuses: [] }], { headers: MAX_AGE })],
    attempts: [1, 1],
    acceptedByClient: true,
  },
  {
    title: "TfL answers 429 with a Retry-After of an hour",
    api: "tfl",
    fault: () => [status(429, { headers: { "retry-after": "3600" } })],
    attempts: [1, 1],
  },
  {
    title: "TfL answers 429 with a Retry-After as a far HTTP date",
    api: "tfl",
    fault: () => [status(429, { headers: { "retry-after": "Fri, 01 Jan 2100 00:00:00 GMT" } })],
    attempts: [1, 1],
  },
  { title: "TfL answers 500 every time", api: "tfl", fault: () => [status(500)], attempts: [3, 3] },
  { title: "TfL answers 404", api: "tfl", fault: () => [status(404)], attempts: [1, 1] },
  {
    title: "TfL redirects to another host (localhost)",
    api: "tfl",
    fault: (foreign) => [redirect(`${foreign.localhostUrl}Line/victoria/Status`)],
    attempts: [1, 1],
  },
  {
    title: "TfL redirects to another port with 307",
    api: "tfl",
    fault: (foreign) => [redirect(`${foreign.url}Line/victoria/Status`, 307)],
    attempts: [1, 1],
  },
  {
    title: "TfL redirects to another host with 301",
    api: "tfl",
    fault: (foreign) => [redirect(`${foreign.url}steal`, 301)],
    attempts: [1, 1],
  },
  // The skill API, asked through CommuteIntent.
  { title: "the skill API refuses the connection", api: "skillApi", fault: "refused" },
  { title: "the skill API resets the connection", api: "skillApi", fault: () => [reset()], attempts: [3, 3] },
  {
    title: "the skill API resets mid-body",
    api: "skillApi",
    fault: () => [reset('{"favoriteLines":["vic')],
    attempts: [3, 3],
  },
  {
    title: "the skill API sends its headers too late",
    api: "skillApi",
    fault: () => [delayed(60_000, json({ favoriteLines: ["victoria"] }))],
    attempts: [1, 1],
  },
  {
    title: "the skill API drips its body",
    api: "skillApi",
    fault: () => [drip(['{"favo', 'riteLines"', ':["vic', 'toria"]}'], 1_000)],
    attempts: [1, 1],
  },
  { title: "the skill API sends 5 MB", api: "skillApi", fault: () => [oversized(FIVE_MB)], attempts: [1, 1] },
  {
    title: "the skill API answers invalid JSON",
    api: "skillApi",
    fault: () => [text("{favoriteLines: [victoria]}")],
    attempts: [1, 1],
  },
  {
    title: "the skill API answers JSON of the wrong shape",
    api: "skillApi",
    fault: () => [json({ favoriteLines: "victoria" })],
    attempts: [1, 1],
  },
  {
    title: "the skill API answers an array",
    api: "skillApi",
    fault: () => [json([{ favoriteLines: ["victoria"] }])],
    attempts: [1, 1],
  },
  {
    title: "the skill API answers 429 with a Retry-After of an hour",
    api: "skillApi",
    fault: () => [status(429, { headers: { "retry-after": "3600" } })],
    attempts: [1, 1],
  },
  { title: "the skill API answers 503 every time", api: "skillApi", fault: () => [status(503)], attempts: [3, 3] },
  {
    title: "the skill API redirects to another host",
    api: "skillApi",
    fault: (foreign) => [redirect(`${foreign.localhostUrl}api/preferences`)],
    attempts: [1, 1],
  },
];

const servers: Array<{ stop(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

function speechOf(outcome: Outcome): string {
  if (outcome.kind !== "response") return `<${outcome.kind}>`;
  return JSON.stringify(outcome.response);
}

/** Answers `event` as `src/main.ts` would for a Lambda deadline `timeoutMs` from now. */
async function answerUnderLambda(
  skill: ReturnType<typeof createInProcessSkill>,
  event: unknown,
  timeoutMs: number,
): Promise<{ outcome: Outcome; elapsedMs: number; limitMs: number }> {
  const arrival = Date.now();
  const lambdaDeadline = arrival + timeoutMs;
  const budgetMs = downstreamDeadline(lambdaDeadline, arrival) - arrival;
  const outcome = await skill.answer(event, { budgetMs, guardMs: timeoutMs + 2_000 });
  const limitMs = Math.min(timeoutMs, ALEXA_LIMIT_MS) - MARGIN_MS;
  return { outcome, elapsedMs: Date.now() - arrival, limitMs };
}

describe("downstream faults", () => {
  // One scenario at a time: a "refused" scenario frees a port that a concurrent scenario's server could
  // bind, and its request would then land there (seen once in CI).
  test.each(scenarios.map((scenario) => [scenario.title, scenario] as const))(
    "%s: Alexa hears the apology in time and nothing bad is cached",
    async (_title, scenario) => {
      const good = startReliabilityBackends();
      const faulty = startFakeHttpServer();
      const foreign = startFakeHttpServer();
      servers.push(good, faulty, foreign);
      const refusedUrl = scenario.fault === "refused" ? `http://127.0.0.1:${await closedPort()}/` : undefined;
      const faultyUrl = refusedUrl ?? faulty.url;
      const log = createCapturingLogger(SECRETS);
      const skill = createInProcessSkill({
        tflUrl: scenario.api === "tfl" ? faultyUrl : good.tflUrl,
        skillApiUrl: scenario.api === "skillApi" ? faultyUrl : good.skillApiUrl,
        log,
      });
      const path = scenario.api === "tfl" ? "/Line/victoria/Status" : "/api/preferences";
      if (scenario.fault !== "refused") {
        faulty.route(
          "GET",
          path,
          ...scenario.fault({ url: foreign.url, localhostUrl: `http://localhost:${foreign.port}/` }),
        );
      }
      const event =
        scenario.api === "tfl"
          ? baseEvent("statusResolved")
          : withToken(baseEvent("commute"), SECRET_MARKERS.accessToken);

      const { outcome, elapsedMs, limitMs } = await answerUnderLambda(
        skill,
        event,
        scenario.lambdaTimeoutMs ?? SHORT_TIMEOUT_MS,
      );

      expect(outcome.kind).toBe("response");
      expect(alexaResponseProblems(outcome.kind === "response" ? outcome.response : undefined)).toEqual([]);
      expect(speechOf(outcome)).toContain(APOLOGY);
      expect(elapsedMs).toBeLessThan(limitMs);
      if (scenario.attempts !== undefined) {
        const seen = faulty.requestsTo(path).length;
        expect(seen).toBeGreaterThanOrEqual(scenario.attempts[0]);
        expect(seen).toBeLessThanOrEqual(scenario.attempts[1]);
      }
      expect(foreign.requests).toEqual([]);
      expect(
        skill.outbound.every(
          (url) => url.startsWith(faultyUrl) || url.startsWith(good.tflUrl) || url.startsWith(good.skillApiUrl),
        ),
      ).toBe(true);
      expect(log.problems).toEqual([]);
      expect(log.events.get("skill.intent.failed")).toBe(1);
      if (scenario.acceptedByClient !== true) {
        expect(log.events.get(scenario.api === "tfl" ? "tfl.request.failed" : "skillApi.request.failed")).toBe(1);
      }

      if (scenario.fault === "refused") return;
      // The upstream recovers: the next question is asked again (nothing bad was cached) and answered.
      faulty.route(
        "GET",
        path,
        scenario.api === "tfl" ? json(victoriaGood, { headers: MAX_AGE }) : json({ favoriteLines: ["victoria"] }),
      );
      const before = faulty.requestsTo(path).length;
      const next = await answerUnderLambda(skill, event, SHORT_TIMEOUT_MS);
      expect(speechOf(next.outcome)).toContain("Victoria line has a good service");
      expect(faulty.requestsTo(path).length).toBe(before + 1);
      if (scenario.api === "tfl") {
        // …and the good answer is cached, so the check above was not vacuous.
        await answerUnderLambda(skill, event, SHORT_TIMEOUT_MS);
        expect(faulty.requestsTo(path).length).toBe(before + 1);
      }
    },
    20_000,
  );
});

function withToken(event: ReturnType<typeof baseEvent>, token: string): ReturnType<typeof baseEvent> {
  const text = JSON.stringify(event).replaceAll(TOKENS.favourites, token);
  return JSON.parse(text) as ReturnType<typeof baseEvent>;
}
