import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import {
  BudgetExceededError,
  InvalidRequestArgumentError,
  UpstreamError,
  UpstreamSchemaError,
} from "../../src/http/index.ts";
import type { TflPort } from "../../src/skill/ports.ts";
import { createTflClient } from "../../src/tfl/index.ts";
import type { TflClient, TflClientOptions } from "../../src/tfl/index.ts";
import disruptionsFixture from "../fixtures/clients/tfl-disruptions.json";
import lineStatusesFixture from "../fixtures/clients/tfl-line-statuses.json";
import { createCapturingLogger, errorSurface } from "../helpers/capture-log.ts";
import type { CapturingLogger } from "../helpers/capture-log.ts";
import { closedPort, hang, json, startFakeHttpServer, status } from "../helpers/http-server.ts";
import type { FakeHttpServer } from "../helpers/http-server.ts";
import { failure } from "../helpers/failure.ts";

const APP_ID = "ID-MARKER-0a7f3c";
const APP_KEY = "KEY-MARKER-e82d51b6";
const STATUS_PATH = "/Line/jubilee%2Cwindrush%2Celizabeth/Status";
const IDS = ["jubilee", "windrush", "elizabeth"] as const;

let server: FakeHttpServer;
let log: CapturingLogger;
let clock: number;

beforeAll(() => {
  server = startFakeHttpServer();
});
afterEach(() => {
  server.reset();
});
afterAll(async () => {
  await server.stop();
});

function client(overrides: Partial<TflClientOptions> = {}): TflClient {
  clock = Date.now();
  log = createCapturingLogger();
  return createTflClient({
    baseUrl: server.url,
    appId: APP_ID,
    appKey: APP_KEY,
    userAgent: "london-travel/1.2.3",
    log,
    now: () => clock,
    retry: { baseDelayMs: 2, maxDelayMs: 10, minAttemptMs: 10 },
    ...overrides,
  });
}

const budget = (ms = 1_000) => ({ deadline: clock + ms });
const line = (id: string, severity = 10) => ({
  id,
  name: id.toUpperCase(),
  lineStatuses: [{ statusSeverity: severity }],
});
const mode = <T extends object>(value: T, modeName: string) => ({ ...value, modeName });
const TUBE = [line("bakerloo"), line("victoria")];

describe("requests", () => {
  test("GETs Line/{ids}/Status with the ids comma-joined and percent-encoded", async () => {
    server.route("GET", STATUS_PATH, json(lineStatusesFixture));
    await client().getLineStatuses(IDS, budget());
    expect(server.requests.map((r) => r.path)).toEqual([STATUS_PATH]);
  });

  test("GETs Line/Mode/{modes}/Status", async () => {
    server.route("GET", "/Line/Mode/overground/Status", json([line("weaver")]));
    await client().getModeStatuses(["overground"], budget());
    expect(server.requests.map((r) => r.path)).toEqual(["/Line/Mode/overground/Status"]);
  });

  test("GETs Line/Mode/{modes}/Disruption", async () => {
    const path = "/Line/Mode/dlr%2Celizabeth-line%2Coverground%2Ctube/Disruption";
    server.route("GET", path, json(disruptionsFixture));
    await client().getModeDisruptions(["dlr", "elizabeth-line", "overground", "tube"], budget());
    expect(server.requests.map((r) => r.path)).toEqual([path]);
  });

  test.each([
    ["both credentials", { appId: APP_ID, appKey: APP_KEY }, `app_id=${APP_ID}&app_key=${APP_KEY}`],
    ["only the key", { appId: undefined, appKey: APP_KEY }, `app_key=${APP_KEY}`],
    ["only the id", { appId: APP_ID, appKey: undefined }, `app_id=${APP_ID}`],
    ["no credentials", { appId: undefined, appKey: undefined }, ""],
    ["empty credentials", { appId: "", appKey: "" }, ""],
  ])("sends %s in the query exactly", async (_title, credentials, query) => {
    server.route("GET", "/Line/Mode/tube/Status", json(TUBE));
    await client(credentials).getModeStatuses(["tube"], budget());
    expect(server.requests[0]?.query).toBe(query);
  });

  test("URL-encodes credential values", async () => {
    server.route("GET", "/Line/Mode/tube/Status", json(TUBE));
    await client({ appId: undefined, appKey: "a+b/c=d&e" }).getModeStatuses(["tube"], budget());
    expect(server.requests[0]?.query).toBe("app_key=a%2Bb%2Fc%3Dd%26e");
  });

  test("sends the User-Agent and asks for JSON", async () => {
    server.route("GET", "/Line/Mode/tube/Status", json(TUBE));
    await client().getModeStatuses(["tube"], budget());
    expect(server.requests[0]?.headers).toMatchObject({
      "user-agent": "london-travel/1.2.3",
      accept: "application/json",
    });
  });

  test.each([
    ["upper case", ["Victoria"]],
    ["a slash", ["victoria/../Mode"]],
    ["a comma", ["victoria,dlr"]],
    ["a space", ["the victoria"]],
    ["a percent sign", ["victoria%2F"]],
    ["a query", ["victoria?app_key=x"]],
    ["an empty id", [""]],
    ["no ids", []],
  ])("refuses an id with %s without a request", async (_title, ids) => {
    const error = await failure(client().getLineStatuses(ids, budget()));
    expect(error).toBeInstanceOf(InvalidRequestArgumentError);
    expect(error.name).toBe("InvalidRequestArgumentError");
    expect(server.requests).toHaveLength(0);
  });

  test("refuses a bad mode the same way", async () => {
    const error = await failure(client().getModeDisruptions(["tube", "Bus Mode"], budget()));
    expect(error).toBeInstanceOf(InvalidRequestArgumentError);
    expect(error.message).not.toContain("Bus Mode");
  });
});

