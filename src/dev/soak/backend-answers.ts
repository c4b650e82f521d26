/**
 * Fuzzing what TfL and the skill API answer, not only what Alexa sends: a plan names a question
 * the oracle can judge (one line's status, the Overground, disruption, the commute) and how each
 * backend answers it (well, oddly, hugely, with SSML-hostile prose, or unusably: malformed JSON,
 * wrong shapes, missing fields, other lines, non-200s). Plans are small and printable; the answers
 * are rendered from them deterministically, and so is what the user must hear.
 */
import fc from "fast-check";
import { buildEvent } from "../base/events.ts";
import { LINES, OVERGROUND_MODE, strings, type LineId } from "../../skill/index.ts";
import { RELIABILITY_SKILL_ID, TOKENS } from "./events.ts";
import { expectedLine, type ExpectedLine, type Expectation } from "./oracle.ts";

/** Prose TfL might send; each starts with a capital letter and has words in it. */
const SENTENCES: readonly string[] = Object.freeze([
  "Minor delays between Stratford and Richmond while we fix a signal at Willesden Junction.",
  "Severe delays after an earlier customer incident at St Pancras. Tickets are accepted on London Buses.",
  "No service between Earl's Court and Wimbledon because of planned engineering work.",
  "Part closure: Highbury & Islington to New Cross Gate, replacement buses every 5 minutes.",
  "Reduced service.",
]);

/** Characters and strings that have broken SSML, JSON or logs somewhere. */
const HOSTILE: readonly string[] = Object.freeze([
  '<speak><audio src="https://rel.invalid/x.mp3"/></speak>',
  '& <break time="10s"/> "signal"',
  "]]><!-- </p><p>",
  "&amp;lt; &#x26; &nbsp;",
  "'\"`<>&",
  "\u0000\u0007\u001b[31m",
  "\uD800 lone \uDFFF",
  "\u2028\u2029\r\n\t",
  "🚇🚇 \u202Eenil\u202C",
  '{"level":"error","event":"forged"}',
  "\\u0000 \\n",
  "   spaced    out   ",
]);

/** A piece of TfL prose. */
export type TextPlan =
  | { readonly kind: "sentence"; readonly index: number }
  | { readonly kind: "hostile"; readonly index: number; readonly hostile: number }
  | { readonly kind: "huge"; readonly unit: string; readonly length: number };

/** How a reason starts: TfL usually prefixes "<Line> line: ". */
export type PrefixPlan = "none" | "own" | "ownShouting" | "other";

/** One line status as TfL sends it. */
export interface StatusPlan {
  readonly severity: number;
  readonly reason: TextPlan | "absent" | "null" | "empty" | "blank";
  readonly prefix: PrefixPlan;
  /** Fields the skill does not read ($type, dates, nested disruption). */
  readonly extra: boolean;
}

/** Ways a status answer is unusable although it is JSON with a 200. */
const BROKEN_LINES = [
  "malformed",
  "object",
  "empty",
  "nullBody",
  "html",
  "statusesNotArray",
  "severityString",
  "noName",
  "noId",
  "noStatuses",
  "emptyStatuses",
  "otherLine",
  "dropOne",
] as const;

/** Ways a disruption answer is unusable. */
const BROKEN_DISRUPTIONS = ["malformed", "object", "nullBody", "html", "noDescription", "descriptionNumber"] as const;

/** Ways a preferences answer is unusable. */
const BROKEN_PREFERENCES = ["malformed", "array", "listString", "listNumbers", "html", "emptyBody"] as const;

/** Statuses that are never a usable answer. */
const FAILING_STATUSES = [500, 502, 503, 504, 429, 404, 400, 403, 301, 302, 204] as const;

/** What TfL answers to a status question. */
export type LinesAnswer =
  | { readonly kind: "lines"; readonly statuses: readonly StatusPlan[] }
  | { readonly kind: "broken"; readonly how: (typeof BROKEN_LINES)[number] }
  | { readonly kind: "http"; readonly status: number }
  | { readonly kind: "oversized" };

