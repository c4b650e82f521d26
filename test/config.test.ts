import { describe, expect, test } from "bun:test";
import {
  ConfigError,
  DEFAULT_EXPORT_TIMEOUT_MS,
  loadConfig,
  loadSecretSources,
  loadTraceConfig,
  secretsInEnvironment,
} from "../src/config.ts";
import type { Config } from "../src/config.ts";

const SKILL = "amzn1.ask.skill.7d0c2e55-0c41-4b8a-9d5e-2f61a3c0b9e4";
const KEY_MARKER = "KEY-MARKER-93b1f0aa";
const LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: "london-travel" };

const DEFAULTS: Config = {
  skillId: undefined,
  verifySkillId: false,
  tflApiUrl: "https://api.tfl.gov.uk/",
  tflAppId: undefined,
  tflAppKey: undefined,
  skillApiUrl: "https://londontravel.martincostello.com/",
};

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  test("uses the defaults for an empty environment outside Lambda", () => {
    expect(loadConfig({})).toEqual(DEFAULTS);
  });

  test("returns a frozen object", () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  test.each([
    [
      "our names",
      {
        SKILL_ID: SKILL,
        TFL_APP_ID: "app-id-1",
        TFL_APP_KEY: KEY_MARKER,
        TFL_API_URL: "http://127.0.0.1:8080/",
        SKILL_API_URL: "https://prefs.example/",
      },
    ],
    [
      "the peer's names",
      {
        Skill__SkillId: SKILL,
        Skill__TflApplicationId: "app-id-1",
        Skill__TflApplicationKey: KEY_MARKER,
        Skill__TflApiUrl: "http://127.0.0.1:8080/",
        Skill__SkillApiUrl: "https://prefs.example/",
      },
    ],
    [
      "the peer's names in another case",
      {
        SKILL__SKILLID: SKILL,
        skill__tflapplicationid: "app-id-1",
        SKILL__TFLAPPLICATIONKEY: KEY_MARKER,
        skill__TflApiUrl: "http://127.0.0.1:8080/",
        SKILL__SKILLAPIURL: "https://prefs.example/",
      },
    ],
  ])("reads every value from %s", (_title, env) => {
    expect(loadConfig(env)).toEqual({
      skillId: SKILL,
      verifySkillId: true,
      tflApiUrl: "http://127.0.0.1:8080/",
      tflAppId: "app-id-1",
      tflAppKey: KEY_MARKER,
      skillApiUrl: "https://prefs.example/",
    });
  });

  test.each([
    ["SKILL_ID", "Skill__SkillId", "skillId", SKILL, "amzn1.ask.skill.other"],
    ["TFL_APP_ID", "Skill__TflApplicationId", "tflAppId", "ours-id", "theirs-id"],
    ["TFL_APP_KEY", "Skill__TflApplicationKey", "tflAppKey", "ours-key", "theirs-key"],
    ["TFL_API_URL", "Skill__TflApiUrl", "tflApiUrl", "https://ours.example/", "https://theirs.example/"],
    ["SKILL_API_URL", "Skill__SkillApiUrl", "skillApiUrl", "https://ours.example/", "https://theirs.example/"],
  ] as const)("prefers %s over %s when both are set", (ours, alias, field, oursValue, aliasValue) => {
    expect(loadConfig({ [ours]: oursValue, [alias]: aliasValue })[field]).toBe(oursValue);
  });

  test("prefers VERIFY_SKILL_ID over Skill__VerifySkillId", () => {
    expect(loadConfig({ SKILL_ID: SKILL, VERIFY_SKILL_ID: "false", Skill__VerifySkillId: "true" }).verifySkillId).toBe(
      false,
    );
  });

  test("falls back to the alias when our variable is empty", () => {
    expect(loadConfig({ SKILL_ID: "", Skill__SkillId: SKILL }).skillId).toBe(SKILL);
  });

  test.each([
    ["empty", ""],
    ["blank", "   "],
  ])("treats an %s value as unset", (_title, value) => {
    expect(
      loadConfig({
        SKILL_ID: value,
        VERIFY_SKILL_ID: value,
        TFL_API_URL: value,
        TFL_APP_ID: value,
        TFL_APP_KEY: value,
        SKILL_API_URL: value,
      }),
    ).toEqual(DEFAULTS);
  });

  test("trims values", () => {
    expect(loadConfig({ SKILL_ID: ` ${SKILL}\n`, TFL_APP_KEY: " k-123 " })).toMatchObject({
      skillId: SKILL,
      tflAppKey: "k-123",
    });
  });
});