describe("answers", () => {
  test("returns the lines with only the fields the skill reads", async () => {
    server.route("GET", STATUS_PATH, json(lineStatusesFixture));
    const lines = await client().getLineStatuses(IDS, budget());
    expect(lines).toEqual([
      {
        id: "jubilee",
        name: "Jubilee",
        modeName: "tube",
        lineStatuses: [
          {
            statusSeverity: 9,
            statusSeverityDescription: "Minor Delays",
            reason: "Jubilee Line: Minor delays between Stanmore and Finchley Road while a faulty train is moved. ",
            validityPeriods: [{ isNow: true }],
          },
        ],
      },
      {
        id: "windrush",
        name: "Windrush",
        modeName: "overground",
        lineStatuses: [{ statusSeverity: 10, statusSeverityDescription: "Good Service", validityPeriods: [] }],
      },
      {
        id: "elizabeth",
        name: "Elizabeth line",
        modeName: "elizabeth-line",
        lineStatuses: [
          {
            statusSeverity: 4,
            statusSeverityDescription: "Planned Closure",
            reason: "Elizabeth line: No service between Whitechapel and Abbey Wood on Sunday for track renewal. ",
            validityPeriods: [{ isNow: false }],
          },
          {
            statusSeverity: 6,
            statusSeverityDescription: "Severe Delays",
            reason: null,
            validityPeriods: [{ isNow: true }],
          },
        ],
      },
    ]);
  });

  test("returns the disruption descriptions", async () => {
    server.route("GET", "/Line/Mode/tube/Disruption", json(disruptionsFixture));
    expect(await client().getModeDisruptions(["tube"], budget())).toEqual([
      { description: "Jubilee Line: Minor delays between Stanmore and Finchley Road while a faulty train is moved. " },
      { description: "Elizabeth line: No service between Whitechapel and Abbey Wood on Sunday for track renewal." },
    ]);
  });

  test.each([
    ["a line without lineStatuses", [{ id: "dlr", name: "DLR" }]],
    ["a severity that is a string", [{ id: "dlr", name: "DLR", lineStatuses: [{ statusSeverity: "10" }] }]],
    ["a null body", null],
  ])("rejects %s", async (_title, body) => {
    server.route("GET", "/Line/Mode/dlr/Status", json(body));
    expect(await failure(client().getModeStatuses(["dlr"], budget()))).toBeInstanceOf(UpstreamSchemaError);
  });

  test.each([
    ["an empty list", []],
    ["another line", [line("central")]],
    ["only some of the lines", [line("victoria")]],
  ])("rejects %s for the lines asked about, and never caches it", async (_title, body) => {
    server.route(
      "GET",
      "/Line/victoria%2Cdlr/Status",
      json(body, { headers: { "cache-control": "max-age=60" } }),
      json([line("dlr"), line("victoria")], { headers: { "cache-control": "max-age=60" } }),
    );
    const c = client();
    const error = await failure(c.getLineStatuses(["victoria", "dlr"], budget()));
    expect(error).toBeInstanceOf(UpstreamSchemaError);
    expect(error.message).toStartWith("GET Line/victoria,dlr/Status returned an unreadable body: no status for line");
    expect(log.lines[0]).toMatchObject({ level: "warn", event: "tfl.request.failed" });
    expect((await c.getLineStatuses(["victoria", "dlr"], budget())).map((l) => l.id)).toEqual(["dlr", "victoria"]);
    expect(server.requests).toHaveLength(2);
  });

  test("answers only the lines asked about: a line TfL adds unasked is dropped and logged by id", async () => {
    server.route("GET", "/Line/victoria%2Cvictoria/Status", json([line("central"), line("victoria")]));
    const c = client();
    expect((await c.getLineStatuses(["victoria", "victoria"], budget())).map((l) => l.id)).toEqual(["victoria"]);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: "warn", event: "tfl.answer.unasked", fields: { ids: ["central"] } }),
    );
  });

  test.each([
    [
      "a line of another mode is dropped",
      [mode(line("weaver"), "overground"), mode(line("victoria"), "tube")],
      ["weaver"],
    ],
    [
      "a line without a mode is taken at TfL's word",
      [mode(line("weaver"), "overground"), line("liberty")],
      ["weaver", "liberty"],
    ],
  ])("a mode answer: %s", async (_title, answer, ids) => {
    server.route("GET", "/Line/Mode/overground/Status", json(answer));
    expect((await client().getModeStatuses(["overground"], budget())).map((l) => l.id)).toEqual(ids);
  });

  test("a mode answer holding no line of that mode is refused, not read as good service", async () => {
    server.route("GET", "/Line/Mode/overground/Status", json([mode(line("victoria"), "tube")]));
    expect((await failure(client().getModeStatuses(["overground"], budget()))).message).toBe(
      "GET Line/Mode/overground/Status returned an unreadable body: no lines for the mode",
    );
  });

  test("rejects an empty list for a mode, and never caches it", async () => {
    server.route(
      "GET",
      "/Line/Mode/dlr/Status",
      json([], { headers: { "cache-control": "max-age=60" } }),
      json([line("dlr")]),
    );
    const c = client();
    expect((await failure(c.getModeStatuses(["dlr"], budget()))).message).toBe(
      "GET Line/Mode/dlr/Status returned an unreadable body: no lines for the mode",
    );
    expect(await c.getModeStatuses(["dlr"], budget())).toEqual([line("dlr")]);
  });

  test("accepts an empty disruption list", async () => {
    server.route("GET", "/Line/Mode/dlr/Disruption", json([]));
    expect(await client().getModeDisruptions(["dlr"], budget())).toEqual([]);
  });

  test("rejects a disruption without a description", async () => {
    server.route("GET", "/Line/Mode/dlr/Disruption", json([{ summary: "no description here" }]));
    expect(await failure(client().getModeDisruptions(["dlr"], budget()))).toBeInstanceOf(UpstreamSchemaError);
  });

  test("is usable as the skill's TflPort", () => {
    const port: TflPort = client();
    expect(typeof port.getLineStatuses).toBe("function");
  });
});

