/**
 * Issue 7, item 5, against the compiled binary: with marker values for TFL_APP_KEY, account-linking
 * access tokens (sent as Authorization: Bearer) and Alexa's apiAccessToken, no marker appears in
 * stdout, stderr, or anything posted to the Runtime API, across normal traffic, downstream
 * failures, invalid events, Runtime API rejections and init errors. Also: skill-id verification
 * fails closed inside Lambda, and hostile `.env` / `bunfig.toml` files in the working directory
 * are ignored.
 */
import { afterAll, describe, expect } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reliabilityRecordings, startReliabilityBackends } from "../../../src/dev/soak/backends.ts";
import {
  functionEnv,
  outputOf,
  startFunction,
  type FunctionUnderTest,
  type Outcome,
} from "../../../src/dev/soak/binary.ts";
import { baseEvent, TOKENS } from "../../../src/dev/soak/events.ts";
import { SECRET_MARKERS } from "../../../src/dev/soak/in-process.ts";
import { leakedSecrets } from "../../../src/dev/soak/invariants.ts";
import { setAt, type Json } from "../../../src/dev/soak/json-tree.ts";
import { soakEvent } from "../../../src/dev/soak/soak-run.ts";
import {
  closedPort,
  json,
  redirect,
  reset,
  startFakeHttpServer,
  status,
  text,
  delayed,
  type FakeHttpServer,
} from "../../helpers/http-server.ts";
import { testIfRunnable } from "../helpers/builds.ts";

const e2e = testIfRunnable("x86_64", "secret tests");

/** The values that must never be printed or posted. */
const MARKERS = [SECRET_MARKERS.tflAppKey, SECRET_MARKERS.accessToken, SECRET_MARKERS.alexaApiAccessToken];