/** What TfL answers to the disruption question. */
export type DisruptionsAnswer =
  | {
      readonly kind: "disruptions";
      readonly items: ReadonlyArray<{ readonly text: TextPlan | "blank"; readonly prefix: PrefixPlan }>;
    }
  | { readonly kind: "broken"; readonly how: (typeof BROKEN_DISRUPTIONS)[number] }
  | { readonly kind: "http"; readonly status: number }
  | { readonly kind: "oversized" };

/** What the skill API answers to GET /api/preferences. */
export type PreferencesAnswer =
  | { readonly kind: "favourites"; readonly ids: readonly LineId[]; readonly unknown: readonly string[] }
  | { readonly kind: "none"; readonly how: "emptyList" | "nullList" | "missingList" | "nullBody" | "onlyUnknown" }
  | { readonly kind: "unauthorized" }
  | { readonly kind: "broken"; readonly how: (typeof BROKEN_PREFERENCES)[number] }
  | { readonly kind: "http"; readonly status: number };

/** One case: a question and the backends' answers. */
export type AnswerPlan =
  | { readonly question: "status"; readonly line: LineId; readonly tfl: LinesAnswer }
  | { readonly question: "overground"; readonly tfl: LinesAnswer }
  | { readonly question: "disruption"; readonly tfl: DisruptionsAnswer }
  | { readonly question: "commute"; readonly preferences: PreferencesAnswer; readonly tfl: LinesAnswer };

const LINE_IDS = LINES.map((line) => line.id);
const OVERGROUND_IDS = LINES.filter((line) => line.mode === OVERGROUND_MODE).map((line) => line.id);

const textPlan: fc.Arbitrary<TextPlan> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("sentence" as const), index: fc.nat(SENTENCES.length - 1) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("hostile" as const),
      index: fc.nat(SENTENCES.length - 1),
      hostile: fc.nat(HOSTILE.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("huge" as const),
      unit: fc.constantFrom("a", "Delays at Bank. ", "<&\"'", "🚇 ", "é"),
      length: fc.oneof(fc.integer({ min: 3_000, max: 9_000 }), fc.integer({ min: 20_000, max: 120_000 })),
    }),
  },
);

const prefixPlan = fc.constantFrom<PrefixPlan>("none", "own", "own", "ownShouting", "other");

const statusPlan: fc.Arbitrary<StatusPlan> = fc.record({
  severity: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(10, 18, 20) },
    { weight: 4, arbitrary: fc.constantFrom(1, 2, 3, 4, 5, 6, 7, 9, 11, 14, 16, 19) },
    { weight: 1, arbitrary: fc.constantFrom(0, -1, 3.5, 99, 1e9) },
  ),
  reason: fc.oneof(
    { weight: 8, arbitrary: textPlan },
    { weight: 1, arbitrary: fc.constantFrom("absent" as const, "null" as const, "empty" as const, "blank" as const) },
  ),
  prefix: prefixPlan,
  extra: fc.boolean(),
});

const failingStatus = fc.constantFrom(...FAILING_STATUSES);

const linesAnswer: fc.Arbitrary<LinesAnswer> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant("lines" as const),
      statuses: fc.array(statusPlan, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("broken" as const), how: fc.constantFrom(...BROKEN_LINES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("http" as const), status: failingStatus }) },
  { weight: 1, arbitrary: fc.constant({ kind: "oversized" as const }) },
);

const disruptionsAnswer: fc.Arbitrary<DisruptionsAnswer> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant("disruptions" as const),
      items: fc.array(
        fc.record({
          text: fc.oneof({ weight: 8, arbitrary: textPlan }, { weight: 1, arbitrary: fc.constant("blank" as const) }),
          prefix: prefixPlan,
        }),
        { maxLength: 5 },
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("broken" as const), how: fc.constantFrom(...BROKEN_DISRUPTIONS) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("http" as const), status: failingStatus }) },
  { weight: 1, arbitrary: fc.constant({ kind: "oversized" as const }) },
);

