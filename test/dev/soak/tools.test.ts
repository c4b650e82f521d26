/**
 * The reliability suite's own building blocks: JSON-tree edits, raw JSON with duplicate keys and
 * deep nesting, plan rendering, the response and URL invariants, the RSS trend and `bun run soak`
 * options. If these were wrong, the fuzzer and the soak would test less than they claim.
 */
import { describe, expect, test } from "bun:test";
import { baseEvent, renderPlan, type FuzzPlan } from "../../../src/dev/soak/events.ts";
import {
  alexaResponseProblems,
  leakedSecrets,
  outboundProblems,
  ssmlProblems,
  tflPathProblems,
} from "../../../src/dev/soak/invariants.ts";
import { getAt, pathsOf, removeAt, reorderAt, setAt, toRawJson, type Json } from "../../../src/dev/soak/json-tree.ts";
import { parseSoakArgs } from "../../../src/dev/soak/soak-plan.ts";

describe("json-tree", () => {
  test("lists paths breadth first and edits by path", () => {
    const tree: Json = { a: [1, { b: "x" }], c: null };
    expect(pathsOf(tree)).toEqual([[], ["a"], ["c"], ["a", 0], ["a", 1], ["a", 1, "b"]]);
    expect(getAt(setAt(structuredClone(tree), ["a", 1, "b"], 7), ["a", 1, "b"])).toBe(7);
    expect(removeAt(structuredClone(tree), ["a", 0])).toEqual({ a: [{ b: "x" }], c: null });
    expect(Object.keys(reorderAt({ x: 1, y: 2, z: 3 }, [], 0) as object)).not.toEqual(["x", "y", "z"]);
  });

  test("sets __proto__ as an own key, as JSON.parse does", () => {
    const tree = setAt({}, ["__proto__"], { polluted: true }) as Record<string, unknown>;
    expect(Object.hasOwn(tree, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(JSON.parse(toRawJson(tree as Json))).toEqual(JSON.parse('{"__proto__":{"polluted":true}}'));
  });

  test.each([
    ["before", '{"a":"real"}'],
    ["after", '{"a":"decoy"}'],
  ] as const)("writes a duplicated key %s the real one, and JSON.parse keeps the last", (position, expected) => {
    const raw = toRawJson({ a: "real" }, { duplicates: [{ path: [], key: "a", valueText: '"decoy"', position }] });
    expect(raw.match(/"a"/g)).toHaveLength(2);
    expect(JSON.stringify(JSON.parse(raw))).toBe(expected);
  });

  test("writes nesting deeper than JSON.stringify can", () => {
    const raw = toRawJson({ a: null }, { rawAt: [{ path: ["a"], text: "[".repeat(200_000) + "]".repeat(200_000) }] });
    expect(raw.length).toBe(400_006);
    expect(() => JSON.parse(raw)).not.toThrow();
  });
});

describe("fuzz plans", () => {
  test("render deterministically", () => {
    const plan: FuzzPlan = {
      kind: "envelope",
      base: "statusResolved",
      edits: [
        { op: "huge", at: 5, length: 10_000, unit: "<" },
        { op: "remove", at: 3 },
      ],
    };
    expect(renderPlan(plan).body).toEqual(renderPlan(plan).body);
  });

  test("put invalid UTF-8 into the raw bytes", () => {
    const body = renderPlan({ kind: "bytes", base: "launch", at: 3, bytes: [0xff, 0xfe] }).body;
    expect(body).toBeInstanceOf(Uint8Array);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(body as Uint8Array)).toThrow();
  });

  test("start from events the skill answers", () => {
    expect(JSON.stringify(baseEvent("commute"))).toContain("CommuteIntent");
  });
});

describe("invariants", () => {
  test.each([
    ["<speak>Fine &amp; dandy</speak>", []],
    ["<speak><p>One</p><p>Two</p></speak>", []],
    ["<speak>a & b</speak>", ['unescaped "&" in ssml']],
    ["<speak><audio src='x'/></speak>", ['unescaped "<" in ssml']],
    ["<speak><break></speak>", ["tag <break> in ssml"]],
    ["<speak><p>open</speak>", ["unbalanced </speak>"]],
    ["plain", ["ssml is not wrapped in <speak>"]],
  ] as const)("SSML %p has problems %p", (ssml, problems) => {
    expect(ssmlProblems(ssml)).toEqual([...problems]);
  });

  test("flags a response over 24,000 bytes and a card of the wrong type", () => {
    const big = { version: "1.0", response: { card: { type: "Simple", title: "t", content: "x".repeat(30_000) } } };
    const bytes = new TextEncoder().encode(JSON.stringify(big)).byteLength;
    expect(alexaResponseProblems(big)).toEqual([`response is ${bytes} bytes`, "card type Simple"]);
  });

  test.each([
    ["/Line/victoria/Status", []],
    ["/Line/victoria%2Cjubilee/Status", []],
    ["/Line/Mode/dlr%2Celizabeth-line%2Coverground%2Ctube/Disruption", []],
    ["/Line/Mode/overground/Status", []],
    ["/Line/london-overground/Status", ['TfL path carries "london-overground", not from the catalogue']],
    ["/Line/victoria/Arrivals", ['TfL path "/Line/victoria/Arrivals" is not one the skill calls']],
  ] as const)("TfL path %p has problems %p", (path, problems) => {
    expect(tflPathProblems(path)).toEqual([...problems]);
  });

  test("only the configured origins are allowed", () => {
    const hosts = { tfl: "http://127.0.0.1:1000/", skillApi: "http://127.0.0.1:2000/" };
    expect(outboundProblems("http://127.0.0.1:2000/api/preferences", hosts)).toEqual([]);
    expect(outboundProblems("http://localhost:1000/Line/victoria/Status", hosts)).toEqual([
      "request to http://localhost:1000, which is neither TfL nor the skill API",
    ]);
  });

  test("finds secrets raw, URL-encoded and JSON-escaped", () => {
    expect(leakedSecrets("key=a%2Fb", ["a/b"])).toEqual(["a/b"]);
    expect(leakedSecrets(JSON.stringify({ k: 'q"t' }), ['q"t'])).toEqual(['q"t']);
    expect(leakedSecrets("nothing here", ["secret"])).toEqual([]);
  });
});

describe("bun run soak options", () => {
  test("default to the full counts and a 6-minute GET /next", () => {
    expect(parseSoakArgs([], "x86_64")).toEqual({
      arch: "x86_64",
      invocations: 10_000,
      fuzzEvents: 10_000,
      binaryFuzzEvents: 10_000,
      idleMinutes: 6,
      seed: undefined,
      env: { BUN_JSC_useFTLJIT: "0" },
    });
  });

  test("take counts, an architecture and extra variables", () => {
    const plan = parseSoakArgs(
      ["--arch", "arm64", "--invocations", "2000", "--idle-minutes", "0", "--env", "BUN_JSC_useFTLJIT=0"],
      "x86_64",
    );
    expect(plan).toMatchObject({ arch: "arm64", invocations: 2_000, idleMinutes: 0, env: { BUN_JSC_useFTLJIT: "0" } });
  });

  // A usage error naming the option at fault; any other error (a TypeError from a bug) must fail.
  test.each([
    [["--invocations", "ten"], "--invocations"],
    [["--env", "novalue"], "--env"],
    [["--arch", "both"], "--arch"],
    [["--bogus"], "--bogus"],
  ])("rejects %p with a UsageError naming %s", (argv, option) => {
    let thrown: unknown;
    try {
      parseSoakArgs(argv, "x86_64");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: "UsageError", message: expect.stringContaining(option) });
  });
});
