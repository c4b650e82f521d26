import { describe, expect, test } from "bun:test";
import {
  createLogger,
  LogConfigError,
  MAX_LOGGED_STRING_LENGTH,
  readLogSettings,
  TRUNCATED_MARKER,
} from "../../src/runtime/index.ts";
import type { LogLevel } from "../../src/runtime/index.ts";
import { captureLog } from "../helpers/runtime-harness.ts";

const FIXED_NOW = (): Date => new Date("2026-03-14T09:26:53.589Z");

function jsonLogger(level: LogLevel = "debug", redact?: readonly string[]) {
  const capture = captureLog();
  const log = createLogger({ format: "json", level, write: capture.write, now: FIXED_NOW, redact });
  return { log, capture };
}

function textLogger(level: LogLevel = "debug", redact?: readonly string[]) {
  const capture = captureLog();
  const log = createLogger({ format: "text", level, write: capture.write, now: FIXED_NOW, redact });
  return { log, capture };
}

describe("JSON format", () => {
  test("writes one object with timestamp, upper-case level, requestId, event and fields in that order", () => {
    const { log, capture } = jsonLogger();
    log.child({ requestId: "req-7" }).info("tfl.request.sent", { line: "victoria", attempt: 2 });
    expect(capture.lines).toEqual([
      '{"timestamp":"2026-03-14T09:26:53.589Z","level":"INFO","requestId":"req-7","event":"tfl.request.sent","line":"victoria","attempt":2}',
    ]);
  });

  test.each([
    ["debug", "DEBUG"],
    ["info", "INFO"],
    ["warn", "WARN"],
    ["error", "ERROR"],
  ] as const)("writes %s calls with level %s", (method, level) => {
    const { log, capture } = jsonLogger("trace");
    log[method]("something.happened");
    expect(capture.records()[0]?.level).toBe(level);
  });

  test("leaves requestId out of lines logged outside an invocation", () => {
    const { log, capture } = jsonLogger();
    log.info("runtime.started");
    expect(Object.keys(capture.records()[0] ?? {})).toEqual(["timestamp", "level", "event"]);
  });

  test("serialises Error fields as name and message only, at any depth", () => {
    const { log, capture } = jsonLogger();
    const error = new TypeError("line\nbreak");
    log.error("tfl.request.failed", { error, nested: { errors: [new RangeError("deep")] } });
    expect(capture.lines).toHaveLength(1);
    expect(capture.records()[0]).toMatchObject({
      error: { name: "TypeError", message: "line\nbreak" },
      nested: { errors: [{ name: "RangeError", message: "deep" }] },
    });
    expect(capture.lines[0]).not.toContain("    at ");
  });

  test("writes BigInt values as strings and cycles as a marker instead of throwing", () => {
    const { log, capture } = jsonLogger();
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    log.info("odd.values", { big: 12n, cyclic });
    expect(capture.records()[0]).toMatchObject({ big: "12", cyclic: { name: "loop", self: "[circular]" } });
  });

  test("keeps reserved keys of fields apart from the line's own timestamp, level and event", () => {
    const { log, capture } = jsonLogger();
    log.info("real.event", { event: "fake", level: "FATAL", timestamp: "never" });
    expect(capture.records()[0]).toMatchObject({
      level: "INFO",
      event: "real.event",
      _event: "fake",
      _level: "FATAL",
      _timestamp: "never",
    });
  });

  test("children add their fields and share the parent's sink", () => {
    const { log, capture } = jsonLogger();
    log.child({ requestId: "r1" }).child({ intent: "StatusIntent" }).warn("skill.slow");
    expect(capture.records()[0]).toMatchObject({ requestId: "r1", intent: "StatusIntent", event: "skill.slow" });
  });
});

