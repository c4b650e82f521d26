/**
 * The events the reliability suite throws at the skill: realistic base envelopes with our own ids,
 * and fast-check arbitraries for fuzz plans (arbitrary JSON, near-valid envelopes with fields
 * removed, retyped, reordered, duplicated, made huge or deeply nested, hostile values, invalid
 * UTF-8). A plan is small and printable; `renderPlan` turns it into the raw body deterministically,
 * so a shrunk counterexample can be stored as a regression case and replayed exactly.
 */
import fc from "fast-check";
import { buildEvent, type EventKind } from "../base/events.ts";
import {
  getAt,
  jsonTypeOf,
  nestedText,
  pathsOf,
  removeAt,
  reorderAt,
  setAt,
  toRawJson,
  type DuplicateKey,
  type Json,
  type JsonPath,
} from "./json-tree.ts";

/** The skill id every reliability event carries and every function under test is configured with. */
export const RELIABILITY_SKILL_ID = "amzn1.ask.skill.0d4e8b17-62ac-4f39-b5d1-93e7c2a6f058";

/** Account-linking tokens the reliability backend knows (anything else gets 401). */
export const TOKENS = Object.freeze({
  favourites: "rel-token-two-favourites",
  none: "rel-token-no-favourites",
  nullList: "rel-token-null-list",
  hostile: "rel-token-hostile-favourites",
  wrongShape: "rel-token-wrong-shape",
});

/** Names of the base envelopes plans start from. */
export const BASE_NAMES = [
  "launch",
  "statusResolved",
  "statusRaw",
  "statusUnknown",
  "statusOverground",
  "statusNoSlots",
  "disruption",
  "commute",
  "commuteHostileFavourites",
  "commuteNotLinked",
  "help",
  "stop",
  "fallback",
  "sessionEnded",
  "exceptionEncountered",
  "canFulfill",
  "connectionsResponse",
] as const;

/** One of {@link BASE_NAMES}. */
export type BaseName = (typeof BASE_NAMES)[number];

const FIXED_NOW = new Date(Date.UTC(2026, 4, 12, 7, 45, 0));

function fixedIds(): () => string {
  let counter = 0;
  return () => {
    counter += 1;
    return `5e1f0c2a-7b3d-4c8e-9a6f-${counter.toString(16).padStart(12, "0")}`;
  };
}

function local(kind: EventKind, options: { line?: string; accessToken?: string } = {}): Record<string, unknown> {
  return buildEvent(kind, { ...options, skillId: RELIABILITY_SKILL_ID, now: FIXED_NOW, newId: fixedIds() });
}

function withRequest(event: Record<string, unknown>, request: Record<string, unknown>): Record<string, unknown> {
  return { ...event, request: { ...(event["request"] as Record<string, unknown>), ...request } };
}

/** A fresh copy of one base envelope (JSON only: safe to mutate). */
export function baseEvent(name: BaseName): Json {
  return structuredClone(buildBase(name)) as Json;
}

function buildBase(name: BaseName): Record<string, unknown> {
  switch (name) {
    case "launch":
      return local("launch");
    case "statusResolved":
      return local("status", { line: "victoria" });
    case "statusRaw":
      return local("status", { line: "the Hammersmith & City line" });
    case "statusUnknown":
      return local("status", { line: "the moon line" });
    case "statusOverground":
      return local("status", { line: "london overground" });
    case "statusNoSlots": {
      const event = local("status", { line: "central" });
      const request = event["request"] as Record<string, unknown>;
      return withRequest(event, {
        intent: { name: "StatusIntent", confirmationStatus: "NONE" },
        dialogState: request["dialogState"],
      });
    }
    case "disruption":
      return local("disruption");
    case "commute":
      return local("commute", { accessToken: TOKENS.favourites });
    case "commuteHostileFavourites":
      return local("commute", { accessToken: TOKENS.hostile });
    case "commuteNotLinked":
      return local("commute");
    case "help":
      return local("help");
    case "stop":
      return local("stop");
    case "fallback":
      return local("unknown");
    case "sessionEnded":
      return withRequest(local("end"), {
        reason: "ERROR",
        error: { type: "INVALID_RESPONSE", message: "rel: bad response" },
      });
    case "exceptionEncountered": {
      const event = local("launch");
      delete event["session"];
      return withRequest(event, {
        type: "System.ExceptionEncountered",
        error: { type: "INVALID_RESPONSE", message: "rel: the skill's response was invalid" },
        cause: { requestId: "amzn1.echo-api.request.5e1f0c2a-cause" },
      });
    }
    case "canFulfill":
      return withRequest(local("status", { line: "jubilee" }), { type: "CanFulfillIntentRequest" });
    case "connectionsResponse":
      return withRequest(local("launch"), { type: "Connections.Response", name: "Buy", status: { code: "200" } });
  }
}