const preferencesAnswer: fc.Arbitrary<PreferencesAnswer> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant("favourites" as const),
      ids: fc.array(fc.constantFrom(...LINE_IDS), { minLength: 1, maxLength: 4 }),
      // Ids the catalogue does not know in any spelling: they are logged and never asked of TfL.
      unknown: fc.array(fc.constantFrom("tram", "../x", "victoria,central", "__proto__", "", "bus 73"), {
        maxLength: 2,
      }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("none" as const),
      how: fc.constantFrom(
        "emptyList" as const,
        "nullList" as const,
        "missingList" as const,
        "nullBody" as const,
        "onlyUnknown" as const,
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "unauthorized" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("broken" as const), how: fc.constantFrom(...BROKEN_PREFERENCES) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("http" as const), status: failingStatus }) },
);

/** The fast-check arbitrary for one answer plan. */
export function answerPlanArbitrary(): fc.Arbitrary<AnswerPlan> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        question: fc.constant("status" as const),
        line: fc.constantFrom(...LINE_IDS),
        tfl: linesAnswer,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        question: fc.constant("overground" as const),
        // The Overground is asked by mode: TfL decides which lines belong to it, so an answer with a
        // line more or less is not wrong here; a line of another mode (by its modeName) is dropped by
        // the TfL client, which test/tfl/client.test.ts proves.
        tfl: linesAnswer.filter((answer) => answer.kind !== "broken" || !["otherLine", "dropOne"].includes(answer.how)),
      }),
    },
    { weight: 3, arbitrary: fc.record({ question: fc.constant("disruption" as const), tfl: disruptionsAnswer }) },
    {
      weight: 3,
      arbitrary: fc.record({
        question: fc.constant("commute" as const),
        preferences: preferencesAnswer,
        tfl: linesAnswer,
      }),
    },
  );
}

/** A one-line description of a plan for reports. */
export function describeAnswerPlan(plan: AnswerPlan): string {
  const tfl =
    plan.tfl.kind === "broken"
      ? `broken ${plan.tfl.how}`
      : plan.tfl.kind === "http"
        ? `HTTP ${plan.tfl.status}`
        : plan.tfl.kind;
  const who = plan.question === "status" ? `status of ${plan.line}` : plan.question;
  const preferences = plan.question === "commute" ? `, preferences ${plan.preferences.kind}` : "";
  return `${who} (TfL ${tfl}${preferences})`;
}

function renderText(text: TextPlan): string {
  switch (text.kind) {
    case "sentence":
      return SENTENCES[text.index] ?? "";
    case "hostile":
      return `${SENTENCES[text.index] ?? ""} ${HOSTILE[text.hostile] ?? ""} end.`;
    case "huge":
      return `Delays ${text.unit.repeat(Math.ceil(text.length / text.unit.length))}`;
  }
}

function withPrefix(text: string, prefix: PrefixPlan, name: string): string {
  switch (prefix) {
    case "none":
      return text;
    case "own":
      return `${lineWord(name)}: ${text}`;
    case "ownShouting":
      return `${lineWord(name).toUpperCase()}: ${text}`;
    case "other":
      return `Somewhere Else line: ${text}`;
  }
}

/** "Victoria line", "Elizabeth line" (TfL's name already says it), as TfL starts its reasons. */
function lineWord(name: string): string {
  return / line$/i.test(name) ? name : `${name} line`;
}

function nameOf(id: string): string {
  return LINES.find((line) => line.id === id)?.name ?? id;
}