describe("text format", () => {
  test("writes timestamp, LEVEL, requestId and event separated by tabs, then key=value pairs", () => {
    const { log, capture } = textLogger();
    log.child({ requestId: "req-9" }).info("tfl.request.sent", { line: "dlr", attempt: 1, ok: true, none: null });
    expect(capture.lines).toEqual([
      "2026-03-14T09:26:53.589Z\tINFO\treq-9\ttfl.request.sent line=dlr attempt=1 ok=true none=null",
    ]);
  });

  test("uses a dash when there is no request id", () => {
    const { log, capture } = textLogger();
    log.warn("runtime.api.reset");
    expect(capture.lines).toEqual(["2026-03-14T09:26:53.589Z\tWARN\t-\truntime.api.reset"]);
  });

  test.each([
    ["text with spaces", "Minor delays", 'reason="Minor delays"'],
    ["a quote", 'say "hi"', 'reason="say \\"hi\\""'],
    ["a line break", "first\nsecond", 'reason="first\\nsecond"'],
    ["an equals sign", "a=b", 'reason="a=b"'],
    ["nothing at all", "", 'reason=""'],
  ] as const)("quotes a value containing %s", (_name, value, expected) => {
    const { log, capture } = textLogger();
    log.info("e", { reason: value });
    expect(capture.lines[0]).toEndWith(` ${expected}`);
  });

  test("writes Errors and objects as compact JSON", () => {
    const { log, capture } = textLogger();
    log.error("failed", { error: new Error("boom\nagain"), ids: ["a", "b"] });
    expect(capture.lines[0]).toEndWith(' error={"name":"Error","message":"boom\\nagain"} ids=["a","b"]');
  });

  test("never writes a raw line break, even in the event name or request id", () => {
    const { log, capture } = textLogger();
    log.child({ requestId: "a\nb" }).info("two\r\nlines", { detail: "x\ny" });
    expect(capture.lines).toHaveLength(1);
    expect(capture.lines[0]).not.toMatch(/[\r\n]/);
  });
});

describe("level filtering", () => {
  const methods = ["debug", "info", "warn", "error"] as const;

  test.each([
    ["trace", ["debug", "info", "warn", "error"]],
    ["debug", ["debug", "info", "warn", "error"]],
    ["info", ["info", "warn", "error"]],
    ["warn", ["warn", "error"]],
    ["error", ["error"]],
    ["fatal", []],
  ] as const)("at level %s writes only %p", (level, written) => {
    const { log, capture } = jsonLogger(level);
    for (const method of methods) log[method](method);
    expect(capture.events()).toEqual([...written]);
  });
});

describe("redaction", () => {
  test("replaces every secret everywhere in a JSON line", () => {
    const { log, capture } = jsonLogger("info", ["s3cr3t-key", "app-id-42"]);
    log.child({ url: "https://tfl.example/Line?app_key=s3cr3t-key" }).error("tfl.request.failed", {
      error: new Error("GET /Line?app_id=app-id-42&app_key=s3cr3t-key failed"),
      "s3cr3t-key": "as a key",
    });
    expect(capture.lines[0]).not.toContain("s3cr3t-key");
    expect(capture.lines[0]).not.toContain("app-id-42");
    expect(capture.lines[0]).toContain("app_key=[redacted]");
  });

  test("replaces secrets in text lines, also where they needed JSON escaping", () => {
    const { log, capture } = textLogger("info", ['quote"secret']);
    log.info("e", { message: 'token quote"secret here', bare: 'quote"secret' });
    expect(capture.lines[0]).not.toContain("secret");
  });

  test("replaces a secret that contains another whole, in whatever order they were added, and later ones too", () => {
    const { log, capture } = jsonLogger("info", ["pass", "a-pass-phrase-with-pass-in-it"]);
    log.redact(["added-at-init", "pass", "pass-phrase"]);
    log.info("e", { a: "a-pass-phrase-with-pass-in-it", b: "added-at-init", c: "pass", d: "my pass-phrase" });
    expect(capture.records()[0]).toMatchObject({
      a: "[redacted]",
      b: "[redacted]",
      c: "[redacted]",
      d: "my [redacted]",
    });
  });

  test("ignores empty secrets instead of mangling every line", () => {
    const { log, capture } = jsonLogger("info", [""]);
    log.info("plain.event");
    expect(capture.records()[0]?.event).toBe("plain.event");
  });
});

