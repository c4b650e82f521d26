import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { BudgetExceededError, UpstreamError, UpstreamSchemaError } from "../../src/http/index.ts";
import type { PreferencesPort } from "../../src/skill/ports.ts";
import { createSkillApiClient } from "../../src/skill-api/index.ts";
import type { SkillApiClient, SkillApiClientOptions } from "../../src/skill-api/index.ts";
import preferencesFixture from "../fixtures/clients/skill-api-preferences.json";
import unauthorizedFixture from "../fixtures/clients/skill-api-unauthorized.json";
import { createCapturingLogger, errorSurface } from "../helpers/capture-log.ts";
import type { CapturingLogger } from "../helpers/capture-log.ts";
import { closedPort, hang, json, redirect, startFakeHttpServer, status, text } from "../helpers/http-server.ts";
import type { FakeHttpServer } from "../helpers/http-server.ts";
import { failure } from "../helpers/failure.ts";

const TOKEN = "TOKEN-MARKER-Atza|9b3f7e21c5";
const PATH = "/api/preferences";

let server: FakeHttpServer;
let log: CapturingLogger;

beforeAll(() => {
  server = startFakeHttpServer();
});
afterEach(() => {
  server.reset();
});
afterAll(async () => {
  await server.stop();
});

function client(overrides: Partial<SkillApiClientOptions> = {}): SkillApiClient {
  log = createCapturingLogger();
  return createSkillApiClient({
    baseUrl: server.url,
    userAgent: "london-travel/1.2.3",
    log,
    retry: { baseDelayMs: 2, maxDelayMs: 10, minAttemptMs: 10 },
    ...overrides,
  });
}

const budget = (ms = 1_000) => ({ deadline: Date.now() + ms });

describe("requests", () => {
  test("GETs api/preferences with the bearer token and the User-Agent", async () => {
    server.route("GET", PATH, json(preferencesFixture));
    await client().getPreferences(TOKEN, budget());
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: "GET",
      path: PATH,
      query: "",
      headers: { authorization: `Bearer ${TOKEN}`, "user-agent": "london-travel/1.2.3", accept: "application/json" },
    });
  });

  test("keeps the base URL's own path", async () => {
    server.route("GET", "/london/api/preferences", json(preferencesFixture));
    await client({ baseUrl: `${server.url}london/` }).getPreferences(TOKEN, budget());
    expect(server.requests.map((r) => r.path)).toEqual(["/london/api/preferences"]);
  });

  test("answers unauthorized without a request for an empty or malformed token", async () => {
    const c = client();
    expect(await c.getPreferences("", budget())).toEqual({ kind: "unauthorized" });
    expect(await c.getPreferences("two words", budget())).toEqual({ kind: "unauthorized" });
    expect(await c.getPreferences("line\nbreak", budget())).toEqual({ kind: "unauthorized" });
    expect(server.requests).toHaveLength(0);
  });

  test("never caches", async () => {
    server.route("GET", PATH, json(preferencesFixture, { headers: { "cache-control": "max-age=60" } }));
    const c = client();
    await c.getPreferences(TOKEN, budget());
    await c.getPreferences(TOKEN, budget());
    expect(server.requests).toHaveLength(2);
  });

  test("is usable as the skill's PreferencesPort", () => {
    const port: PreferencesPort = client();
    expect(typeof port.getPreferences).toBe("function");
  });
});

describe("answers", () => {
  test.each([
    ["the favourite lines", preferencesFixture, ["windrush", "jubilee", "elizabeth"]],
    ["an empty list", { favoriteLines: [], userId: "u-1" }, []],
    ["no list", { userId: "u-2" }, []],
    ["a null list", { favoriteLines: null }, []],
    ["a null body", null, []],
  ])("reads %s", async (_title, body, favoriteLines) => {
    server.route("GET", PATH, json(body));
    expect(await client().getPreferences(TOKEN, budget())).toEqual({ kind: "ok", favoriteLines });
  });

  test("answers unauthorized for a 401 without retrying", async () => {
    server.route("GET", PATH, json(unauthorizedFixture, { status: 401 }));
    expect(await client().getPreferences(TOKEN, budget())).toEqual({ kind: "unauthorized" });
    expect(server.requests).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({
      level: "debug",
      event: "skillApi.request",
      fields: { status: 401, attempts: 1 },
    });
  });

  test.each([
    ["a list of numbers", { favoriteLines: [1, 2] }],
    ["a string instead of a list", { favoriteLines: "victoria" }],
    ["an array body", [{ favoriteLines: [] }]],
  ])("rejects %s", async (_title, body) => {
    server.route("GET", PATH, json(body));
    expect(await failure(client().getPreferences(TOKEN, budget()))).toBeInstanceOf(UpstreamSchemaError);
  });

  test("rejects malformed JSON", async () => {
    server.route("GET", PATH, text("{favoriteLines:"));
    expect(await failure(client().getPreferences(TOKEN, budget()))).toBeInstanceOf(UpstreamSchemaError);
  });

  test("fails on a 403 without retrying", async () => {
    server.route("GET", PATH, status(403));
    const error = await failure(client().getPreferences(TOKEN, budget()));
    expect(error).toMatchObject({
      name: "UpstreamError",
      status: 403,
      message: "GET api/preferences failed: status 403",
    });
    expect(server.requests).toHaveLength(1);
  });

  test("retries a 5xx, then answers", async () => {
    server.route("GET", PATH, status(502), status(503), json(preferencesFixture));
    expect(await client().getPreferences(TOKEN, budget())).toMatchObject({ kind: "ok" });
    expect(server.requests).toHaveLength(3);
    expect(server.requests.every((r) => r.headers["authorization"] === `Bearer ${TOKEN}`)).toBe(true);
  });

  test("does not follow a redirect", async () => {
    server.route("GET", PATH, redirect("http://127.0.0.1:9/elsewhere"));
    expect(await failure(client().getPreferences(TOKEN, budget()))).toMatchObject({
      name: "UpstreamError",
      status: 302,
    });
  });

  test("fails by the deadline when the API never answers", async () => {
    server.route("GET", PATH, hang());
    const started = Date.now();
    const error = await failure(client().getPreferences(TOKEN, { deadline: started + 300 }));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("secrets", () => {
  test.each([
    ["a 5xx", () => server.route("GET", PATH, status(500))],
    ["a 403", () => server.route("GET", PATH, status(403))],
    ["a schema failure", () => server.route("GET", PATH, json({ favoriteLines: [TOKEN.length] }))],
    ["a timeout", () => server.route("GET", PATH, hang())],
    ["a 401", () => server.route("GET", PATH, status(401))],
    ["success", () => server.route("GET", PATH, json(preferencesFixture))],
  ])("never put the token in errors or logs on %s", async (_title, script) => {
    script();
    const outcome = await client()
      .getPreferences(TOKEN, budget(300))
      .catch((error: unknown) => error);
    expect(errorSurface(outcome)).not.toContain(TOKEN);
    expect(errorSurface(outcome)).not.toContain("9b3f7e21c5");
    for (const line of log.lines) expect(line.json).not.toContain("9b3f7e21c5");
  });

  test("never put the token in a refused connection's error", async () => {
    const port = await closedPort();
    const error = await failure(client({ baseUrl: `http://127.0.0.1:${port}/` }).getPreferences(TOKEN, budget()));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(errorSurface(error)).not.toContain("9b3f7e21c5");
    expect(log.lines.map((line) => line.json).join("\n")).not.toContain("9b3f7e21c5");
  });
});