function renderStatus(status: StatusPlan, name: string): Record<string, unknown> {
  const served: Record<string, unknown> = {
    statusSeverity: status.severity,
    statusSeverityDescription: "As TfL says",
    validityPeriods: [{ isNow: true }],
  };
  switch (status.reason) {
    case "absent":
      break;
    case "null":
      served["reason"] = null;
      break;
    case "empty":
      served["reason"] = "";
      break;
    case "blank":
      served["reason"] = " \n\t ";
      break;
    default:
      served["reason"] = withPrefix(renderText(status.reason), status.prefix, name);
  }
  if (status.extra) {
    served["$type"] = "Tfl.Api.Presentation.Entities.LineStatus, Tfl.Api.Presentation.Entities";
    served["created"] = "2026-05-12T07:45:00Z";
    served["disruption"] = { category: "RealTime", description: "nested, not read" };
  }
  return served;
}

/** The lines a well-formed status answer serves for the asked ids (the i-th id gets statuses[i % n]). */
export function servedLines(
  answer: Extract<LinesAnswer, { kind: "lines" }>,
  ids: readonly string[],
): Array<{ id: string; name: string; lineStatuses: Array<Record<string, unknown>> }> {
  return ids.map((id, index) => {
    const name = nameOf(id);
    const status = answer.statuses[index % answer.statuses.length]!;
    // TfL names each line's mode; an id outside the catalogue is served as a Tube line.
    const modeName = LINES.find((line) => line.id === id)?.mode ?? "tube";
    return { id, name, modeName, lineStatuses: [renderStatus(status, name)] };
  });
}

/** An HTTP answer to render: status, body, content type. */
export interface Served {
  readonly status: number;
  readonly body: string | null;
  readonly contentType?: string | undefined;
}

function json(value: unknown): Served {
  return { status: 200, body: JSON.stringify(value), contentType: "application/json; charset=utf-8" };
}

function http(status: number): Served {
  return status === 204
    ? { status, body: null }
    : { status, body: JSON.stringify({ httpStatusCode: status, message: "rel: failing on purpose" }) };
}

const HTML: Served = { status: 200, body: "<html><body>Service Unavailable</body></html>", contentType: "text/html" };
const OVERSIZED_REASON = "x".repeat(2_200_000);

/** TfL's answer to a status request for `ids`. */
export function renderLinesAnswer(answer: LinesAnswer, ids: readonly string[]): Served {
  switch (answer.kind) {
    case "lines":
      return json(servedLines(answer, ids));
    case "http":
      return http(answer.status);
    case "oversized":
      // Over the clients' 2 MiB cap: the body is refused unread.
      return json(
        servedLines(
          { kind: "lines", statuses: [{ severity: 10, reason: "absent", prefix: "none", extra: false }] },
          ids,
        ).map((line, index) => (index === 0 ? { ...line, padding: OVERSIZED_REASON } : line)),
      );
    case "broken": {
      const good = servedLines(
        {
          kind: "lines",
          statuses: [{ severity: 6, reason: { kind: "sentence", index: 0 }, prefix: "own", extra: false }],
        },
        ids,
      );
      switch (answer.how) {
        case "malformed":
          return { ...json(good), body: JSON.stringify(good).slice(0, -7) };
        case "object":
          return json({ lines: good });
        case "empty":
          return json([]);
        case "nullBody":
          return json(null);
        case "html":
          return HTML;
        case "statusesNotArray":
          return json(good.map((line) => ({ ...line, lineStatuses: line.lineStatuses[0] })));
        case "severityString":
          return json(
            good.map((line) => ({ ...line, lineStatuses: [{ ...line.lineStatuses[0], statusSeverity: "6" }] })),
          );
        case "noName":
          return json(good.map(({ name: _name, ...line }) => line));
        case "noId":
          return json(good.map(({ id: _id, ...line }) => line));
        case "noStatuses":
          return json(good.map(({ lineStatuses: _statuses, ...line }) => line));
        case "emptyStatuses":
          return json(good.map((line) => ({ ...line, lineStatuses: [] })));
        case "otherLine": {
          // The first asked line is answered with an id nobody asked for (another line, or none we know).
          const other = LINE_IDS.find((id) => !ids.includes(id)) ?? "tram";
          return json(good.map((line, index) => (index === 0 ? { ...line, id: other } : line)));
        }
        case "dropOne":
          return json(good.slice(1));
      }
    }
  }
}

