/**
 * Secrets by reference through the compiled binary: a fake AWS Parameters and Secrets Lambda
 * Extension on loopback serves `<NAME>_SECRET` references at init. Happy paths answer with the
 * secrets' values in use (TfL's key, the skill id, the OTLP headers); every failure (403, 500, 400,
 * slow, nothing listening) is an init error naming the variable, and no secret value or session
 * token ever appears in stdout, stderr or anything posted to the Runtime API. Both architectures
 * (arm64 under qemu) run one happy and one failing case.
 */
import { describe, expect } from "bun:test";
import type { Arch as LambdaArch } from "../../src/dev/base/arch.ts";
import { startFakeOtlpReceiver, type FakeOtlpReceiver } from "../../src/dev/base/fake-otlp-receiver.ts";
import { startReliabilityBackends } from "../../src/dev/soak/backends.ts";
import { outputOf, startFunction, type FunctionUnderTest } from "../../src/dev/soak/binary.ts";
import { baseEvent, RELIABILITY_SKILL_ID } from "../../src/dev/soak/events.ts";
import { setAt, type Json } from "../../src/dev/soak/json-tree.ts";
import { testIfRunnable } from "../dev/helpers/builds.ts";
import { stopAfterAll } from "../helpers/stop-after-all.ts";
import {
  startFakeSecretsExtension,
  type FakeSecret,
  type FakeSecretsExtension,
} from "../helpers/fake-secrets-extension.ts";
import { closedPort } from "../helpers/http-server.ts";

const TOKEN = "IQoJb3JpZ2luX2VjE-session-token-marker-9f2e";
const KEY = "tfl-key-from-secrets-manager-5c7d";
const APP_ID = "tfl-app-id-from-secrets-3b1a";
const OTLP_KEY = "otlp-api-key-from-secrets-8e4f";
const MARKERS = [TOKEN, KEY, APP_ID, OTLP_KEY];
const IDS = {
  skillId: "alexa-london-travel/Skill__SkillId",
  appId: "alexa-london-travel/Skill__TflApplicationId",
  appKey: "alexa-london-travel/Skill__TflApplicationKey",
  headers: "alexa-london-travel/OTEL_EXPORTER_OTLP_HEADERS",
};

const stopLater = stopAfterAll();

function runnable(arch: LambdaArch) {
  return testIfRunnable(arch, "secret e2e tests");
}

function extension(secrets: Record<string, FakeSecret>): FakeSecretsExtension {
  const fake = startFakeSecretsExtension(secrets, TOKEN);
  stopLater(fake.stop);
  return fake;
}

function expectNoLeak(fn: FunctionUnderTest): void {
  const output = outputOf(fn);
  for (const marker of MARKERS) expect(output).not.toContain(marker);
}

/** Lambda's environment with references instead of values. */
function referencingEnv(
  backends: { tflUrl: string; skillApiUrl: string },
  port: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TFL_API_URL: backends.tflUrl,
    SKILL_API_URL: backends.skillApiUrl,
    AWS_LAMBDA_FUNCTION_NAME: "london-travel-e2e",
    AWS_SESSION_TOKEN: TOKEN,
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
    SKILL_ID_SECRET: IDS.skillId,
    TFL_APP_ID_SECRET: IDS.appId,
    TFL_APP_KEY_SECRET: IDS.appKey,
    LOG_LEVEL: "debug",
    ...extra,
  };
}

const ALL_SECRETS: Record<string, FakeSecret> = {
  [IDS.skillId]: { kind: "value", value: RELIABILITY_SKILL_ID },
  [IDS.appId]: { kind: "value", value: APP_ID },
  // The extension is still starting for the first attempts, as right after a cold start.
  [IDS.appKey]: { kind: "value", value: KEY, notReadyFor: 2 },
  [IDS.headers]: { kind: "value", value: `x-api-key=${OTLP_KEY}` },
};

function otherSkill(): Json {
  return setAt(
    setAt(baseEvent("launch"), ["context", "System", "application", "applicationId"], "amzn1.ask.skill.other"),
    ["session", "application", "applicationId"],
    "amzn1.ask.skill.other",
  );
}

async function happyPath(arch: LambdaArch): Promise<void> {
  const fake = extension(ALL_SECRETS);
  const backends = startReliabilityBackends();
  stopLater(backends.stop);
  const otlp: FakeOtlpReceiver = startFakeOtlpReceiver();
  stopLater(otlp.stop);
  const fn = await startFunction({
    arch,
    backends,
    env: referencingEnv(backends, fake.port, {
      OTEL_EXPORTER_OTLP_HEADERS_SECRET: IDS.headers,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
      OTEL_EXPORTER_OTLP_TIMEOUT: "2000",
    }),
  });
  stopLater(fn.stop);
  const answer = await fn.invoke(baseEvent("statusResolved"));
  expect(answer.kind).toBe("response");
  expect(answer.kind === "response" ? answer.body : "").toContain("Victoria line");
  // The skill id came from its secret: another skill's request is refused.
  const refused = await fn.invoke(otherSkill());
  expect(refused.kind === "error" ? refused.errorType : refused.kind).toBe("Function.SkillIdMismatch");

  expect(fake.requests.length).toBeGreaterThanOrEqual(6);
  expect(fake.requests.every((request) => request.tokenMatched)).toBe(true);
  expect(new Set(fake.requests.map((request) => request.secretId))).toEqual(new Set(Object.values(IDS)));
  const tfl = backends.requests.find((request) => request.server === "tfl");
  expect(tfl?.query).toContain(`app_key=${KEY}`);
  expect(tfl?.query).toContain(`app_id=${APP_ID}`);
  expect(otlp.exports[0]?.headers["x-api-key"]).toBe(OTLP_KEY);
  await fn.stop();
  expectNoLeak(fn);
}

