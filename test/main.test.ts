import { describe, expect, test } from "bun:test";
import { downstreamDeadline, init } from "../src/main.ts";

describe("downstreamDeadline (README, Decisions D12)", () => {
  const arrival = 1_800_000_000_000;
  test.each([
    ["Alexa's patience when Lambda allows more", arrival + 30_000, arrival + 7_000],
    ["half a second before Lambda's deadline when that comes first", arrival + 3_000, arrival + 2_500],
    ["the two limits where they meet", arrival + 7_500, arrival + 7_000],
    ["already past when Lambda's deadline is under the margin", arrival + 200, arrival - 300],
  ])("ends downstream calls at %s", (_case, lambdaDeadline, expected) => {
    expect(downstreamDeadline(lambdaDeadline, arrival)).toBe(expected);
  });
});

describe("init", () => {
  const log = { debug() {}, info() {}, warn() {}, error() {}, child: () => log, redact() {} };

  test("fails with the variable's name on a bad setting, before any invocation", async () => {
    const saved = process.env["TFL_API_URL"];
    process.env["TFL_API_URL"] = "ftp://example.invalid/";
    try {
      expect(() => init(log as never)).toThrow(/TFL_API_URL/);
    } finally {
      if (saved === undefined) delete process.env["TFL_API_URL"];
      else process.env["TFL_API_URL"] = saved;
    }
  });
});

describe("init with secret references", () => {
  const KEY = "tfl-key-from-a-secret-2c9e";
  const TOKEN = "session-token-for-the-extension-7d1b";

  test("reads them through the extension, and every value reaches the redactor before init returns", async () => {
    const { startFakeSecretsExtension } = await import("./helpers/fake-secrets-extension.ts");
    const fake = startFakeSecretsExtension({ "alexa-london-travel/key": { kind: "value", value: KEY } }, TOKEN);
    const names = ["TFL_APP_KEY_SECRET", "AWS_SESSION_TOKEN", "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"] as const;
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    Object.assign(process.env, {
      TFL_APP_KEY_SECRET: "alexa-london-travel/key",
      AWS_SESSION_TOKEN: TOKEN,
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(fake.port),
    });
    const redacted: string[] = [];
    const recording = {
      debug() {},
      info() {},
      warn() {},
      error() {},
      child: () => recording,
      redact: (values: string[]) => redacted.push(...values),
    };
    try {
      const pending = init(recording as never);
      expect(pending).toBeInstanceOf(Promise);
      const deps = await pending;
      expect(deps.tracing).toBeUndefined();
      expect(redacted).toContain(TOKEN);
      expect(redacted).toContain(KEY);
      expect(fake.requests).toEqual([{ secretId: "alexa-london-travel/key", tokenMatched: true }]);
    } finally {
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      await fake.stop();
    }
  });
});