/** Every process the suite ran, for the final sweep. */
const finished: FunctionUnderTest[] = [];
const servers: Array<{ stop(): Promise<void> }> = [];
const directories: string[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

async function finish(fn: FunctionUnderTest): Promise<string> {
  const text = outputOf(fn);
  finished.push(fn);
  await fn.stop();
  return text;
}

/** An event carrying the markers: the access token and Alexa's apiAccessToken. */
function withMarkers(event: Json, accessToken: string = SECRET_MARKERS.accessToken): Json {
  let copy = structuredClone(event);
  copy = setAt(copy, ["context", "System", "apiAccessToken"], SECRET_MARKERS.alexaApiAccessToken);
  if (JSON.stringify(copy).includes('"user"')) {
    copy = setAt(copy, ["session", "user", "accessToken"], accessToken);
    copy = setAt(copy, ["context", "System", "user", "accessToken"], accessToken);
  }
  return copy;
}

function expectNoLeak(output: string): void {
  expect(leakedSecrets(output, MARKERS)).toEqual([]);
  expect(output).not.toMatch(/Bearer\s+(?!\[redacted\])\S/);
}

function kindOf(outcome: Outcome): string {
  return outcome.kind === "error" ? `error ${String(outcome.errorType)}` : outcome.kind;
}

describe("no secret in any output", () => {
  e2e.each([["JSON"], ["Text"]])(
    "normal traffic at debug level with %s logs leaks nothing, though TfL and the skill API get the credentials",
    async (format) => {
      const recordings = reliabilityRecordings();
      const backends = startReliabilityBackends({
        ...recordings,
        preferencesByToken: {
          ...recordings.preferencesByToken,
          [SECRET_MARKERS.accessToken]: { favoriteLines: ["victoria", "dlr"] },
        },
      });
      servers.push(backends);
      const fn = await startFunction({
        backends,
        extraEnv: { AWS_LAMBDA_LOG_FORMAT: format ?? "JSON", LOG_LEVEL: "debug" },
      });
      for (let index = 0; index < 60; index += 1) {
        const outcome = await fn.invoke(withMarkers(soakEvent(index).event as Json));
        expect(outcome.kind).toBe("response");
      }
      // The markers really were in play.
      expect(
        backends.requests.some(
          (request) => request.server === "tfl" && request.query.includes(`app_key=${SECRET_MARKERS.tflAppKey}`),
        ),
      ).toBe(true);
      expect(
        backends.requests.some(
          (request) => request.headers["authorization"] === `Bearer ${SECRET_MARKERS.accessToken}`,
        ),
      ).toBe(true);
      expectNoLeak(await finish(fn));
    },
    30_000,
  );

  e2e(
    "downstream failures of every kind leak nothing (errors carry no URL, query or header)",
    async () => {
      const tfl = startFakeHttpServer();
      const skillApi = startFakeHttpServer();
      servers.push(tfl, skillApi);
      const fn = await startFunction({
        env: functionEnv({ tflUrl: tfl.url, skillApiUrl: skillApi.url }),
        timeoutMs: 2_000,
      });
      const statusEvent = withMarkers(baseEvent("statusResolved"));
      const commuteEvent = withMarkers(baseEvent("commute"));
      const tflFaults = [
        status(500),
        status(429, { headers: { "retry-after": "3600" } }),
        status(403),
        reset(),
        reset('[{"id":"victoria"'),
        text("not json"),
        json({ wrong: "shape" }),
        redirect(`http://localhost:${tfl.port}/elsewhere?app_key=${SECRET_MARKERS.tflAppKey}`),
        delayed(5_000, json([])),
      ];
      for (const fault of tflFaults) {
        tfl.route("GET", "/Line/victoria/Status", fault);
        const outcome = await fn.invoke(statusEvent);
        expect(kindOf(outcome)).toBe("response");
      }
      tfl.route("GET", "/Line/victoria,dlr/Status", json([]));
      const skillApiFaults = [
        status(500),
        status(401),
        status(429, { headers: { "retry-after": "3600" } }),
        reset(),
        text("{"),
        redirect("http://localhost:1/api"),
        delayed(5_000, json({})),
      ];
      for (const fault of skillApiFaults) {
        skillApi.route("GET", "/api/preferences", fault);
        const outcome = await fn.invoke(commuteEvent);
        expect(kindOf(outcome)).toBe("response");
      }
      expect(tfl.requests.some((request) => request.query.includes(SECRET_MARKERS.tflAppKey))).toBe(true);
      expect(
        skillApi.requests.some(
          (request) => request.headers["authorization"] === `Bearer ${SECRET_MARKERS.accessToken}`,
        ),
      ).toBe(true);
      expectNoLeak(await finish(fn));

      // TfL refusing connections: Bun's network errors name the URL.
      const refused = await startFunction({
        env: functionEnv({
          tflUrl: `http://127.0.0.1:${await closedPort()}/`,
          skillApiUrl: `http://127.0.0.1:${await closedPort()}/`,
        }),
      });
      expect(kindOf(await refused.invoke(statusEvent))).toBe("response");
      expect(kindOf(await refused.invoke(commuteEvent))).toBe("response");
      expectNoLeak(await finish(refused));
    },
    60_000,
  );

  e2e(
    "invalid events, wrong skill ids and Runtime API rejections leak nothing",
    async () => {
      const fn = await startFunction();
      // Each carries a secret where the skill must reject it; the error type says it was rejected for the right reason.
      const events: ReadonlyArray<readonly [Json, string]> = [
        [withMarkers(setAt(baseEvent("commute"), ["session", "user", "userId"], 7)), "Function.InvalidRequest"],
        [
          withMarkers(setAt(baseEvent("commute"), ["request", "intent"], SECRET_MARKERS.accessToken)),
          "Function.InvalidRequest",
        ],
        [
          setAt(baseEvent("launch"), ["request", "type"], { token: SECRET_MARKERS.accessToken }),
          "Function.InvalidRequest",
        ],
        [
          withMarkers(
            setAt(
              setAt(
                baseEvent("commute"),
                ["context", "System", "application", "applicationId"],
                "amzn1.ask.skill.other",
              ),
              ["session", "application", "applicationId"],
              "amzn1.ask.skill.other",
            ),
          ),
          "Function.SkillIdMismatch",
        ],
        [
          { authorization: `Bearer ${SECRET_MARKERS.accessToken}`, app_key: SECRET_MARKERS.tflAppKey },
          "Function.InvalidRequest",
        ],
      ];
      for (const [event, errorType] of events) expect(kindOf(await fn.invoke(event))).toBe(`error ${errorType}`);
      expect(kindOf(await fn.invoke(null, { rawBody: `{"app_key":"${SECRET_MARKERS.tflAppKey}",` }))).toBe(
        "error Runtime.InvalidEvent",
      );
      fn.emulator.injectFault({ on: "response", status: 403 });
      await fn.invoke(withMarkers(baseEvent("commute")), { deadlineMs: Date.now() + 1_000 });
      fn.emulator.injectFault({ on: "response", status: 500 });
      await fn.invoke(withMarkers(baseEvent("commute")));
      expectNoLeak(await finish(fn));
    },
    30_000,
  );

  e2e.each([
    [
      "a TFL_API_URL with the key as its password",
      { TFL_API_URL: `http://user:${SECRET_MARKERS.tflAppKey}@127.0.0.1:9/` },
      "ConfigError",
      "TFL_API_URL",
    ],
    [
      "a SKILL_API_URL with the key in its query",
      { SKILL_API_URL: `http://127.0.0.1:9/?app_key=${SECRET_MARKERS.tflAppKey}` },
      "ConfigError",
      "SKILL_API_URL",
    ],
    ["an invalid LOG_LEVEL next to the key", { LOG_LEVEL: SECRET_MARKERS.tflAppKey }, "LogConfigError", "LOG_LEVEL"],
  ])("an init error caused by %s leaks nothing", async (_title, bad, errorType, variable) => {
    const backends = startReliabilityBackends();
    servers.push(backends);
    const fn = await startFunction({ env: { ...functionEnv(backends), ...bad }, expectInitFailure: true });
    const init = await fn.emulator.initError;
    // The right error, naming the variable at fault: an init error for any other reason is a bug too.
    expect(init.errorType).toBe("Runtime.ConfigError");
    expect((init.body as { errorType?: unknown }).errorType).toBe(errorType);
    expect((init.body as { errorMessage?: unknown }).errorMessage).toEqual(expect.stringContaining(variable));
    expect(await fn.process.exited).not.toBe(0);
    expectNoLeak(await finish(fn));
  });
});

describe("skill-id verification fails closed", () => {
  e2e("inside Lambda, no SKILL_ID is an init error naming SKILL_ID, and the process exits", async () => {
    const backends = startReliabilityBackends();
    servers.push(backends);
    const { SKILL_ID: _omitted, ...env } = functionEnv(backends);
    const fn = await startFunction({ env, expectInitFailure: true });
    const init = await fn.emulator.initError;
    expect(init.errorType).toBe("Runtime.ConfigError");
    expect(JSON.stringify(init.body)).toContain("SKILL_ID");
    expect(await fn.process.exited).not.toBe(0);
    await finish(fn);
  });

  e2e("VERIFY_SKILL_ID=false without SKILL_ID is an explicit opt-out: any skill is served", async () => {
    const backends = startReliabilityBackends();
    servers.push(backends);
    const { SKILL_ID: _omitted, ...env } = functionEnv(backends);
    const fn = await startFunction({ env: { ...env, VERIFY_SKILL_ID: "false" } });
    const other = setAt(
      setAt(baseEvent("launch"), ["context", "System", "application", "applicationId"], "amzn1.ask.skill.other"),
      ["session", "application", "applicationId"],
      "amzn1.ask.skill.other",
    );
    expect(kindOf(await fn.invoke(other))).toBe("response");
    await finish(fn);
  });

  e2e("a request for another skill is an invocation error, and the next request is served", async () => {
    const fn = await startFunction();
    const other = setAt(
      setAt(baseEvent("launch"), ["context", "System", "application", "applicationId"], "amzn1.ask.skill.other"),
      ["session", "application", "applicationId"],
      "amzn1.ask.skill.other",
    );
    expect(kindOf(await fn.invoke(other))).toBe("error Function.SkillIdMismatch");
    expect(kindOf(await fn.invoke(setAt(baseEvent("launch"), ["context", "System", "application"], null)))).toBe(
      "response",
    );
    await finish(fn);
  });
});

describe("the working directory cannot reconfigure the binary", () => {
  function hostileDirectory(foreignPort: number): string {
    const directory = mkdtempSync(join(tmpdir(), "rel-hostile-cwd-"));
    directories.push(directory);
    const dotenv = [
      "SKILL_ID=amzn1.ask.skill.hostile",
      "VERIFY_SKILL_ID=false",
      `TFL_API_URL=http://127.0.0.1:${foreignPort}/`,
      `SKILL_API_URL=http://127.0.0.1:${foreignPort}/`,
      "LOG_LEVEL=trace",
      "AWS_LAMBDA_LOG_FORMAT=Text",
      "BUN_CONFIG_HTTP_IDLE_TIMEOUT=1",
    ].join("\n");
    for (const name of [
      ".env",
      ".env.local",
      ".env.production",
      ".env.production.local",
      ".env.development",
      ".env.test",
    ]) {
      writeFileSync(join(directory, name), `${dotenv}\n`);
    }
    const marker = join(directory, "preload-ran");
    writeFileSync(
      join(directory, "evil.ts"),
      `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran"); console.log("HOSTILE PRELOAD RAN");\n`,
    );
    writeFileSync(
      join(directory, "evil.js"),
      `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran"); console.log("HOSTILE PRELOAD RAN");\n`,
    );
    writeFileSync(
      join(directory, "bunfig.toml"),
      [
        'preload = ["./evil.ts", "./evil.js"]',
        "smol = true",
        "[define]",
        '"process.env.SKILL_ID" = "\\"amzn1.ask.skill.hostile\\""',
        "[run]",
        'preload = ["./evil.ts"]',
        "",
      ].join("\n"),
    );
    return directory;
  }

  e2e("hostile .env files and bunfig.toml are ignored: same skill id, same hosts, no preload", async () => {
    const foreign: FakeHttpServer = startFakeHttpServer();
    servers.push(foreign);
    const directory = hostileDirectory(foreign.port);
    const fn = await startFunction({ cwd: directory });
    const hostile = setAt(
      setAt(baseEvent("launch"), ["context", "System", "application", "applicationId"], "amzn1.ask.skill.hostile"),
      ["session", "application", "applicationId"],
      "amzn1.ask.skill.hostile",
    );
    expect(kindOf(await fn.invoke(hostile))).toBe("error Function.SkillIdMismatch");
    const statusOutcome = await fn.invoke(baseEvent("statusResolved"));
    expect(statusOutcome.kind === "response" ? statusOutcome.body : "").toContain("Victoria line has a good service");
    const output = await finish(fn);
    expect(foreign.requests).toEqual([]);
    expect(existsSync(join(directory, "preload-ran"))).toBe(false);
    expect(output).not.toContain("HOSTILE PRELOAD RAN");
    // Still JSON logs, not the .env's Text format.
    expect(fn.process.stdout().split("\n")[0]).toStartWith("{");
  });

  e2e("a .env that supplies SKILL_ID does not stop verification from failing closed", async () => {
    const foreign: FakeHttpServer = startFakeHttpServer();
    servers.push(foreign);
    const directory = hostileDirectory(foreign.port);
    const backends = startReliabilityBackends();
    servers.push(backends);
    const { SKILL_ID: _omitted, ...env } = functionEnv(backends);
    const fn = await startFunction({ env, cwd: directory, expectInitFailure: true });
    expect((await fn.emulator.initError).errorType).toBe("Runtime.ConfigError");
    expect(await fn.process.exited).not.toBe(0);
    await finish(fn);
    expect(existsSync(join(directory, "preload-ran"))).toBe(false);
  });
});

describe("log lines", () => {
  // Every line carries the requestId of the invocation it belongs to. The lines are picked by when
  // they were written (in order, each invocation starting with its "skill.request" line), never by
  // the id itself: a line that lost its id must fail this test, not drop out of it.
  e2e("every line written during an invocation names that invocation's requestId", async () => {
    const fn = await startFunction();
    const launchId = crypto.randomUUID();
    const commuteId = crypto.randomUUID();
    expect(kindOf(await fn.invoke(withMarkers(baseEvent("launch")), { requestId: launchId }))).toBe("response");
    const commute = withMarkers(baseEvent("commute"), TOKENS.favourites);
    expect(kindOf(await fn.invoke(commute, { requestId: commuteId }))).toBe("response");
    await finish(fn);
    const entries = fn.process
      .stdout()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const starts = entries.flatMap((entry, index) => (entry["event"] === "skill.request" ? [index] : []));
    // Nothing is logged before the first invocation starts, and there are exactly two invocations.
    expect(starts).toHaveLength(2);
    expect(starts[0]).toBe(0);
    const launchLines = entries.slice(0, starts[1]);
    const commuteLines = entries.slice(starts[1]);
    expect(launchLines.map((entry) => entry["requestId"])).toEqual(launchLines.map(() => launchId));
    expect(commuteLines.map((entry) => entry["requestId"])).toEqual(commuteLines.map(() => commuteId));
    // The commute's own lines include the clients' calls, so the window is not trivially short.
    expect(commuteLines.map((entry) => entry["event"])).toEqual(
      expect.arrayContaining(["skill.request", "skillApi.request", "tfl.request"]),
    );
  });
});