/** TfL's answer to the disruption request. */
export function renderDisruptionsAnswer(answer: DisruptionsAnswer): Served {
  switch (answer.kind) {
    case "disruptions":
      return json(
        disruptionTexts(answer).map((description) => ({
          $type: "Tfl.Api.Presentation.Entities.Disruption, Tfl.Api.Presentation.Entities",
          category: "RealTime",
          description,
        })),
      );
    case "http":
      return http(answer.status);
    case "oversized":
      return json([{ description: "Delays.", padding: OVERSIZED_REASON }]);
    case "broken":
      switch (answer.how) {
        case "malformed":
          return { ...json([]), body: '[{"description":"Minor delays' };
        case "object":
          return json({ description: "Minor delays." });
        case "nullBody":
          return json(null);
        case "html":
          return HTML;
        case "noDescription":
          return json([{ category: "RealTime", closureText: "minorDelays" }]);
        case "descriptionNumber":
          return json([{ description: 42 }]);
      }
  }
}

function disruptionTexts(answer: Extract<DisruptionsAnswer, { kind: "disruptions" }>): string[] {
  return answer.items.map((item, index) =>
    item.text === "blank"
      ? "  \n "
      : withPrefix(renderText(item.text), item.prefix, nameOf(LINE_IDS[index % LINE_IDS.length]!)),
  );
}

/** Preferences documents that hold no favourite the catalogue knows. */
const NO_FAVOURITES: Readonly<Record<Extract<PreferencesAnswer, { kind: "none" }>["how"], unknown>> = {
  emptyList: { favoriteLines: [] },
  nullList: { favoriteLines: null },
  missingList: { userId: "rel-user-fuzz" },
  nullBody: null,
  onlyUnknown: { favoriteLines: ["tram", "../../Line", "victoria line"] },
};

/** The skill API's answer to GET /api/preferences. */
export function renderPreferencesAnswer(answer: PreferencesAnswer): Served {
  switch (answer.kind) {
    case "favourites":
      return json({ favoriteLines: [...answer.unknown, ...answer.ids], userId: "rel-user-fuzz" });
    case "none":
      return json(NO_FAVOURITES[answer.how]);
    case "unauthorized":
      return { status: 401, body: null };
    case "http":
      return http(answer.status);
    case "broken":
      switch (answer.how) {
        case "malformed":
          return { ...json({}), body: '{"favoriteLines":["victoria"' };
        case "array":
          return json([{ favoriteLines: ["victoria"] }]);
        case "listString":
          return json({ favoriteLines: "victoria" });
        case "listNumbers":
          return json({ favoriteLines: [1, 2] });
        case "html":
          return HTML;
        case "emptyBody":
          return { status: 200, body: "", contentType: "application/json" };
      }
  }
}

/** The favourites the skill must ask TfL about: catalogue ids, each once, in the user's order. */
function favouriteIds(answer: Extract<PreferencesAnswer, { kind: "favourites" }>): string[] {
  return [...new Set(answer.ids)];
}

/** The lines a status answer was about, or undefined when it is not a usable answer for `ids`. */
function expectedLines(answer: LinesAnswer, ids: readonly string[]): ExpectedLine[] | undefined {
  if (answer.kind !== "lines") return undefined;
  const lines = servedLines(answer, ids).map((line) =>
    expectedLine(line as unknown as Parameters<typeof expectedLine>[0]),
  );
  return lines.every((line) => line !== undefined) ? (lines as ExpectedLine[]) : undefined;
}

