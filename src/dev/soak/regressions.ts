/**
 * Fixed regression cases for the event path: counterexamples the fuzzer shrank, and hand-picked
 * inputs that broke other runtimes. Each is a JSON event (or a fuzz plan) plus optional raw
 * rewrites for inputs too big to store (deep nesting, huge strings), and the outcome it must get.
 */
import { setAt, toRawJson, nestedText, type Json, type JsonPath } from "./json-tree.ts";
import { renderPlan, type FuzzPlan } from "./events.ts";

/** The outcome a regression case must get. */
export type ExpectedOutcome = "response" | "InvalidRequestError" | "SkillIdMismatchError" | "Runtime.InvalidEvent";

/** One stored case (test/fixtures/reliability/regressions.json). */
export interface RegressionCase {
  readonly title: string;
  readonly expect: ExpectedOutcome;
  /** Text the response must contain (when `expect` is "response"). */
  readonly speechContains?: string | undefined;
  readonly event?: Json | undefined;
  readonly plan?: FuzzPlan | undefined;
  /** Replace the node at `path` with `depth` nested arrays or objects. */
  readonly deep?: { readonly path: JsonPath; readonly depth: number; readonly kind: "array" | "object" } | undefined;
  /** Replace the node at `path` with `unit` repeated to `length` characters. */
  readonly huge?: { readonly path: JsonPath; readonly length: number; readonly unit: string } | undefined;
  /** Raw body text used as is (not JSON, or JSON with duplicate keys). */
  readonly raw?: string | undefined;
  /** Raw body bytes as hex (invalid UTF-8). */
  readonly rawHex?: string | undefined;
}

/** The raw body of a case, as the Runtime API would deliver it. */
export function renderRegression(entry: RegressionCase): string | Uint8Array {
  if (entry.rawHex !== undefined) return Uint8Array.from(entry.rawHex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
  if (entry.raw !== undefined) return entry.raw;
  if (entry.plan !== undefined) return renderPlan(entry.plan).body;
  let event: Json = structuredClone(entry.event ?? null);
  if (entry.huge !== undefined) {
    const { path, length, unit } = entry.huge;
    event = setAt(event, path, unit.repeat(Math.ceil(length / unit.length)));
  }
  const rawAt =
    entry.deep === undefined ? [] : [{ path: entry.deep.path, text: nestedText(entry.deep.depth, entry.deep.kind) }];
  return toRawJson(event, { rawAt });
}