/** Strings that have broken parsers, SSML, logs or URLs somewhere. */
export const HOSTILE_STRINGS: readonly string[] = Object.freeze([
  "",
  " ",
  "victoria",
  "VICTORIA",
  "  the   Victoria   line  ",
  "victoria\u0000",
  'victoria\n{"level":"error","event":"forged"}',
  "victoria\r\nX-Injected: 1",
  '</speak><audio src="https://rel.invalid/a.mp3"/><speak>',
  "<p>injected</p>",
  "&amp;lt;",
  "]]><!--",
  "'\"`",
  "\uD800",
  "\uDFFF lone",
  "\u202Eenil airotciv",
  "🚇🚇🚇",
  "../../Line/Mode/tube/Status",
  "victoria/../../x",
  "victoria,central",
  "victoria%2Fcentral",
  "%2e%2e%2f",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "ER_SUCCESS_MATCH",
  "d. l. r.",
  "lizzie",
  "null",
  "1e309",
  "\u2028\u2029",
  "\\u0000",
]);

/** One edit of a near-valid envelope; `at` picks a node among the current tree's paths. */
export type Edit =
  | { readonly op: "remove"; readonly at: number }
  | { readonly op: "retype"; readonly at: number; readonly value: Json }
  | { readonly op: "reorder"; readonly at: number; readonly seed: number }
  | {
      readonly op: "duplicate";
      readonly at: number;
      readonly key: number;
      readonly valueJson: Json;
      readonly position: "before" | "after";
    }
  | { readonly op: "huge"; readonly at: number; readonly length: number; readonly unit: string }
  | { readonly op: "deep"; readonly at: number; readonly depth: number; readonly kind: "array" | "object" }
  | { readonly op: "hostile"; readonly at: number; readonly text: string }
  | {
      readonly op: "protoKey";
      readonly at: number;
      readonly key: "__proto__" | "constructor" | "prototype";
      readonly value: Json;
    };

/** What one fuzz case is, before it is rendered into bytes. */
export type FuzzPlan =
  | { readonly kind: "json"; readonly value: Json }
  | { readonly kind: "envelope"; readonly base: BaseName; readonly edits: readonly Edit[] }
  | {
      readonly kind: "values";
      readonly base: "status" | "statusResolved" | "commute";
      readonly text: string;
      readonly skillId: string | null;
    }
  | { readonly kind: "bytes"; readonly base: BaseName; readonly at: number; readonly bytes: readonly number[] };

/** A rendered case: the raw body the Runtime API would deliver. */
export interface FuzzCase {
  readonly plan: FuzzPlan;
  /** A string (valid UTF-8) or bytes (possibly invalid UTF-8). */
  readonly body: string | Uint8Array;
}

const JSON_LEAVES: readonly Json[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -0,
  "",
  "0",
  "true",
  [],
  {},
  [null],
  { "": null },
];

const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 4 })
      .map((units) => `line ${String.fromCharCode(...units)} end`),
  },
  {
    weight: 2,
    arbitrary: fc.mixedCase(
      fc.constantFrom("victoria", "the dlr", "elizabeth line", "overground", "hammersmith & city"),
    ),
  },
);

const smallJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...JSON_LEAVES) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: hostileText },
);

const at = fc.nat({ max: 999 });

const editArbitrary: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("remove" as const), at }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("retype" as const), at, value: smallJson }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("reorder" as const), at, seed: fc.nat({ max: 97 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("duplicate" as const),
      at,
      key: fc.nat({ max: 31 }),
      valueJson: smallJson,
      position: fc.constantFrom("before" as const, "after" as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("huge" as const),
      at,
      length: fc.oneof(fc.integer({ min: 8_000, max: 40_000 }), fc.integer({ min: 200_000, max: 1_000_000 })),
      unit: fc.constantFrom("a", "<", "&", "é", "🚇", "\u0000", " ", "victoria "),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("deep" as const),
      at,
      depth: fc.oneof(fc.integer({ min: 64, max: 2_000 }), fc.integer({ min: 50_000, max: 200_000 })),
      kind: fc.constantFrom("array" as const, "object" as const),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("hostile" as const), at, text: hostileText }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("protoKey" as const),
      at,
      key: fc.constantFrom("__proto__" as const, "constructor" as const, "prototype" as const),
      value: smallJson,
    }),
  },
);

