/**
 * Small helpers for walking and changing a JSON tree by path, and for writing it back as raw JSON
 * text that plain `JSON.stringify` cannot produce (duplicated keys). The fuzzer builds its
 * near-valid Alexa envelopes with these, so a shrunk counterexample is a short list of edits.
 */

/** A JSON value as `JSON.parse` returns it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys (object) and indexes (array) from the root to one node. */
export type JsonPath = readonly (string | number)[];

/** A key repeated in the raw text of the object at `path`: JSON.parse keeps the last one. */
export interface DuplicateKey {
  readonly path: JsonPath;
  readonly key: string;
  /** Raw JSON text of the extra member's value. */
  readonly valueText: string;
  /** "before": the extra member comes first (the real one wins); "after": the extra one wins. */
  readonly position: "before" | "after";
}

/** Every path in `value` (root included), breadth first, at most `limit` of them. */
export function pathsOf(value: Json, limit = 400): JsonPath[] {
  const paths: JsonPath[] = [];
  const queue: Array<{ path: JsonPath; node: Json }> = [{ path: [], node: value }];
  while (queue.length > 0 && paths.length < limit) {
    const item = queue.shift();
    if (item === undefined) break;
    paths.push(item.path);
    const { node, path } = item;
    if (Array.isArray(node)) {
      node.forEach((child, index) => queue.push({ path: [...path, index], node: child }));
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) queue.push({ path: [...path, key], node: child });
    }
  }
  return paths;
}

/** The node at `path`, or undefined when the path does not exist. */
export function getAt(value: Json, path: JsonPath): Json | undefined {
  let node: Json | undefined = value;
  for (const step of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = Array.isArray(node)
      ? node[Number(step)]
      : Object.hasOwn(node, String(step))
        ? node[String(step)]
        : undefined;
  }
  return node;
}

/** Returns a tree with the node at `path` replaced (the root when `path` is empty). */
export function setAt(value: Json, path: JsonPath, replacement: Json): Json {
  if (path.length === 0) return replacement;
  const parent = getAt(value, path.slice(0, -1));
  const last = path[path.length - 1];
  if (parent === null || parent === undefined || typeof parent !== "object" || last === undefined) return value;
  if (Array.isArray(parent)) {
    parent[Number(last)] = replacement;
  } else {
    // defineProperty, not assignment: "__proto__" must become an own key, as JSON.parse makes it.
    Object.defineProperty(parent, String(last), {
      value: replacement,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return value;
}

/** Returns a tree without the node at `path` (array elements are spliced out); the root becomes null. */
export function removeAt(value: Json, path: JsonPath): Json {
  if (path.length === 0) return null;
  const parent = getAt(value, path.slice(0, -1));
  const last = path[path.length - 1];
  if (parent === null || parent === undefined || typeof parent !== "object" || last === undefined) return value;
  if (Array.isArray(parent)) {
    parent.splice(Number(last), 1);
  } else {
    delete parent[String(last)];
  }
  return value;
}

/** Reorders the members of the object (or elements of the array) at `path` by a seed. */
export function reorderAt(value: Json, path: JsonPath, seed: number): Json {
  const node = getAt(value, path);
  if (node === null || node === undefined || typeof node !== "object") return value;
  const rotate = <T>(items: T[]): T[] => {
    if (items.length < 2) return items.reverse();
    const by = (seed % (items.length - 1)) + 1;
    return [...items.slice(by), ...items.slice(0, by)].reverse();
  };
  if (Array.isArray(node)) {
    const reordered = rotate([...node]);
    node.splice(0, node.length, ...reordered);
    return value;
  }
  const entries = rotate(Object.entries(node));
  for (const key of Object.keys(node)) delete node[key];
  for (const [key, child] of entries) {
    Object.defineProperty(node, key, { value: child, enumerable: true, writable: true, configurable: true });
  }
  return value;
}

/** The JSON type name of a value: "null", "boolean", "number", "string", "array" or "object". */
export function jsonTypeOf(value: Json | undefined): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** `depth` nested arrays (or objects under key "a") as raw text, cheap to build and to parse. */
export function nestedText(depth: number, kind: "array" | "object"): string {
  return kind === "array" ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "null" + "}".repeat(depth);
}

/**
 * Serialises like JSON.stringify, but also writes the extra members of `duplicates` and replaces
 * the nodes at `rawAt` paths with raw text (deep nesting too deep for JSON.stringify).
 */
export function toRawJson(
  value: Json,
  options: { duplicates?: readonly DuplicateKey[]; rawAt?: ReadonlyArray<{ path: JsonPath; text: string }> } = {},
): string {
  const duplicates = options.duplicates ?? [];
  const rawAt = options.rawAt ?? [];
  const keyOf = (path: JsonPath): string => JSON.stringify(path);
  const raw = new Map(rawAt.map((entry) => [keyOf(entry.path), entry.text]));
  const extra = new Map<string, DuplicateKey[]>();
  for (const duplicate of duplicates) {
    const key = keyOf(duplicate.path);
    extra.set(key, [...(extra.get(key) ?? []), duplicate]);
  }
  if (raw.size === 0 && extra.size === 0) return JSON.stringify(value);

  const write = (node: Json, path: JsonPath): string => {
    const pathKey = keyOf(path);
    const rawText = raw.get(pathKey);
    if (rawText !== undefined) return rawText;
    if (Array.isArray(node)) return `[${node.map((child, index) => write(child, [...path, index])).join(",")}]`;
    if (node === null || typeof node !== "object") return JSON.stringify(node);
    const members = Object.entries(node).map(
      ([key, child]) => `${JSON.stringify(key)}:${write(child, [...path, key])}`,
    );
    for (const duplicate of extra.get(pathKey) ?? []) {
      const member = `${JSON.stringify(duplicate.key)}:${duplicate.valueText}`;
      if (duplicate.position === "before") members.unshift(member);
      else members.push(member);
    }
    return `{${members.join(",")}}`;
  };
  return write(value, []);
}
