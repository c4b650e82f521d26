import { describe, expect, test } from "bun:test";
import { cacheLifetimeMs, createResponseCache, createSingleFlight } from "../../src/tfl/index.ts";

describe("cacheLifetimeMs", () => {
  test.each<[string, string | null, number]>([
    ["max-age=30", null, 30_000],
    ["public, max-age=45, must-revalidate", null, 45_000],
    ['max-age="20"', null, 20_000],
    ["MAX-AGE=10", null, 10_000],
    ["max-age=300", null, 60_000],
    ["max-age=30", "12", 18_000],
    ["max-age=30", "45", 0],
    ["max-age=0", null, 0],
    ["no-cache, max-age=30", null, 0],
    ["max-age=30, no-store", null, 0],
    ["public", null, 0],
    ["max-age=soon", null, 0],
    ["max-age=-5", null, 0],
    ["s-maxage=30", null, 0],
  ])("Cache-Control %p with Age %p allows %d ms", (cacheControl, age, expected) => {
    const headers = new Headers({ "cache-control": cacheControl });
    if (age !== null) headers.set("age", age);
    expect(cacheLifetimeMs(headers)).toBe(expected);
  });

  test("allows nothing without a Cache-Control header", () => {
    expect(cacheLifetimeMs(new Headers({ expires: "Tue, 04 Mar 2025 10:00:00 GMT" }))).toBe(0);
  });

  test("honours a lower cap", () => {
    expect(cacheLifetimeMs(new Headers({ "cache-control": "max-age=30" }), 5)).toBe(5_000);
  });
});

describe("createResponseCache", () => {
  test("returns an entry until its lifetime ends, then forgets it", () => {
    let clock = 1_000;
    const cache = createResponseCache<string>({ now: () => clock });
    cache.set("a", "value", 500);
    clock += 499;
    expect(cache.get("a")).toBe("value");
    clock += 1;
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  test("stores nothing for a lifetime of zero", () => {
    const cache = createResponseCache<string>({ now: () => 0 });
    cache.set("a", "value", 0);
    expect(cache.size).toBe(0);
  });

  test("evicts the oldest entry when full", () => {
    const cache = createResponseCache<number>({ now: () => 0, maxEntries: 3 });
    for (const [index, key] of ["a", "b", "c", "d"].entries()) cache.set(key, index, 1_000);
    expect(cache.size).toBe(3);
    expect(cache.get("a")).toBeUndefined();
    expect([cache.get("b"), cache.get("c"), cache.get("d")]).toEqual([1, 2, 3]);
  });

  test("treats a refreshed entry as the newest", () => {
    const cache = createResponseCache<number>({ now: () => 0, maxEntries: 2 });
    cache.set("a", 1, 1_000);
    cache.set("b", 2, 1_000);
    cache.set("a", 3, 1_000);
    cache.set("c", 4, 1_000);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(3);
  });

  test("stays bounded by 64 entries by default", () => {
    const cache = createResponseCache<number>({ now: () => 0 });
    for (let index = 0; index < 200; index += 1) cache.set(`k${index}`, index, 1_000);
    expect(cache.size).toBe(64);
  });
});

describe("createSingleFlight", () => {
  test("runs one call per key while it is in flight and hands its result to every caller", async () => {
    const flights = createSingleFlight<string>();
    const gate = Promise.withResolvers<string>();
    let calls = 0;
    const call = () => {
      calls += 1;
      return gate.promise;
    };
    const first = flights.run("a", call);
    const second = flights.run("a", call);
    expect(flights.has("a")).toBe(true);
    gate.resolve("answer");
    expect(await Promise.all([first, second])).toEqual(["answer", "answer"]);
    expect(calls).toBe(1);
    expect(flights.has("a")).toBe(false);
  });

  test("keeps keys apart", async () => {
    const flights = createSingleFlight<string>();
    const answers = await Promise.all([flights.run("a", async () => "A"), flights.run("b", async () => "B")]);
    expect(answers).toEqual(["A", "B"]);
  });

  test("forgets a failure at once, so the next caller makes a fresh call", async () => {
    const flights = createSingleFlight<string>();
    const failed = flights.run("a", () => Promise.reject(new Error("down")));
    const joined = flights.run("a", async () => "never called");
    await expect(failed).rejects.toThrow("down");
    await expect(joined).rejects.toThrow("down");
    expect(await flights.run("a", async () => "fresh")).toBe("fresh");
  });
});