/** Byte sequences that are not valid UTF-8 (stray continuation, overlong, surrogate, truncated, 0xFF). */
const INVALID_UTF8: readonly (readonly number[])[] = [
  [0x80],
  [0xbf, 0xbf],
  [0xc0, 0xaf],
  [0xc3, 0x28],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf0, 0x9f, 0x9a],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfe],
  [0xff, 0xfe, 0xfd],
];

/** Options for the plan arbitrary. */
export interface PlanOptions {
  /** Include raw bodies that are not valid UTF-8 (only meaningful through the Runtime API). */
  readonly invalidUtf8: boolean;
  /** Allow the 200 KB – 1 MB strings and 50,000+ deep nesting (slower; fine in process). */
  readonly large: boolean;
}

/** The fast-check arbitrary for one fuzz plan. */
export function fuzzPlanArbitrary(options: PlanOptions): fc.Arbitrary<FuzzPlan> {
  const edits = options.large ? editArbitrary : editArbitrary.map(shrinkLarge);
  const plans: Array<fc.WeightedArbitrary<FuzzPlan>> = [
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("json" as const),
        value: fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("json" as const),
        value: fc.record({ request: fc.oneof(smallJson, fc.record({ type: smallJson })) }) as fc.Arbitrary<Json>,
      }),
    },
    {
      weight: 7,
      arbitrary: fc.record({
        kind: fc.constant("envelope" as const),
        base: fc.constantFrom(...BASE_NAMES),
        edits: fc.array(edits, { minLength: 0, maxLength: 4 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("values" as const),
        base: fc.constantFrom("status" as const, "statusResolved" as const, "commute" as const),
        text: hostileText,
        skillId: fc.oneof(
          { weight: 8, arbitrary: fc.constant(RELIABILITY_SKILL_ID) },
          { weight: 1, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: hostileText },
        ),
      }),
    },
  ];
  if (options.invalidUtf8) {
    plans.push({
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("bytes" as const),
        base: fc.constantFrom(...BASE_NAMES),
        at,
        bytes: fc.constantFrom(...INVALID_UTF8),
      }),
    });
  }
  return fc.oneof(...plans);
}

function shrinkLarge(edit: Edit): Edit {
  if (edit.op === "huge") return { ...edit, length: Math.min(edit.length, 40_000) };
  if (edit.op === "deep") return { ...edit, depth: Math.min(edit.depth, 2_000) };
  return edit;
}

/** Turns a plan into the raw body; deterministic, so regression files store plans. */
export function renderPlan(plan: FuzzPlan): FuzzCase {
  switch (plan.kind) {
    case "json":
      return { plan, body: JSON.stringify(plan.value) ?? "null" };
    case "values":
      return { plan, body: JSON.stringify(renderValues(plan)) };
    case "envelope":
      return { plan, body: renderEnvelope(plan.base, plan.edits) };
    case "bytes":
      return { plan, body: renderBytes(plan.base, plan.at, plan.bytes) };
  }
}

function renderValues(plan: Extract<FuzzPlan, { kind: "values" }>): Json {
  let event: Json;
  if (plan.base === "commute") {
    event = local("commute", { accessToken: plan.text }) as Json;
  } else if (plan.base === "statusResolved") {
    // Entity resolution claims a match, with the hostile text as the matched value's name and id.
    event = baseEvent("statusResolved");
    const values = getAt(event, [
      "request",
      "intent",
      "slots",
      "LINE",
      "resolutions",
      "resolutionsPerAuthority",
      0,
      "values",
      0,
      "value",
    ]);
    if (values !== undefined && values !== null && typeof values === "object" && !Array.isArray(values)) {
      values["name"] = plan.text;
      values["id"] = plan.text;
    }
    setAt(event, ["request", "intent", "slots", "LINE", "value"], plan.text);
  } else {
    event = local("status", { line: plan.text }) as Json;
  }
  const id: Json = plan.skillId;
  setAt(event, ["context", "System", "application", "applicationId"], id);
  setAt(event, ["session", "application", "applicationId"], id);
  return event;
}

