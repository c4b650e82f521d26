/**
 * Reads the function's configuration from the environment once, at init (the table in README,
 * Configuration). A bad value is a ConfigError naming the variable, so Lambda reports an init
 * error instead of the skill failing later. `LOG_LEVEL` and `AWS_LAMBDA_LOG_*` belong to the runtime.
 *
 * Rules: an empty (or all-blank) value counts as unset and values are trimmed; the peer's names
 * (`Skill__SkillId`, …) are accepted as aliases, and when both are set ours win; alias names are
 * matched case-insensitively, as .NET configuration keys are.
 */

/** The validated configuration; frozen. */
export interface Config {
  /** Alexa skill id requests must carry (`SKILL_ID`). */
  readonly skillId: string | undefined;
  /** Whether requests are checked against `skillId` (`VERIFY_SKILL_ID`). */
  readonly verifySkillId: boolean;
  /** TfL base URL, absolute http(s), ending in "/" (`TFL_API_URL`). */
  readonly tflApiUrl: string;
  /** `TFL_APP_ID`; sent as `app_id` when set. */
  readonly tflAppId: string | undefined;
  /** `TFL_APP_KEY`; sent as `app_key` when set. A secret. */
  readonly tflAppKey: string | undefined;
  /** Preferences API base URL, absolute http(s), ending in "/" (`SKILL_API_URL`). */
  readonly skillApiUrl: string;
  /** `AWS_LAMBDA_FUNCTION_NAME` is set: we run in Lambda, where verification must not be off by accident. */
  readonly insideLambda: boolean;
}

/** A configuration value is missing or invalid. The message names the variable, never a secret value. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** The environment variable at fault. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.variable = variable;
  }
}

/** Our variable name first, then the peer's alias. */
export const CONFIG_VARIABLES = {
  skillId: ["SKILL_ID", "Skill__SkillId"],
  verifySkillId: ["VERIFY_SKILL_ID", "Skill__VerifySkillId"],
  tflApiUrl: ["TFL_API_URL", "Skill__TflApiUrl"],
  tflAppId: ["TFL_APP_ID", "Skill__TflApplicationId"],
  tflAppKey: ["TFL_APP_KEY", "Skill__TflApplicationKey"],
  skillApiUrl: ["SKILL_API_URL", "Skill__SkillApiUrl"],
} as const satisfies Record<string, readonly [string, string]>;

/** Defaults from the table in README, Configuration. */
export const CONFIG_DEFAULTS = {
  tflApiUrl: "https://api.tfl.gov.uk/",
  skillApiUrl: "https://londontravel.martincostello.com/",
} as const;

/** Literal values shorter than this are not handed to the log redactor: they would mangle every line. */
const MIN_REDACTABLE_LENGTH = 4;

type Environment = Readonly<Record<string, string | undefined>>;

interface Setting {
  /** The variable the value came from (ours or the alias). */
  readonly variable: string;
  readonly value: string;
}

/** Validates the environment into a frozen Config; throws ConfigError on the first bad value. */
export function loadConfig(env: Environment): Config {
  const read = createReader(env);
  const skillId = read(CONFIG_VARIABLES.skillId);
  const verifySetting = read(CONFIG_VARIABLES.verifySkillId);
  const explicitVerify = verifySetting === undefined ? undefined : parseBoolean(verifySetting);
  const insideLambda = (env["AWS_LAMBDA_FUNCTION_NAME"] ?? "").trim() !== "";

  if (skillId === undefined && explicitVerify === true) {
    throw new ConfigError(
      CONFIG_VARIABLES.skillId[0],
      `SKILL_ID is not set, but ${verifySetting?.variable ?? "VERIFY_SKILL_ID"} asks for skill id verification`,
    );
  }
  if (skillId === undefined && insideLambda && explicitVerify !== false) {
    throw new ConfigError(
      CONFIG_VARIABLES.skillId[0],
      "SKILL_ID is not set: inside Lambda set it, or set VERIFY_SKILL_ID=false to accept requests from any skill",
    );
  }

  const tflAppId = read(CONFIG_VARIABLES.tflAppId)?.value;
  const tflAppKey = read(CONFIG_VARIABLES.tflAppKey)?.value;
  return Object.freeze({
    skillId: skillId?.value,
    verifySkillId: explicitVerify ?? skillId !== undefined,
    tflApiUrl: parseBaseUrl(read(CONFIG_VARIABLES.tflApiUrl), CONFIG_DEFAULTS.tflApiUrl),
    tflAppId,
    tflAppKey,
    skillApiUrl: parseBaseUrl(read(CONFIG_VARIABLES.skillApiUrl), CONFIG_DEFAULTS.skillApiUrl),
    insideLambda,
  });
}

/** The configured secret values, for the logger's `redact` list (belt and braces; clients redact too). */
export function secretsOf(config: Config): string[] {
  return [config.tflAppKey, config.tflAppId].filter(
    (value): value is string => value !== undefined && value.length >= MIN_REDACTABLE_LENGTH,
  );
}

/**
 * The secret values present in the environment, read without validation: the runtime needs them
 * for its log redactor before init runs, and init may fail on some other variable.
 */
export function secretsInEnvironment(env: Environment): string[] {
  const read = createReader(env);
  return [read(CONFIG_VARIABLES.tflAppKey)?.value, read(CONFIG_VARIABLES.tflAppId)?.value].filter(
    (value): value is string => value !== undefined && value.length >= MIN_REDACTABLE_LENGTH,
  );
}

function createReader(env: Environment): (names: readonly [string, string]) => Setting | undefined {
  const lowerCaseKeys = new Map<string, string>();
  for (const key of Object.keys(env)) {
    const lower = key.toLowerCase();
    if (!lowerCaseKeys.has(lower)) lowerCaseKeys.set(lower, key);
  }
  const valueOf = (variable: string): Setting | undefined => {
    const value = env[variable]?.trim();
    return value === undefined || value === "" ? undefined : { variable, value };
  };
  return ([ours, alias]) => {
    const aliasKey = env[alias] !== undefined ? alias : lowerCaseKeys.get(alias.toLowerCase());
    return valueOf(ours) ?? (aliasKey === undefined ? undefined : valueOf(aliasKey));
  };
}

function parseBoolean(setting: Setting): boolean {
  const lower = setting.value.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new ConfigError(setting.variable, `${setting.variable} must be "true" or "false"`);
}

/** An absolute http(s) URL without credentials, query or fragment, normalised to end in "/". */
function parseBaseUrl(setting: Setting | undefined, fallback: string): string {
  if (setting === undefined) return fallback;
  // The value is never echoed: a URL may carry credentials.
  const invalid = (why: string): ConfigError => new ConfigError(setting.variable, `${setting.variable} ${why}`);
  let url: URL;
  try {
    url = new URL(setting.value);
  } catch {
    throw invalid("must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid("must be an absolute http(s) URL");
  if (url.username !== "" || url.password !== "") throw invalid("must not contain credentials");
  if (url.search !== "" || url.hash !== "" || setting.value.includes("?") || setting.value.includes("#")) {
    throw invalid("must not contain a query or fragment");
  }
  if (!url.pathname.endsWith("/")) url.pathname = `${url.pathname}/`;
  return url.href;
}
