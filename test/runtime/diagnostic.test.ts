import { describe, expect, test } from "bun:test";
import {
  errorTypeHeader,
  initErrorType,
  invocationErrorType,
  MAX_ERROR_MESSAGE_LENGTH,
  toDiagnostic,
} from "../../src/runtime/diagnostic.ts";
import { createRedactor } from "../../src/runtime/redact.ts";

const noSecrets = createRedactor();

class LineNotFoundError extends Error {
  override readonly name = "LineNotFoundError";
}

describe("toDiagnostic", () => {
  test.each([
    ["an Error", new Error("plain"), "Error", "plain"],
    ["a subclass with a pinned name", new LineNotFoundError("no such line"), "LineNotFoundError", "no such line"],
    ["a TypeError", new TypeError("not a function"), "TypeError", "not a function"],
    ["an Error with an empty name", Object.assign(new Error("nameless"), { name: "" }), "Error", "nameless"],
    ["a string", "just words", "Runtime.NonErrorThrown", "just words"],
    ["a number", 404, "Runtime.NonErrorThrown", "404"],
    ["undefined", undefined, "Runtime.NonErrorThrown", "undefined"],
    ["null", null, "Runtime.NonErrorThrown", "null"],
    ["a plain object", { reason: "gone" }, "Runtime.NonErrorThrown", '{"reason":"gone"}'],
  ] as const)("describes %s", (_name, thrown, errorType, errorMessage) => {
    const diagnostic = toDiagnostic(thrown, noSecrets);
    expect(diagnostic).toMatchObject({ errorType, errorMessage });
    expect(Object.keys(diagnostic).sort()).toEqual(["errorMessage", "errorType", "stackTrace"]);
  });

  test("uses the error's name, not its constructor's (which minification mangles)", () => {
    class g extends Error {
      override readonly name = "TflError";
    }
    expect(toDiagnostic(new g("x"), noSecrets).errorType).toBe("TflError");
  });

  test("posts no stack frames: the compiled binary's are minified and name nothing", () => {
    expect(toDiagnostic(new Error("line one\nline two"), noSecrets).stackTrace).toEqual([]);
  });

  test("still reports an error whose getters throw", () => {
    const hostile = new Error("x");
    Object.defineProperty(hostile, "message", {
      get() {
        throw new Error("no");
      },
    });
    expect(toDiagnostic(hostile, noSecrets).errorType).toBe("Runtime.NonErrorThrown");
  });

  test("redacts secrets from the message and the stack", () => {
    const diagnostic = toDiagnostic(new Error("key=abc123secret"), createRedactor(["abc123secret"]));
    expect(diagnostic.errorMessage).toBe("key=[redacted]");
  });
});

describe("toDiagnostic message length", () => {
  test.each([
    ["an Error", (message: string) => new Error(message)],
    ["a thrown string", (message: string) => message],
  ])("cuts a multi-megabyte message from %s so the error body stays postable", (_case, make) => {
    const diagnostic = toDiagnostic(make("x".repeat(5_000_000)), createRedactor([]));
    expect(diagnostic.errorMessage.length).toBe(MAX_ERROR_MESSAGE_LENGTH + 1);
    expect(diagnostic.errorMessage.endsWith("…")).toBe(true);
  });

  test("keeps a message at the limit whole", () => {
    const message = "y".repeat(MAX_ERROR_MESSAGE_LENGTH);
    expect(toDiagnostic(new Error(message), createRedactor([])).errorMessage).toBe(message);
  });
});

describe("errorTypeHeader", () => {
  test.each([
    ["Runtime.InvalidEvent", "Runtime.InvalidEvent"],
    ["Function.SkillIdMismatch", "Function.SkillIdMismatch"],
    ["Function.fetch", "Function.Fetch"],
    ["Function.HTTP2", "Function.HTTP"],
    ["Function.Bad Type\n", "Function.BadType"],
    ["Runtime.Ünïcode", "Runtime.Ncode"],
    ["Runtime.a.b", "Runtime.Ab"],
    ["Bad Type\n", "Runtime.Unknown"],
    ["my.custom.Error", "Runtime.Unknown"],
    ["a.b", "Runtime.Unknown"],
    ["Function.", "Function.Unknown"],
    ["Function.x", "Function.Unknown"],
    ["", "Runtime.Unknown"],
    ["\n", "Runtime.Unknown"],
  ])("sends %p as %p", (errorType, header) => {
    expect(errorTypeHeader(errorType)).toBe(header);
  });

  // AWS's Runtime Interface Emulator records a type only if it matches this; anything else becomes Runtime.Unknown.
  test.each(["Runtime.InvalidEvent", "x", "a.b", "Function.2", "Error_2", "HTTP2Error", "SkillIdMismatchError"])(
    "the header for %p is in the platform's form",
    (errorType) => {
      expect(errorTypeHeader(invocationErrorType(errorType))).toMatch(/^(Runtime|Function)\.[A-Z][a-zA-Z]+$/);
      expect(invocationErrorType(errorType)).toMatch(/^(Runtime|Function)\.[A-Z][a-zA-Z]+$/);
    },
  );
});

describe("invocationErrorType", () => {
  test.each([
    ["SkillIdMismatchError", "Function.SkillIdMismatch"],
    ["InvalidRequestError", "Function.InvalidRequest"],
    ["TypeError", "Function.Type"],
    ["Error", "Function.Error"],
    ["LineNotFound", "Function.LineNotFound"],
    ["Runtime.InvalidEvent", "Runtime.InvalidEvent"],
    ["Runtime.Timeout", "Runtime.Timeout"],
    ["Runtime.NonErrorThrown", "Runtime.NonErrorThrown"],
    ["Weird Name\n", "Function.WeirdName"],
    [".", "Runtime.Unknown"],
  ])("sends errorType %p as %p", (errorType, header) => {
    expect(invocationErrorType(errorType)).toBe(header);
  });
});

describe("initErrorType", () => {
  class ConfigError extends Error {
    override readonly name = "ConfigError";
    readonly variable = "SKILL_ID";
  }

  test.each([
    ["a configuration error naming its variable", new ConfigError("x"), "ConfigError", "Runtime.ConfigError"],
    ["a dotted name", new Error("x"), "Runtime.Custom", "Runtime.Custom"],
    ["anything else", new TypeError("x"), "TypeError", "Runtime.InitError"],
    ["a thrown string", "words", "Runtime.NonErrorThrown", "Runtime.NonErrorThrown"],
  ])("sends %s as its init error type", (_name, thrown, errorType, header) => {
    expect(initErrorType(thrown, errorType)).toBe(header);
  });
});