function renderEnvelope(base: BaseName, edits: readonly Edit[]): string {
  let tree = baseEvent(base);
  const duplicates: DuplicateKey[] = [];
  const rawAt: Array<{ path: JsonPath; text: string }> = [];
  for (const edit of edits) {
    const paths = pathsOf(tree);
    const pick = (filter: (path: JsonPath) => boolean = () => true): JsonPath | undefined => {
      const candidates = paths.filter(filter);
      return candidates.length === 0 ? undefined : candidates[edit.at % candidates.length];
    };
    const isObject = (path: JsonPath): boolean => jsonTypeOf(getAt(tree, path)) === "object";
    switch (edit.op) {
      case "remove": {
        const path = pick((candidate) => candidate.length > 0);
        if (path !== undefined) tree = removeAt(tree, path);
        break;
      }
      case "retype": {
        const path = pick();
        if (path === undefined) break;
        const current = getAt(tree, path);
        const replacement = jsonTypeOf(edit.value) === jsonTypeOf(current) ? retypeFallback(current) : edit.value;
        tree = setAt(tree, path, structuredClone(replacement));
        break;
      }
      case "reorder": {
        const path = pick(
          (candidate) =>
            jsonTypeOf(getAt(tree, candidate)) === "object" || jsonTypeOf(getAt(tree, candidate)) === "array",
        );
        if (path !== undefined) tree = reorderAt(tree, path, edit.seed);
        break;
      }
      case "duplicate": {
        const path = pick(isObject);
        const node = path === undefined ? undefined : getAt(tree, path);
        if (
          path === undefined ||
          node === null ||
          node === undefined ||
          typeof node !== "object" ||
          Array.isArray(node)
        )
          break;
        const keys = Object.keys(node);
        const key = keys.length === 0 ? "request" : (keys[edit.key % keys.length] ?? "request");
        duplicates.push({ path, key, valueText: JSON.stringify(edit.valueJson) ?? "null", position: edit.position });
        break;
      }
      case "huge": {
        const path = pick();
        if (path !== undefined) tree = setAt(tree, path, edit.unit.repeat(Math.ceil(edit.length / edit.unit.length)));
        break;
      }
      case "deep": {
        const path = pick();
        if (path !== undefined) {
          tree = setAt(tree, path, null);
          rawAt.push({ path, text: nestedText(edit.depth, edit.kind) });
        }
        break;
      }
      case "hostile": {
        const path = pick();
        if (path !== undefined) tree = setAt(tree, path, edit.text);
        break;
      }
      case "protoKey": {
        const path = pick(isObject);
        if (path !== undefined) tree = setAt(tree, [...path, edit.key], structuredClone(edit.value));
        break;
      }
    }
  }
  return toRawJson(tree, { duplicates, rawAt });
}

function retypeFallback(current: Json | undefined): Json {
  switch (jsonTypeOf(current)) {
    case "string":
      return 42;
    case "number":
      return "42";
    case "boolean":
      return "true";
    case "null":
      return {};
    case "array":
      return { length: 0 };
    default:
      return [];
  }
}

function renderBytes(base: BaseName, position: number, bytes: readonly number[]): Uint8Array {
  const text = JSON.stringify(baseEvent(base));
  // Put the bytes inside a string value (after a quote), where a lenient decoder would accept them.
  const quotes: number[] = [];
  for (let index = 0; index < text.length; index += 1) if (text[index] === '"') quotes.push(index);
  const quote = quotes.length === 0 ? 0 : (quotes[position % quotes.length] ?? 0) + 1;
  const encoded = new TextEncoder().encode(text);
  const split = new TextEncoder().encode(text.slice(0, quote)).byteLength;
  const out = new Uint8Array(encoded.byteLength + bytes.length);
  out.set(encoded.subarray(0, split), 0);
  out.set(bytes, split);
  out.set(encoded.subarray(split), split + bytes.length);
  return out;
}

/** A one-line description of a plan for reports (sizes instead of huge values). */
export function describePlan(plan: FuzzPlan): string {
  switch (plan.kind) {
    case "json":
      return `json ${jsonTypeOf(plan.value)}`;
    case "values":
      return `${plan.base} with text ${JSON.stringify(plan.text.slice(0, 40))}`;
    case "bytes":
      return `${plan.base} with invalid UTF-8 ${plan.bytes.map((byte) => byte.toString(16)).join(" ")}`;
    case "envelope":
      return `${plan.base} ${plan.edits.map((edit) => edit.op).join("+") || "unchanged"}`;
  }
}