describe("the cache", () => {
  const path = "/Line/Mode/tube/Status";
  const call = (c: TflClient) => c.getModeStatuses(["tube"], budget());

  test("serves a repeat question from memory within max-age", async () => {
    server.route("GET", path, json(TUBE, { headers: { "cache-control": "public, max-age=30" } }));
    const c = client();
    const first = await call(c);
    clock += 29_000;
    const second = await call(c);
    expect(second).toBe(first);
    expect(server.requests).toHaveLength(1);
    clock += 1_000;
    await call(c);
    expect(server.requests).toHaveLength(2);
  });

  test("caps max-age at 60 s", async () => {
    server.route("GET", path, json(TUBE, { headers: { "cache-control": "max-age=600" } }));
    const c = client();
    await call(c);
    clock += 59_999;
    await call(c);
    expect(server.requests).toHaveLength(1);
    clock += 1;
    await call(c);
    expect(server.requests).toHaveLength(2);
  });

  test("subtracts the Age TfL's cache reports", async () => {
    server.route("GET", path, json(TUBE, { headers: { "cache-control": "max-age=30", age: "25" } }));
    const c = client();
    await call(c);
    clock += 5_000;
    await call(c);
    expect(server.requests).toHaveLength(2);
  });

  test.each([
    ["no Cache-Control", {}],
    ["no max-age", { "cache-control": "public" }],
    ["no-cache", { "cache-control": "no-cache, max-age=30" }],
    ["no-store", { "cache-control": "no-store" }],
    ["max-age=0", { "cache-control": "max-age=0" }],
  ])("asks again when the answer has %s", async (_title, headers) => {
    server.route("GET", path, json(TUBE, { headers }));
    const c = client();
    await call(c);
    await call(c);
    expect(server.requests).toHaveLength(2);
  });

  test("makes one upstream call for concurrent misses of the same question", async () => {
    server.route("GET", path, json(TUBE, { headers: { "cache-control": "max-age=30" } }));
    const c = client();
    const answers = await Promise.all([call(c), call(c), call(c), call(c)]);
    expect(server.requests).toHaveLength(1);
    for (const answer of answers) expect(answer).toEqual(TUBE.map((entry) => ({ ...entry })));
  });

  test("a caller joining a call in flight still ends by its own, earlier deadline", async () => {
    server.route("GET", path, hang());
    const c = client();
    let firstSettled = false;
    const first = c.getModeStatuses(["tube"], budget(1_500)).finally(() => {
      firstSettled = true;
    });
    const joined = await failure(c.getModeStatuses(["tube"], budget(100)));
    expect(joined).toBeInstanceOf(BudgetExceededError);
    expect(joined.message).toBe("GET Line/Mode/tube/Status did not finish within its 100 ms budget (0 attempts)");
    expect(firstSettled).toBe(false);
    expect(await failure(first)).toBeInstanceOf(BudgetExceededError);
    expect(server.requests).toHaveLength(1);
  });

  test("shares a failure with the concurrent callers, then asks afresh", async () => {
    server.route(
      "GET",
      path,
      status(503),
      status(503),
      status(503),
      json([{ id: "tube-line", name: "Tube", lineStatuses: [] }], { headers: { "cache-control": "max-age=60" } }),
    );
    const c = client();
    const failures = await Promise.all([failure(call(c)), failure(call(c)), failure(call(c))]);
    for (const error of failures) expect(error).toBeInstanceOf(UpstreamError);
    expect(server.requests).toHaveLength(3);
    expect(await call(c)).toEqual([{ id: "tube-line", name: "Tube", lineStatuses: [] }]);
    expect(server.requests).toHaveLength(4);
  });

  test("never caches a failure", async () => {
    server.route(
      "GET",
      path,
      status(503, { headers: { "cache-control": "max-age=60" } }),
      status(503),
      status(503),
      json([{ id: "tube-line", name: "Tube", lineStatuses: [] }], { headers: { "cache-control": "max-age=60" } }),
    );
    const c = client();
    expect(await failure(call(c))).toBeInstanceOf(UpstreamError);
    expect(await call(c)).toEqual([{ id: "tube-line", name: "Tube", lineStatuses: [] }]);
    expect(server.requests).toHaveLength(4);
  });

  test("never caches an answer that fails the schema", async () => {
    server.route(
      "GET",
      path,
      json([{ id: 1 }], { headers: { "cache-control": "max-age=60" } }),
      json(TUBE, { headers: { "cache-control": "max-age=60" } }),
    );
    const c = client();
    expect(await failure(call(c))).toBeInstanceOf(UpstreamSchemaError);
    expect(await call(c)).toEqual(TUBE);
    expect(server.requests).toHaveLength(2);
  });

  test("keeps answers apart by path", async () => {
    server.route(
      "GET",
      "/Line/victoria/Status",
      json([{ id: "victoria", name: "Victoria", lineStatuses: [] }], { headers: { "cache-control": "max-age=30" } }),
    );
    server.route(
      "GET",
      "/Line/dlr/Status",
      json([{ id: "dlr", name: "DLR", lineStatuses: [] }], { headers: { "cache-control": "max-age=30" } }),
    );
    const c = client();
    expect((await c.getLineStatuses(["victoria"], budget()))[0]?.id).toBe("victoria");
    expect((await c.getLineStatuses(["dlr"], budget()))[0]?.id).toBe("dlr");
    expect((await c.getLineStatuses(["victoria"], budget()))[0]?.id).toBe("victoria");
    expect(server.requests).toHaveLength(2);
  });

  test("stays within its entry limit", async () => {
    for (const id of ["victoria", "dlr", "central"]) {
      server.route("GET", `/Line/${id}/Status`, json([line(id)], { headers: { "cache-control": "max-age=30" } }));
    }
    const c = client({ cache: { maxEntries: 2 } });
    for (const id of ["victoria", "dlr", "central", "victoria"]) await c.getLineStatuses([id], budget());
    expect(server.requests.map((r) => r.path)).toEqual([
      "/Line/victoria/Status",
      "/Line/dlr/Status",
      "/Line/central/Status",
      "/Line/victoria/Status",
    ]);
  });

  test("hands out cached answers that cannot be changed", async () => {
    server.route(
      "GET",
      path,
      json([{ id: "tube-line", name: "Tube", lineStatuses: [{ statusSeverity: 10 }] }], {
        headers: { "cache-control": "max-age=30" },
      }),
    );
    const lines = await call(client());
    expect(Object.isFrozen(lines)).toBe(true);
    expect(Object.isFrozen(lines[0]?.lineStatuses[0])).toBe(true);
  });
});

