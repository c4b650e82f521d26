import { afterAll, describe, expect, test } from "bun:test";
import {
  answerFromRecordings,
  DEFAULT_RECORDINGS,
  RECORDED_ACCESS_TOKEN,
  startFakeBackends,
} from "../../../src/dev/base/fake-backends.ts";
import { ALL_LINE_IDS } from "../../helpers/lines.ts";

const get = (path: string, headers: Record<string, string> = {}): Response =>
  answerFromRecordings(new Request(`http://127.0.0.1:1${path}`, { headers }));

describe("recordings", () => {
  test("hold every one of the 19 lines once, each with a status", () => {
    expect(DEFAULT_RECORDINGS.lines.map((line) => line.id).sort()).toEqual(ALL_LINE_IDS);
    for (const line of DEFAULT_RECORDINGS.lines) {
      expect((line["lineStatuses"] as unknown[]).length).toBeGreaterThan(0);
    }
  });

  test("hold disruptions for the four modes the skill asks about", () => {
    expect(Object.keys(DEFAULT_RECORDINGS.disruptionsByMode).sort()).toEqual([
      "dlr",
      "elizabeth-line",
      "overground",
      "tube",
    ]);
  });
});

describe("TfL routes", () => {
  test.each([
    ["/Line/victoria/Status", ["victoria"]],
    ["/Line/northern%2Cvictoria/Status", ["northern", "victoria"]],
    ["/Line/Northern,Victoria/Status?app_id=a&app_key=b", ["northern", "victoria"]],
    ["/line/dlr/status", ["dlr"]],
  ])("answers %s with the recorded lines", async (path, ids) => {
    const response = get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("max-age=30");
    const body = (await response.json()) as Array<{ id: string }>;
    expect(body.map((line) => line.id)).toEqual(ids);
  });

  test("answers an unknown line id with TfL's 404", async () => {
    const response = get("/Line/victoria,drain/Status");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      httpStatusCode: 404,
      message: "The following line ids are not recognised: drain",
    });
  });

  test("answers the Overground mode with its six lines", async () => {
    const body = (await get("/Line/Mode/overground/Status").json()) as Array<{ id: string }>;
    expect(body.map((line) => line.id).sort()).toEqual([
      "liberty",
      "lioness",
      "mildmay",
      "suffragette",
      "weaver",
      "windrush",
    ]);
  });

  test("answers disruptions for several modes in the order asked", async () => {
    const body = (await get("/Line/Mode/dlr%2Celizabeth-line%2Coverground%2Ctube/Disruption").json()) as Array<{
      description: string;
    }>;
    const expected = ["dlr", "elizabeth-line", "overground", "tube"].flatMap(
      (mode) => DEFAULT_RECORDINGS.disruptionsByMode[mode] ?? [],
    );
    expect(body).toEqual(expected as Array<{ description: string }>);
    expect(body.length).toBeGreaterThan(0);
  });

  test.each([["/Line/Mode/tube/Arrivals"], ["/StopPoint/940GZZLUVIC"], ["/"]])("answers %s with 404", (path) => {
    expect(get(path).status).toBe(404);
  });

  test("refuses anything but GET", () => {
    expect(
      answerFromRecordings(new Request("http://127.0.0.1:1/Line/victoria/Status", { method: "POST" })).status,
    ).toBe(405);
  });
});

describe("skill API", () => {
  test("answers the recorded token with its favourite lines", async () => {
    const response = get("/api/preferences", { authorization: `Bearer ${RECORDED_ACCESS_TOKEN}` });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ favoriteLines: ["victoria", "jubilee"] });
  });

  test.each([["Bearer someone-else"], ["Basic abc"], [""]])("answers %p with 401", (authorization) => {
    expect(get("/api/preferences", authorization === "" ? {} : { authorization }).status).toBe(401);
  });
});

describe("server", () => {
  const backends = startFakeBackends();
  afterAll(() => backends.stop());

  test("listens on loopback and logs requests with the TfL key redacted", async () => {
    expect(backends.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(`${backends.url}Line/victoria/Status?app_id=id&app_key=secret-key`);
    expect(response.status).toBe(200);
    await fetch(`${backends.url}api/preferences`, { headers: { authorization: "Bearer nope" } });
    expect(backends.requests).toEqual([
      { method: "GET", path: "/Line/victoria/Status?app_id=id&app_key=%5Bredacted%5D", status: 200, authorized: false },
      { method: "GET", path: "/api/preferences", status: 401, authorized: true },
    ]);
  });
});