describe("skill id verification", () => {
  test.each([
    ["SKILL_ID set", true, { SKILL_ID: SKILL }],
    ["SKILL_ID set and VERIFY_SKILL_ID=true", true, { SKILL_ID: SKILL, VERIFY_SKILL_ID: "true" }],
    ["SKILL_ID set and VERIFY_SKILL_ID=TRUE", true, { SKILL_ID: SKILL, VERIFY_SKILL_ID: "TRUE" }],
    ["SKILL_ID set and VERIFY_SKILL_ID=false", false, { SKILL_ID: SKILL, VERIFY_SKILL_ID: "false" }],
    ["SKILL_ID set and VERIFY_SKILL_ID=False", false, { SKILL_ID: SKILL, VERIFY_SKILL_ID: "False" }],
    ["nothing set outside Lambda", false, {}],
    ["only VERIFY_SKILL_ID=false outside Lambda", false, { VERIFY_SKILL_ID: "false" }],
    ["inside Lambda with SKILL_ID", true, { ...LAMBDA, SKILL_ID: SKILL }],
    ["inside Lambda with an explicit VERIFY_SKILL_ID=false", false, { ...LAMBDA, VERIFY_SKILL_ID: "false" }],
    ["inside Lambda with the peer's Skill__VerifySkillId=false", false, { ...LAMBDA, Skill__VerifySkillId: "false" }],
  ])("with %s is %p", (_title, expected, env) => {
    expect(loadConfig(env).verifySkillId).toBe(expected);
  });

  test.each([
    ["nothing set", { ...LAMBDA }],
    ["VERIFY_SKILL_ID=true", { ...LAMBDA, VERIFY_SKILL_ID: "true" }],
    ["an empty SKILL_ID", { ...LAMBDA, SKILL_ID: "" }],
  ])("fails closed inside Lambda with %s", (_title, env) => {
    const error = configError(env);
    expect(error.name).toBe("ConfigError");
    expect(error.variable).toBe("SKILL_ID");
    expect(error.message).toContain("SKILL_ID");
  });

  test("refuses VERIFY_SKILL_ID=true without a SKILL_ID outside Lambda too", () => {
    expect(configError({ VERIFY_SKILL_ID: "true" }).variable).toBe("SKILL_ID");
  });

  test.each(["yes", "1", "0", "on", "tru", "true!"])("rejects VERIFY_SKILL_ID=%p, naming the variable", (value) => {
    const error = configError({ SKILL_ID: SKILL, VERIFY_SKILL_ID: value });
    expect(error.variable).toBe("VERIFY_SKILL_ID");
    expect(error.message).toBe('VERIFY_SKILL_ID must be "true" or "false"');
  });

  test("names the peer's variable when its value is bad", () => {
    expect(configError({ SKILL_ID: SKILL, Skill__VerifySkillId: "maybe" }).variable).toBe("Skill__VerifySkillId");
  });
});