async function failingInit(
  arch: LambdaArch,
  port: number,
  expected: RegExp,
): Promise<{ errorType: string | null; message: string }> {
  const backends = startReliabilityBackends();
  stopLater(backends.stop);
  const fn = await startFunction({ arch, backends, env: referencingEnv(backends, port), expectInitFailure: true });
  stopLater(fn.stop);
  const init = await fn.emulator.initError;
  expect(await fn.process.exited).not.toBe(0);
  const message = String((init.body as { errorMessage?: unknown }).errorMessage);
  expect(init.errorType).toBe("Runtime.ConfigError");
  expect((init.body as { errorType?: unknown }).errorType).toBe("SecretReadError");
  expect(message).toMatch(expected);
  await fn.stop();
  expectNoLeak(fn);
  return { errorType: init.errorType, message };
}

for (const arch of ["x86_64", "arm64"] as const) {
  describe(`secrets at init (${arch})`, () => {
    runnable(arch)(
      "every secret-bearing variable read by reference, through an extension still starting",
      async () => {
        await happyPath(arch);
      },
      60_000,
    );

    runnable(arch)(
      "a 403 from the extension is an init error naming the variable; nothing leaks",
      async () => {
        const fake = extension({ ...ALL_SECRETS, [IDS.appKey]: { kind: "status", status: 403 } });
        await failingInit(
          arch,
          fake.port,
          /^TFL_APP_KEY_SECRET: secret "alexa-london-travel\/Skill__TflApplicationKey" .*status 403/,
        );
      },
      60_000,
    );
  });
}

describe("secrets at init: every way the extension can fail (x86_64)", () => {
  const e2e = runnable("x86_64");

  e2e.each([
    [
      "keeps answering 500",
      { kind: "status", status: 500 } as FakeSecret,
      /TFL_APP_ID_SECRET: .*status 500.*gave up within the 4000 ms allowed/,
    ],
    [
      "keeps answering 400 (no such secret)",
      { kind: "status", status: 400 } as FakeSecret,
      /TFL_APP_ID_SECRET: .*status 400/,
    ],
    [
      "answers slower than the init budget",
      { kind: "slow", ms: 8_000, value: APP_ID } as FakeSecret,
      /TFL_APP_ID_SECRET: .*was not answered/,
    ],
  ])(
    "an extension that %s is an init error naming the variable, within the bounded wait",
    async (_title, answer, expected) => {
      const fake = extension({ ...ALL_SECRETS, [IDS.appId]: answer });
      const started = performance.now();
      await failingInit("x86_64", fake.port, expected);
      expect(performance.now() - started).toBeLessThan(9_000);
    },
    30_000,
  );

  e2e(
    "no extension listening is an init error naming the first variable it could not read",
    async () => {
      const port = await closedPort();
      const { message } = await failingInit("x86_64", port, /_SECRET: secret ".*" could not be fetched/);
      expect(message).toMatch(/^(SKILL_ID|TFL_APP_ID|TFL_APP_KEY)_SECRET/);
    },
    30_000,
  );

  e2e(
    "a reference next to a plain value is an init error (ConfigError) before any secret is read",
    async () => {
      const fake = extension(ALL_SECRETS);
      const backends = startReliabilityBackends();
      stopLater(backends.stop);
      const fn = await startFunction({
        backends,
        env: referencingEnv(backends, fake.port, { TFL_APP_KEY: KEY }),
        expectInitFailure: true,
      });
      stopLater(fn.stop);
      const init = await fn.emulator.initError;
      expect(init.errorType).toBe("Runtime.ConfigError");
      expect((init.body as { errorType?: unknown }).errorType).toBe("ConfigError");
      expect(JSON.stringify(init.body)).toContain("TFL_APP_KEY_SECRET");
      expect(fake.requests).toEqual([]);
      await fn.stop();
      expectNoLeak(fn);
    },
    30_000,
  );
});

describe("secrets at init: other settings first (x86_64)", () => {
  runnable("x86_64")(
    "a bad TFL_API_URL next to references is reported at once, without waiting for the extension",
    async () => {
      const port = await closedPort();
      const backends = startReliabilityBackends();
      stopLater(backends.stop);
      const fn = await startFunction({
        backends,
        env: { ...referencingEnv(backends, port), TFL_API_URL: "ftp://tfl.invalid/" },
        expectInitFailure: true,
      });
      stopLater(fn.stop);
      const init = await fn.emulator.initError;
      expect(init.errorType).toBe("Runtime.ConfigError");
      expect((init.body as { errorType?: unknown }).errorType).toBe("ConfigError");
      expect(JSON.stringify(init.body)).toContain("TFL_API_URL");
      await fn.stop();
      expectNoLeak(fn);
    },
    30_000,
  );
});