describe("readLogSettings", () => {
  test.each([
    ["nothing set gives JSON at info", {}, { format: "json", level: "info" }],
    ["AWS_LAMBDA_LOG_FORMAT=Text gives text", { AWS_LAMBDA_LOG_FORMAT: "Text" }, { format: "text", level: "info" }],
    ["AWS_LAMBDA_LOG_FORMAT=JSON gives JSON", { AWS_LAMBDA_LOG_FORMAT: "JSON" }, { format: "json", level: "info" }],
    ["the format ignores case and spaces", { AWS_LAMBDA_LOG_FORMAT: " json " }, { format: "json", level: "info" }],
    ["LOG_LEVEL sets the level", { LOG_LEVEL: "debug" }, { format: "json", level: "debug" }],
    ["LOG_LEVEL ignores case", { LOG_LEVEL: "WARN" }, { format: "json", level: "warn" }],
    [
      "AWS_LAMBDA_LOG_LEVEL wins over LOG_LEVEL",
      { AWS_LAMBDA_LOG_LEVEL: "ERROR", LOG_LEVEL: "debug" },
      { format: "json", level: "error" },
    ],
    [
      "an empty AWS_LAMBDA_LOG_LEVEL counts as unset",
      { AWS_LAMBDA_LOG_LEVEL: "", LOG_LEVEL: "Trace" },
      { format: "json", level: "trace" },
    ],
    ["FATAL is a level", { AWS_LAMBDA_LOG_LEVEL: "fatal" }, { format: "json", level: "fatal" }],
  ] as const)("reads the environment: %s", (_title, env, expected) => {
    expect(readLogSettings(env)).toEqual(expected);
  });

  test.each([
    ["AWS_LAMBDA_LOG_LEVEL", { AWS_LAMBDA_LOG_LEVEL: "verbose" }],
    ["LOG_LEVEL", { LOG_LEVEL: "warning" }],
    ["AWS_LAMBDA_LOG_LEVEL", { AWS_LAMBDA_LOG_LEVEL: "loud", LOG_LEVEL: "info" }],
    ["AWS_LAMBDA_LOG_FORMAT", { AWS_LAMBDA_LOG_FORMAT: "yaml" }],
    // Names every object inherits (and that survive lower-casing) are not levels.
    ["LOG_LEVEL", { LOG_LEVEL: "constructor" }],
    ["LOG_LEVEL", { LOG_LEVEL: "__proto__" }],
  ] as const)("rejects a bad value and names %s", (variable, env) => {
    let thrown: unknown;
    try {
      readLogSettings(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LogConfigError);
    expect((thrown as LogConfigError).name).toBe("LogConfigError");
    expect((thrown as LogConfigError).variable).toBe(variable);
    expect((thrown as Error).message).toStartWith(`${variable} is `);
  });
});

describe("long strings", () => {
  const huge = "a".repeat(1_000_000);
  const capped = "a".repeat(MAX_LOGGED_STRING_LENGTH) + TRUNCATED_MARKER;

  test.each([
    ["a field", { value: huge }, (record: Record<string, unknown>) => record.value],
    [
      "a nested field",
      { slot: { value: huge } },
      (record: Record<string, unknown>) => (record.slot as { value: unknown }).value,
    ],
    ["an array item", { values: [huge] }, (record: Record<string, unknown>) => (record.values as unknown[])[0]],
    [
      "an Error's message",
      { error: new Error(huge) },
      (record: Record<string, unknown>) => (record.error as { message: unknown }).message,
    ],
  ])("cuts %s of a million characters to the cap plus a marker", (_name, fields, pick) => {
    const { log, capture } = jsonLogger("info");
    log.info("skill.status.unknownLine", fields);
    expect(capture.lines[0]?.length).toBeLessThan(1_000);
    expect(pick(capture.records()[0] ?? {})).toBe(capped);
  });

  test("cuts a long string in the text format too", () => {
    const { log, capture } = textLogger("info");
    log.info("skill.status.unknownLine", { value: huge });
    expect(capture.lines[0]).toEndWith(` value="${capped}"`);
  });

  test("leaves a string at the cap whole", () => {
    const { log, capture } = jsonLogger("info");
    const atCap = "b".repeat(MAX_LOGGED_STRING_LENGTH);
    log.info("x", { value: atCap });
    expect(capture.records()[0]?.value).toBe(atCap);
  });

  test("redacts a secret that straddles the cut before cutting, so no part of it is left", () => {
    const secret = "s3cr3t-app-key-value";
    const { log, capture } = jsonLogger("info", [secret]);
    log.info("x", { value: "c".repeat(MAX_LOGGED_STRING_LENGTH - 5) + secret + "d".repeat(500) });
    expect(capture.lines[0]).not.toContain("s3cr3");
    expect(String(capture.records()[0]?.value)).toEndWith(TRUNCATED_MARKER);
  });
});