describe("logging", () => {
  test("logs each request at debug with its outcome", async () => {
    server.route(
      "GET",
      "/Line/Mode/tube/Status",
      status(500),
      json(TUBE, { headers: { "cache-control": "max-age=30" } }),
    );
    const c = client();
    await c.getModeStatuses(["tube"], budget());
    await c.getModeStatuses(["tube"], budget());
    const seen = log.lines.map(({ level, event, fields }): Record<string, unknown> => ({
      level,
      event,
      ...fields,
      durationMs: typeof fields["durationMs"],
    }));
    expect(seen).toEqual([
      {
        level: "debug",
        event: "tfl.request",
        operation: "GET Line/Mode/tube/Status",
        status: 200,
        durationMs: "number",
        attempts: 2,
        cached: false,
      },
      {
        level: "debug",
        event: "tfl.request",
        operation: "GET Line/Mode/tube/Status",
        status: 200,
        durationMs: "number",
        attempts: 0,
        cached: true,
      },
    ]);
  });

  test("logs a failure at warn with the error's name and message", async () => {
    server.route("GET", "/Line/victoria/Status", status(404));
    const error = await failure(client().getLineStatuses(["victoria"], budget()));
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({
      level: "warn",
      event: "tfl.request.failed",
      fields: {
        operation: "GET Line/victoria/Status",
        attempts: 1,
        error: { name: "UpstreamError", message: "GET Line/victoria/Status failed: status 404" },
      },
    });
    expect(error.message).toBe("GET Line/victoria/Status failed: status 404");
  });

  test("names the operation with readable commas", async () => {
    server.route("GET", "/Line/victoria%2Cdlr/Status", status(404));
    await failure(client().getLineStatuses(["victoria", "dlr"], budget()));
    expect(log.lines[0]?.fields["operation"]).toBe("GET Line/victoria,dlr/Status");
  });
});

