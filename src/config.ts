/**
 * Reads the function's configuration from the environment once, at init (the table in README,
 * Configuration). A bad value is a ConfigError naming the variable, so Lambda reports an init
 * error instead of the skill failing later. `LOG_LEVEL` and `AWS_LAMBDA_LOG_*` belong to the runtime.
 *
 * Rules: an empty (or all-blank) value counts as unset and values are trimmed; the peer's names
 * (`Skill__SkillId`, …) are accepted as aliases, and when both are set ours win; alias names are
 * matched case-insensitively, as .NET configuration keys are. Each value is checked by a valibot
 * schema whose messages never echo the value (a URL may carry credentials, a header a key).
 */
import * as v from "valibot";

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
export const MIN_REDACTABLE_LENGTH = 4;

type Environment = Readonly<Record<string, string | undefined>>;

interface Setting {
  /** The variable the value came from (ours or the alias). */
  readonly variable: string;
  readonly value: string;
}

/**
 * A schema built on its first use, not at import. Most settings are unset in a given function (the
 * secrets and trace ones usually all are), and building every schema at import, with the regular
 * expressions in them that JavaScriptCore parses as each is created, cost every cold start about
 * 1.2 ms before the first answer (README, Decisions D28).
 */
function onFirstUse<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

/**
 * "true" or "false", any case. A check, not `v.picklist`: a picklist (like a union) joins its options
 * into its description when built, through a Set, a spread, `map` and `join`, and those first calls
 * cost init about 0.45 ms (compiled probe program; README, Decisions D28).
 */
const BooleanSchema = onFirstUse(() =>
  v.pipe(
    v.string(),
    v.toLowerCase(),
    v.check((value) => value === "true" || value === "false", 'must be "true" or "false"'),
    v.transform((value) => value === "true"),
  ),
);

const ABSOLUTE_HTTP = "must be an absolute http(s) URL";

/** An absolute http(s) URL, as a URL object; the raw text is kept to spot an empty "?" or "#". */
const HttpUrlSchema = onFirstUse(() =>
  v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      try {
        return { url: new URL(dataset.value), raw: dataset.value };
      } catch {
        addIssue({ message: ABSOLUTE_HTTP });
        return NEVER;
      }
    }),
    v.check(({ url }) => url.protocol === "https:" || url.protocol === "http:", ABSOLUTE_HTTP),
  ),
);

/** An absolute http(s) URL without credentials, query or fragment, normalised to end in "/". */
const BaseUrlSchema = onFirstUse(() =>
  v.pipe(
    HttpUrlSchema(),
    v.check(({ url }) => url.username === "" && url.password === "", "must not contain credentials"),
    v.check(
      ({ url, raw }) => url.search === "" && url.hash === "" && !raw.includes("?") && !raw.includes("#"),
      "must not contain a query or fragment",
    ),
    v.transform(({ url }) => {
      if (!url.pathname.endsWith("/")) url.pathname = `${url.pathname}/`;
      return url.href;
    }),
  ),
);

/** Validates one setting; the first issue becomes a ConfigError "<VARIABLE> <why>". */
function parseSetting<const TSchema extends v.GenericSchema<string, unknown>>(
  schema: TSchema,
  setting: Setting,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, setting.value, { abortPipeEarly: true });
  if (result.success) return result.output;
  throw new ConfigError(setting.variable, `${setting.variable} ${result.issues[0].message}`);
}

/** Validates the environment into a frozen Config; throws ConfigError on the first bad value. */
export function loadConfig(env: Environment): Config {
  const read = createReader(env);
  const skillId = read(CONFIG_VARIABLES.skillId);
  const verifySetting = read(CONFIG_VARIABLES.verifySkillId);
  const explicitVerify = verifySetting === undefined ? undefined : parseSetting(BooleanSchema(), verifySetting);
  // Inside Lambda (`AWS_LAMBDA_FUNCTION_NAME` set) verification must not be off by accident.
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

  const tflApiUrl = read(CONFIG_VARIABLES.tflApiUrl);
  const skillApiUrl = read(CONFIG_VARIABLES.skillApiUrl);
  return Object.freeze({
    skillId: skillId?.value,
    verifySkillId: explicitVerify ?? skillId !== undefined,
    tflApiUrl: tflApiUrl === undefined ? CONFIG_DEFAULTS.tflApiUrl : parseSetting(BaseUrlSchema(), tflApiUrl),
    tflAppId: read(CONFIG_VARIABLES.tflAppId)?.value,
    tflAppKey: read(CONFIG_VARIABLES.tflAppKey)?.value,
    skillApiUrl: skillApiUrl === undefined ? CONFIG_DEFAULTS.skillApiUrl : parseSetting(BaseUrlSchema(), skillApiUrl),
  });
}

