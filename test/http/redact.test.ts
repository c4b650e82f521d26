import { describe, expect, test } from "bun:test";
import { redactSecrets, sanitizeError } from "../../src/http/index.ts";

describe("redactSecrets", () => {
  test.each([
    [
      "credential query values",
      "GET http://127.0.0.1:9/Line/dlr/Status?app_id=some-id&app_key=some-key",
      [],
      "GET http://127.0.0.1:9/Line/dlr/Status?app_id=[redacted]&app_key=[redacted]",
    ],
    ["a bearer token", "Authorization: Bearer abc.def-ghi", [], "Authorization: Bearer [redacted]"],
    ["a literal secret anywhere", "the key is Kx9/+= indeed", ["Kx9/+="], "the key is [redacted] indeed"],
    ["a URL-encoded secret", "…?q=Kx9%2F%2B%3D", ["Kx9/+="], "…?q=[redacted]"],
    [
      "nothing when there is nothing to hide",
      "GET Line/victoria/Status failed: status 503",
      ["unused-secret"],
      "GET Line/victoria/Status failed: status 503",
    ],
  ])("removes %s", (_title, input, secrets, expected) => {
    expect(redactSecrets(input, secrets)).toBe(expected);
  });

  test("replaces a longer secret whole when it contains a shorter one", () => {
    expect(redactSecrets("abc-123-xyz", ["123", "abc-123-xyz"])).toBe("[redacted]");
  });
});

describe("sanitizeError", () => {
  test("keeps the name, the code and a redacted message, and drops everything else", () => {
    const raw = Object.assign(new TypeError("ECONNREFUSED: Unable to connect to http://h/x?app_key=SEKRET-1"), {
      code: "ECONNREFUSED",
      path: "http://h/x?app_key=SEKRET-1",
    });
    const safe = sanitizeError(raw, ["SEKRET-1"]);
    expect(safe.name).toBe("TypeError");
    expect(safe.message).toBe("ECONNREFUSED: Unable to connect to http://h/x?app_key=[redacted]");
    expect((safe as Error & { code?: string }).code).toBe("ECONNREFUSED");
    expect(Bun.inspect(safe)).not.toContain("SEKRET-1");
    expect(safe.cause).toBeUndefined();
  });
});