/** What the user must hear, from the plan alone. */
export function expectationOf(plan: AnswerPlan): Expectation {
  const apology: Expectation = { kind: "apology" };
  switch (plan.question) {
    case "status": {
      const lines = expectedLines(plan.tfl, [plan.line]);
      return lines === undefined ? apology : { kind: "lines", lines };
    }
    case "overground": {
      const lines = expectedLines(plan.tfl, OVERGROUND_IDS);
      return lines === undefined ? apology : { kind: "lines", lines, allGoodService: strings.overgroundAllGoodService };
    }
    case "disruption":
      return plan.tfl.kind === "disruptions"
        ? { kind: "disruptions", descriptions: disruptionTexts(plan.tfl) }
        : apology;
    case "commute": {
      const preferences = plan.preferences;
      if (preferences.kind === "unauthorized") return { kind: "relink" };
      if (preferences.kind === "none") return { kind: "noFavourites" };
      if (preferences.kind !== "favourites") return apology;
      const lines = expectedLines(plan.tfl, favouriteIds(preferences));
      return lines === undefined ? apology : { kind: "lines", lines };
    }
  }
}

/** The Alexa event asking the plan's question. */
export function questionEvent(plan: AnswerPlan): Record<string, unknown> {
  let counter = 0;
  const options = {
    skillId: RELIABILITY_SKILL_ID,
    now: new Date(Date.UTC(2026, 4, 12, 7, 45, 0)),
    newId: () => `5e1f0c2a-7b3d-4c8e-9a6f-${(counter++).toString(16).padStart(12, "0")}`,
  };
  switch (plan.question) {
    case "status":
      return buildEvent("status", { ...options, line: LINES.find((line) => line.id === plan.line)?.slotValue });
    case "overground":
      return buildEvent("status", { ...options, line: "london overground" });
    case "disruption":
      return buildEvent("disruption", options);
    case "commute":
      return buildEvent("commute", { ...options, accessToken: TOKENS.favourites });
  }
}

/** The two programmable backends: each request is answered from the current plan. */
export interface AnswerBackends {
  readonly tflUrl: string;
  readonly skillApiUrl: string;
  /** Requests seen since the last `serve`. */
  readonly seen: string[];
  /** Makes both backends answer from `plan` until the next call. */
  serve(plan: AnswerPlan): void;
  stop(): Promise<void>;
}

/** Starts TfL and the skill API on two loopback ports, answering every request from the current plan. */
export function startAnswerBackends(): AnswerBackends {
  let current: AnswerPlan | undefined;
  const seen: string[] = [];
  const respond = (served: Served): Response =>
    new Response(served.body, {
      status: served.status,
      // no-store: the skill must fetch each case's answer, never reuse the previous case's.
      headers: {
        "cache-control": "no-store",
        ...(served.contentType === undefined ? {} : { "content-type": served.contentType }),
        ...(served.status === 301 || served.status === 302 ? { location: "http://127.0.0.1:9/elsewhere" } : {}),
      },
    });
  const tfl = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const path = new URL(request.url).pathname;
      seen.push(`tfl ${path}`);
      if (current === undefined) return respond(http(503));
      const segments = path
        .split("/")
        .filter((segment) => segment !== "")
        .map(decodeURIComponent);
      if (segments[1] === "Mode" && segments[3] === "Disruption") {
        return respond(current.question === "disruption" ? renderDisruptionsAnswer(current.tfl) : http(404));
      }
      const ids = segments[1] === "Mode" ? OVERGROUND_IDS : (segments[1] ?? "").split(",");
      return respond(current.question === "disruption" ? http(404) : renderLinesAnswer(current.tfl, ids));
    },
  });
  const skillApi = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      seen.push(`skillApi ${new URL(request.url).pathname}`);
      if (current?.question !== "commute" || !request.headers.has("authorization"))
        return respond({ status: 401, body: null });
      return respond(renderPreferencesAnswer(current.preferences));
    },
  });
  return {
    tflUrl: `http://127.0.0.1:${tfl.port}/`,
    skillApiUrl: `http://127.0.0.1:${skillApi.port}/`,
    seen,
    serve(plan) {
      current = plan;
      seen.length = 0;
    },
    async stop() {
      await Promise.all([tfl.stop(true), skillApi.stop(true)]);
    },
  };
}