/**
 * The secret values present in the environment, read without validation: the runtime needs them
 * for its log redactor before init runs, and init may fail on some other variable.
 */
export function secretsInEnvironment(env: Environment): string[] {
  const read = createReader(env);
  const values = [read(CONFIG_VARIABLES.tflAppKey)?.value, read(CONFIG_VARIABLES.tflAppId)?.value];
  for (const variable of [TRACE_VARIABLES.headers, TRACE_VARIABLES.tracesHeaders]) {
    const headers = env[variable]?.trim();
    if (headers !== undefined && headers !== "") values.push(headers, ...headerValues(headers));
  }
  // Credentials in an endpoint's user-info travel as an Authorization header: redact them too.
  for (const variable of [TRACE_VARIABLES.endpoint, TRACE_VARIABLES.tracesEndpoint]) {
    const endpoint = env[variable]?.trim();
    // Unset, or no "@" at all: the pattern cannot match, so it is not even compiled (a cold start's cost).
    if (endpoint === undefined || !endpoint.includes("@")) continue;
    const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@]+)@/i.exec(endpoint)?.[1];
    if (userInfo !== undefined) values.push(userInfo, ...userInfo.split(":"));
  }
  // Loops, not `filter`: no built-in array method runs before the first answer (README, Decisions D28).
  // Nor a Set: no Set is built before the first answer.
  const secrets: string[] = [];
  for (const value of values) {
    if (value !== undefined && value.length >= MIN_REDACTABLE_LENGTH && !contains(secrets, value)) secrets.push(value);
  }
  return secrets;
}

function contains(values: readonly string[], value: string): boolean {
  for (const present of values) if (present === value) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Secrets by reference, read through the AWS Parameters and Secrets Lambda Extension.

/**
 * The variables whose value may instead name a Secrets Manager secret: `<NAME>_SECRET` holds the
 * secret's name or ARN (e.g. `TFL_APP_KEY_SECRET=alexa-london-travel/Skill__TflApplicationKey`),
 * and the secret's text becomes the value of `<NAME>`.
 */
export const SECRET_VARIABLES = ["SKILL_ID", "TFL_APP_ID", "TFL_APP_KEY", "OTEL_EXPORTER_OTLP_HEADERS"] as const;

/** Where one secret-bearing variable gets its value from. */
export interface SecretReference {
  /** The variable the secret fills, e.g. "TFL_APP_KEY". */
  readonly variable: string;
  /** The variable that named the secret, e.g. "TFL_APP_KEY_SECRET"; errors name it. */
  readonly referenceVariable: string;
  /** A Secrets Manager secret name or ARN. */
  readonly secretId: string;
}

/** What init needs to read the referenced secrets, or undefined when no variable references one. */
export interface SecretSources {
  readonly references: readonly SecretReference[];
  /** The extension's port on localhost (`PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`, default 2773). */
  readonly port: number;
  /** `AWS_SESSION_TOKEN`, which the extension expects in `X-Aws-Parameters-Secrets-Token`. A secret. */
  readonly token: string;
}

/** The extension's documented default port. */
export const DEFAULT_EXTENSION_PORT = 2773;

/** A Secrets Manager name (letters, digits and /_+=.@-, at most 512) or a secret's ARN. */
const SecretIdSchema = onFirstUse(() =>
  v.pipe(
    v.string(),
    v.maxLength(2048, "is too long for a Secrets Manager secret name or ARN"),
    v.regex(/^[A-Za-z0-9/_+=.@:-]+$/, "must be a Secrets Manager secret name or ARN"),
  ),
);

const PortSchema = onFirstUse(() =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,5}$/, "must be a port number (1-65535)"),
    v.transform(Number),
    v.number(),
    v.minValue(1, "must be a port number (1-65535)"),
    v.maxValue(65535, "must be a port number (1-65535)"),
  ),
);

