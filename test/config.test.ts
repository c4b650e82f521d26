import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig, secretsOf } from "../src/config.ts";
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
  insideLambda: false,
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
      insideLambda: false,
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

  test("knows it runs inside Lambda", () => {
    expect(loadConfig({ ...LAMBDA, SKILL_ID: SKILL }).insideLambda).toBe(true);
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

  test("secretsOf lists the app key and id for the log redactor", () => {
    expect(secretsOf(loadConfig({ TFL_APP_KEY: KEY_MARKER, TFL_APP_ID: "id-5f2a" }))).toEqual([KEY_MARKER, "id-5f2a"]);
  });

  test("secretsOf is empty without credentials", () => {
    expect(secretsOf(loadConfig({}))).toEqual([]);
  });

  test("secretsOf leaves out values too short to redact without mangling every line", () => {
    expect(secretsOf(loadConfig({ TFL_APP_KEY: KEY_MARKER, TFL_APP_ID: "7" }))).toEqual([KEY_MARKER]);
  });
});
