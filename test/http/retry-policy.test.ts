import { describe, expect, test } from "bun:test";
import {
  backoffDelay,
  createRetryPolicy,
  isRetryableStatus,
  parseRetryAfter,
  planRetry,
} from "../../src/http/index.ts";
import type { AttemptFailure } from "../../src/http/index.ts";

const NOW = Date.parse("2025-03-04T10:00:00Z");
const policy = createRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, minAttemptMs: 50, random: () => 0.5 });
const status = (code: number, retryAfter: string | null = null): AttemptFailure => ({
  kind: "status",
  status: code,
  retryAfter,
});

describe("isRetryableStatus", () => {
  test.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [599, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [413, false],
    [302, false],
  ])("status %d is retryable: %p", (code, expected) => {
    expect(isRetryableStatus(code)).toBe(expected);
  });
});

describe("planRetry", () => {
  test.each([
    ["a 503 on the first attempt", true, status(503), 1],
    ["a 500 on the second attempt", true, status(500), 2],
    ["a 500 on the third attempt (limit reached)", false, status(500), 3],
    ["a 408", true, status(408), 1],
    ["a 429 without Retry-After", true, status(429), 1],
    ["a network error", true, { kind: "network" } as const, 1],
    ["a 404", false, status(404), 1],
    ["a 401", false, status(401), 1],
    ["a 403", false, status(403), 1],
    ["an unknown error", false, { kind: "other" } as const, 1],
  ])("retries after %s: %p", (_title, expected, failure, attempt) => {
    expect(planRetry(failure, attempt, 5_000, policy, NOW).retry).toBe(expected);
  });

  test("waits for a Retry-After in seconds when it fits the budget", () => {
    expect(planRetry(status(429, "1"), 1, 5_000, policy, NOW)).toEqual({ retry: true, delayMs: 1_000 });
  });

  test("waits for a Retry-After HTTP date when it fits the budget", () => {
    const at = new Date(NOW + 2_000).toUTCString();
    expect(planRetry(status(503, at), 1, 5_000, policy, NOW)).toEqual({ retry: true, delayMs: 2_000 });
  });

  test("gives up at once when Retry-After does not fit the remaining budget", () => {
    const decision = planRetry(status(429, "30"), 1, 5_000, policy, NOW);
    expect(decision.retry).toBe(false);
    expect(decision.retry === false ? decision.reason : "").toContain("Retry-After of 30 s");
  });

  test("gives up when the backoff would leave less than the minimum attempt time", () => {
    expect(planRetry(status(500), 1, 120, policy, NOW)).toEqual({ retry: false, reason: "no budget left for a retry" });
  });

  test("falls back to backoff when Retry-After is unreadable", () => {
    expect(planRetry(status(429, "soon-ish"), 1, 5_000, policy, NOW)).toEqual({ retry: true, delayMs: 75 });
  });

  test("ignores Retry-After on statuses other than 429 and 503", () => {
    expect(planRetry(status(500, "1"), 1, 5_000, policy, NOW)).toEqual({ retry: true, delayMs: 75 });
  });
});

describe("backoffDelay", () => {
  test.each([
    [1, 0, 50],
    [1, 0.999, 100],
    [2, 0, 100],
    [2, 0.5, 150],
    [5, 0.5, 750],
    [9, 1, 1_000],
  ])("attempt %d with random %d waits %d ms", (attempt, random, expected) => {
    const pinned = createRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, random: () => random });
    expect(backoffDelay(attempt, pinned)).toBe(expected);
  });
});

describe("createRetryPolicy", () => {
  test.each([
    [undefined, 2],
    [0, 0],
    [1, 1],
    [5, 2],
    [-1, 0],
  ])("limit %p becomes %d (at most 2 retries are allowed)", (limit, expected) => {
    expect(createRetryPolicy({ limit }).limit).toBe(expected);
  });
});

describe("parseRetryAfter", () => {
  test.each([
    ["0", 0],
    ["2", 2_000],
    [" 3 ", 3_000],
    [new Date(NOW + 4_000).toUTCString(), 4_000],
    [new Date(NOW - 4_000).toUTCString(), 0],
    ["-1", undefined],
    ["1.5", undefined],
    ["", undefined],
    ["tomorrow", undefined],
  ])("%p means %p ms", (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});