/**
 * Reads the `<NAME>_SECRET` references. Setting both a value (ours or the peer's alias) and a
 * reference for the same variable is an error: which one wins would be a guess.
 */
export function loadSecretSources(env: Environment): SecretSources | undefined {
  const read = createReader(env);
  const aliases: Record<string, readonly [string, string]> = {
    SKILL_ID: CONFIG_VARIABLES.skillId,
    TFL_APP_ID: CONFIG_VARIABLES.tflAppId,
    TFL_APP_KEY: CONFIG_VARIABLES.tflAppKey,
  };
  const references: SecretReference[] = [];
  for (const variable of SECRET_VARIABLES) {
    const referenceVariable = `${variable}_SECRET`;
    const reference = readPlain(env, referenceVariable);
    if (reference === undefined) continue;
    const direct = aliases[variable] === undefined ? readPlain(env, variable) : read(aliases[variable]);
    if (direct !== undefined) {
      throw new ConfigError(
        referenceVariable,
        `${referenceVariable} and ${direct.variable} are both set: keep the secret reference or the value, not both`,
      );
    }
    references.push({ variable, referenceVariable, secretId: parseSetting(SecretIdSchema(), reference) });
  }
  if (references.length === 0) return undefined;

  const portSetting = readPlain(env, "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT");
  const token = readPlain(env, "AWS_SESSION_TOKEN");
  if (token === undefined) {
    const first = references[0]?.referenceVariable ?? "";
    throw new ConfigError(
      "AWS_SESSION_TOKEN",
      `${first} needs AWS_SESSION_TOKEN for the Parameters and Secrets extension, and it is not set`,
    );
  }
  return Object.freeze({
    references: Object.freeze(references),
    port: portSetting === undefined ? DEFAULT_EXTENSION_PORT : parseSetting(PortSchema(), portSetting),
    token: token.value,
  });
}

// ---------------------------------------------------------------------------------------------
// Traces over OTLP/HTTP.

/** The OpenTelemetry variables we honour (the standard names). */
export const TRACE_VARIABLES = {
  disabled: "OTEL_SDK_DISABLED",
  endpoint: "OTEL_EXPORTER_OTLP_ENDPOINT",
  tracesEndpoint: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  headers: "OTEL_EXPORTER_OTLP_HEADERS",
  tracesHeaders: "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
  timeout: "OTEL_EXPORTER_OTLP_TIMEOUT",
  tracesTimeout: "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
  serviceName: "OTEL_SERVICE_NAME",
  resourceAttributes: "OTEL_RESOURCE_ATTRIBUTES",
} as const;

/** Trace export settings; absent (undefined) when tracing is off. */
export interface TraceConfig {
  /** Full URL the spans are POSTed to (…/v1/traces). */
  readonly url: string;
  /** Extra request headers, e.g. an API key. Values are secrets. */
  readonly headers: Readonly<Record<string, string>>;
  readonly serviceName: string;
  /** From `OTEL_RESOURCE_ATTRIBUTES`. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** Longest wait for one export, ms. */
  readonly timeoutMs: number;
}

/**
 * Our default per-export wait: the export runs after the answer is posted but before the next event
 * is asked for, so it is short. The OpenTelemetry default (10 s) would let a slow collector hold the
 * next invocation back.
 */
export const DEFAULT_EXPORT_TIMEOUT_MS = 250;
const MAX_EXPORT_TIMEOUT_MS = 5_000;

const TimeoutSchema = onFirstUse(() =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,5}$/, `must be a whole number of milliseconds (1-${MAX_EXPORT_TIMEOUT_MS})`),
    v.transform(Number),
    v.number(),
    v.minValue(1, `must be a whole number of milliseconds (1-${MAX_EXPORT_TIMEOUT_MS})`),
    v.maxValue(MAX_EXPORT_TIMEOUT_MS, `must be a whole number of milliseconds (1-${MAX_EXPORT_TIMEOUT_MS})`),
  ),
);