describe("base URLs", () => {
  test.each([
    ["https://api.tfl.gov.uk", "https://api.tfl.gov.uk/"],
    ["https://api.tfl.gov.uk/", "https://api.tfl.gov.uk/"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080/"],
    ["https://proxy.example/tfl", "https://proxy.example/tfl/"],
    ["https://proxy.example/tfl/", "https://proxy.example/tfl/"],
    ["HTTPS://API.TFL.GOV.UK", "https://api.tfl.gov.uk/"],
  ])("normalises %p to %p", (value, expected) => {
    expect(loadConfig({ TFL_API_URL: value, SKILL_API_URL: value })).toMatchObject({
      tflApiUrl: expected,
      skillApiUrl: expected,
    });
  });

  test.each([
    ["a relative URL", "api.tfl.gov.uk", "must be an absolute http(s) URL"],
    ["a path", "/Line", "must be an absolute http(s) URL"],
    ["another scheme", "ftp://api.tfl.gov.uk/", "must be an absolute http(s) URL"],
    ["a file URL", "file:///etc/passwd", "must be an absolute http(s) URL"],
    ["credentials", "https://user:pa55@api.tfl.gov.uk/", "must not contain credentials"],
    ["a query", "https://api.tfl.gov.uk/?app_key=abc", "must not contain a query or fragment"],
    ["a fragment", "https://api.tfl.gov.uk/#x", "must not contain a query or fragment"],
  ])("rejects %s, naming the variable without echoing the value", (_title, value, why) => {
    for (const variable of ["TFL_API_URL", "SKILL_API_URL", "Skill__TflApiUrl", "Skill__SkillApiUrl"]) {
      const error = configError({ [variable]: value });
      expect(error.variable).toBe(variable);
      expect(error.message).toBe(`${variable} ${why}`);
    }
  });
});

describe("secrets", () => {
  test("never echo TFL_APP_KEY in a ConfigError", () => {
    const envs = [
      { ...LAMBDA, TFL_APP_KEY: KEY_MARKER },
      { TFL_APP_KEY: KEY_MARKER, VERIFY_SKILL_ID: "nope" },
      { TFL_APP_KEY: KEY_MARKER, TFL_API_URL: `https://x:${KEY_MARKER}@api.tfl.gov.uk/` },
      { TFL_APP_KEY: KEY_MARKER, TFL_API_URL: `https://api.tfl.gov.uk/?app_key=${KEY_MARKER}` },
    ];
    for (const env of envs) {
      const error = configError(env);
      expect(`${error.message} ${Bun.inspect(error)} ${String(error.stack)}`).not.toContain(KEY_MARKER);
    }
  });

  test("secretsInEnvironment lists the app key and id for the log redactor, aliases included", () => {
    expect(secretsInEnvironment({ TFL_APP_KEY: KEY_MARKER, TFL_APP_ID: "id-5f2a" })).toEqual([KEY_MARKER, "id-5f2a"]);
    expect(secretsInEnvironment({ skill__tflapplicationkey: KEY_MARKER })).toEqual([KEY_MARKER]);
  });

  test("secretsInEnvironment is empty without credentials", () => {
    expect(secretsInEnvironment({})).toEqual([]);
  });

  test("secretsInEnvironment leaves out values too short to redact without mangling every line", () => {
    expect(secretsInEnvironment({ TFL_APP_KEY: KEY_MARKER, TFL_APP_ID: "7" })).toEqual([KEY_MARKER]);
  });

  test("secretsInEnvironment lists the traces-only OTLP headers and credentials in an OTLP endpoint", () => {
    expect(secretsInEnvironment({ OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-honeycomb-team=hc_secret_key_123" })).toEqual([
      "x-honeycomb-team=hc_secret_key_123",
      "hc_secret_key_123",
    ]);
    expect(
      secretsInEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector:pass-word-123@otlp.example/" }),
    ).toEqual(["collector:pass-word-123", "collector", "pass-word-123"]);
    expect(secretsInEnvironment({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://otlp.example/v1/traces" })).toEqual([]);
  });

  test("secretsInEnvironment lists the OTLP headers whole and each value, raw and decoded", () => {
    expect(secretsInEnvironment({ OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=abc%2Fdef,x-team=t1" })).toEqual([
      "x-api-key=abc%2Fdef,x-team=t1",
      "abc%2Fdef",
      "abc/def",
    ]);
  });
});

describe("secret references", () => {
  const TOKEN = { AWS_SESSION_TOKEN: "session-token-marker" };

  test("none set: nothing to read, and no session token needed", () => {
    expect(loadSecretSources({ TFL_APP_KEY: KEY_MARKER })).toBeUndefined();
  });

  test("reads every <NAME>_SECRET reference, the default port and the session token", () => {
    expect(
      loadSecretSources({
        ...TOKEN,
        SKILL_ID_SECRET: "alexa-london-travel/Skill__SkillId",
        TFL_APP_ID_SECRET: "alexa-london-travel/Skill__TflApplicationId",
        TFL_APP_KEY_SECRET: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:alexa-london-travel/key-AbCdEf",
        OTEL_EXPORTER_OTLP_HEADERS_SECRET: " alexa-london-travel/OTEL_EXPORTER_OTLP_HEADERS ",
      }),
    ).toEqual({
      references: [
        { variable: "SKILL_ID", referenceVariable: "SKILL_ID_SECRET", secretId: "alexa-london-travel/Skill__SkillId" },
        {
          variable: "TFL_APP_ID",
          referenceVariable: "TFL_APP_ID_SECRET",
          secretId: "alexa-london-travel/Skill__TflApplicationId",
        },
        {
          variable: "TFL_APP_KEY",
          referenceVariable: "TFL_APP_KEY_SECRET",
          secretId: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:alexa-london-travel/key-AbCdEf",
        },
        {
          variable: "OTEL_EXPORTER_OTLP_HEADERS",
          referenceVariable: "OTEL_EXPORTER_OTLP_HEADERS_SECRET",
          secretId: "alexa-london-travel/OTEL_EXPORTER_OTLP_HEADERS",
        },
      ],
      port: 2773,
      token: "session-token-marker",
    });
  });

  test("honours PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", () => {
    expect(
      loadSecretSources({ ...TOKEN, TFL_APP_KEY_SECRET: "k", PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: "4000" })?.port,
    ).toBe(4000);
  });

  test.each([
    ["a value and a reference", { TFL_APP_KEY: KEY_MARKER, TFL_APP_KEY_SECRET: "k" }, "TFL_APP_KEY_SECRET"],
    ["the peer's alias and a reference", { Skill__SkillId: SKILL, SKILL_ID_SECRET: "s" }, "SKILL_ID_SECRET"],
    ["a secret id with spaces", { TFL_APP_KEY_SECRET: "my key" }, "TFL_APP_KEY_SECRET"],
    [
      "port 0",
      { TFL_APP_KEY_SECRET: "k", PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: "0" },
      "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT",
    ],
    [
      "port 70000",
      { TFL_APP_KEY_SECRET: "k", PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: "70000" },
      "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT",
    ],
    [
      "a port that is not a number",
      { TFL_APP_KEY_SECRET: "k", PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: "http" },
      "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT",
    ],
  ])("rejects %s, naming the variable and never the value", (_title, env, variable) => {
    let error: unknown;
    try {
      loadSecretSources({ ...TOKEN, ...env });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).not.toContain(KEY_MARKER);
    expect((error as ConfigError).message).not.toContain("session-token-marker");
  });

  test("without AWS_SESSION_TOKEN a reference cannot be read: an error naming both variables", () => {
    let error: unknown;
    try {
      loadSecretSources({ TFL_APP_KEY_SECRET: "k" });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).variable).toBe("AWS_SESSION_TOKEN");
    expect((error as ConfigError).message).toContain("TFL_APP_KEY_SECRET");
  });
});

describe("trace export settings", () => {
  test("off without an endpoint, and off when OTEL_SDK_DISABLED=true", () => {
    expect(loadTraceConfig({})).toBeUndefined();
    expect(loadTraceConfig({ OTEL_SDK_DISABLED: "TRUE", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).toBe(
      undefined,
    );
  });

  test.each([
    ["http://127.0.0.1:4318", "http://127.0.0.1:4318/v1/traces"],
    ["https://otlp.example/api/", "https://otlp.example/api/v1/traces"],
    ["https://otlp.example/api", "https://otlp.example/api/v1/traces"],
  ])("appends v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT %p", (endpoint, url) => {
    expect(loadTraceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })?.url).toBe(url);
  });

  test("uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, ahead of the base endpoint", () => {
    expect(
      loadTraceConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:9999/custom",
      })?.url,
    ).toBe("http://127.0.0.1:9999/custom");
  });

  test("any other OTEL_SDK_DISABLED value leaves tracing on, as the specification says", () => {
    expect(
      loadTraceConfig({ OTEL_SDK_DISABLED: "yes", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }),
    ).toBeDefined();
  });

  test("reads headers (URL-decoded), service name, resource attributes and timeout", () => {
    expect(
      loadTraceConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
        OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=abc%3D%3D, x-dataset = skill ,",
        OTEL_SERVICE_NAME: "LondonTravel.Skill",
        OTEL_RESOURCE_ATTRIBUTES: "service.namespace=LondonTravel,deployment.environment=production",
        OTEL_EXPORTER_OTLP_TIMEOUT: "400",
      }),
    ).toEqual({
      url: "http://127.0.0.1:4318/v1/traces",
      headers: { "x-honeycomb-team": "abc==", "x-dataset": "skill" },
      serviceName: "LondonTravel.Skill",
      resourceAttributes: { "service.namespace": "LondonTravel", "deployment.environment": "production" },
      timeoutMs: 400,
    });
  });

  test("defaults: the function name as service name, a short timeout", () => {
    expect(
      loadTraceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", AWS_LAMBDA_FUNCTION_NAME: "lt-arm64" }),
    ).toMatchObject({ serviceName: "lt-arm64", timeoutMs: DEFAULT_EXPORT_TIMEOUT_MS, headers: {} });
  });

  test.each([
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318"],
    ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "ftp://collector/"],
    ["OTEL_EXPORTER_OTLP_HEADERS", `${KEY_MARKER}`],
    ["OTEL_EXPORTER_OTLP_HEADERS", `x-key=${KEY_MARKER}%E0%A4%A`],
    ["OTEL_EXPORTER_OTLP_TIMEOUT", "0"],
    ["OTEL_EXPORTER_OTLP_TIMEOUT", "soon"],
  ])("rejects a bad %s, naming it and never echoing the value", (variable, value) => {
    let error: unknown;
    try {
      loadTraceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toStartWith(`${variable} `);
    expect((error as ConfigError).message).not.toContain(KEY_MARKER);
  });
});