describe("secrets", () => {
  test.each([
    ["a 5xx", () => server.route("GET", "/Line/Mode/tube/Status", status(502))],
    ["a 401", () => server.route("GET", "/Line/Mode/tube/Status", status(401))],
    ["a schema failure", () => server.route("GET", "/Line/Mode/tube/Status", json({ oops: true }))],
    ["a timeout", () => server.route("GET", "/Line/Mode/tube/Status", hang())],
  ])("never put the app id or key in errors or logs on %s", async (_title, script) => {
    script();
    const error = await failure(client().getModeStatuses(["tube"], budget(300)));
    for (const marker of [APP_KEY, APP_ID]) {
      expect(errorSurface(error)).not.toContain(marker);
      for (const line of log.lines) expect(line.json).not.toContain(marker);
    }
  });

  test("never put the key in a refused connection's error or log line", async () => {
    const port = await closedPort();
    const error = await failure(client({ baseUrl: `http://127.0.0.1:${port}/` }).getModeStatuses(["tube"], budget()));
    expect(error.message).toBe("GET Line/Mode/tube/Status failed: network error ECONNREFUSED after 3 attempts");
    expect(errorSurface(error)).not.toContain(APP_KEY);
    expect(log.lines.map((line) => line.json).join("\n")).not.toContain(APP_KEY);
  });

  test("fails by the deadline when TfL never answers", async () => {
    server.route("GET", "/Line/Mode/tube/Status", hang());
    const c = client({ now: Date.now });
    const started = Date.now();
    const error = await failure(c.getModeStatuses(["tube"], { deadline: started + 300 }));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