/** `key=value` pairs separated by commas, values URL-encoded (the OpenTelemetry list format). */
const KeyValueListSchema = onFirstUse(() =>
  v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const pairs: Record<string, string> = {};
      for (const item of dataset.value.split(",")) {
        if (item.trim() === "") continue;
        const equals = item.indexOf("=");
        const key = equals < 0 ? "" : item.slice(0, equals).trim();
        if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key)) {
          addIssue({ message: "must be a comma-separated list of key=value pairs" });
          return NEVER;
        }
        try {
          pairs[key] = decodeURIComponent(item.slice(equals + 1).trim());
        } catch {
          addIssue({ message: "holds a value that is not valid URL encoding" });
          return NEVER;
        }
      }
      return pairs;
    }),
  ),
);

/**
 * Tracing is on when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT`
 * (+ "v1/traces") is set, and `OTEL_SDK_DISABLED` is not "true".
 */
export function loadTraceConfig(env: Environment): TraceConfig | undefined {
  // Only "true" turns the SDK off; any other value is false, as the OpenTelemetry specification says.
  if (readPlain(env, TRACE_VARIABLES.disabled)?.value.toLowerCase() === "true") return undefined;
  const tracesEndpoint = readPlain(env, TRACE_VARIABLES.tracesEndpoint);
  const endpoint = readPlain(env, TRACE_VARIABLES.endpoint);
  let url: string;
  if (tracesEndpoint !== undefined) {
    url = parseSetting(HttpUrlSchema(), tracesEndpoint).url.href;
  } else if (endpoint !== undefined) {
    const base = parseSetting(HttpUrlSchema(), endpoint).url;
    if (!base.pathname.endsWith("/")) base.pathname = `${base.pathname}/`;
    url = new URL("v1/traces", base).href;
  } else {
    return undefined;
  }
  const headers = readPlain(env, TRACE_VARIABLES.headers);
  const tracesHeaders = readPlain(env, TRACE_VARIABLES.tracesHeaders);
  const resourceAttributes = readPlain(env, TRACE_VARIABLES.resourceAttributes);
  const timeout = readPlain(env, TRACE_VARIABLES.tracesTimeout) ?? readPlain(env, TRACE_VARIABLES.timeout);
  const resource: Record<string, string> =
    resourceAttributes === undefined ? {} : parseSetting(KeyValueListSchema(), resourceAttributes);
  return Object.freeze({
    url,
    headers: Object.freeze({
      ...(headers === undefined ? {} : parseSetting(KeyValueListSchema(), headers)),
      ...(tracesHeaders === undefined ? {} : parseSetting(KeyValueListSchema(), tracesHeaders)),
    }),
    // OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES, as the specification says.
    serviceName:
      readPlain(env, TRACE_VARIABLES.serviceName)?.value ??
      resource["service.name"] ??
      readPlain(env, "AWS_LAMBDA_FUNCTION_NAME")?.value ??
      "london-travel",
    resourceAttributes: Object.freeze(resource),
    timeoutMs: timeout === undefined ? DEFAULT_EXPORT_TIMEOUT_MS : parseSetting(TimeoutSchema(), timeout),
  });
}

/** The decoded values of a header list, for the redactor; unreadable items are skipped. */
function headerValues(list: string): string[] {
  const values: string[] = [];
  for (const item of list.split(",")) {
    const value = item.slice(item.indexOf("=") + 1).trim();
    values.push(value);
    try {
      values.push(decodeURIComponent(value));
    } catch {
      // Not URL-encoded text: the raw value above is redacted all the same.
    }
  }
  return values;
}

function readPlain(env: Environment, variable: string): Setting | undefined {
  const value = env[variable]?.trim();
  return value === undefined || value === "" ? undefined : { variable, value };
}

function createReader(env: Environment): (names: readonly [string, string]) => Setting | undefined {
  // Listed only when an alias must be matched case-insensitively, and only same-length names are
  // lower-cased: lower-casing every variable at each call cost the cold start about 0.3 ms.
  let keys: readonly string[] | undefined;
  return ([ours, alias]) => {
    const found = readPlain(env, ours);
    if (found !== undefined) return found;
    if (env[alias] !== undefined) return readPlain(env, alias);
    const wanted = alias.toLowerCase();
    keys ??= Object.keys(env);
    // A loop, not `find`: a built-in array method's first call costs a cold start 0.1-0.25 ms (D28).
    for (const key of keys)
      if (key.length === wanted.length && key.toLowerCase() === wanted) return readPlain(env, key);
    return undefined;
  };
}
