/**
 * The test-only entry that throws where nobody catches (src/local/uncaught-runtime.ts) must never be
 * part of what ships: the shipped binary is built from src/main.ts, and nothing main.ts imports,
 * directly or not, may come from src/local/ (local tooling and test entries).
 */
import { expect, test } from "bun:test";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const transpiler = new Bun.Transpiler({ loader: "ts" });

/** Every repository file reachable from `entry` through relative imports. */
async function importGraph(entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const pending = [resolve(ROOT, entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(".ts")) continue;
    for (const found of transpiler.scanImports(await Bun.file(file).text())) {
      if (found.path.startsWith(".")) pending.push(join(dirname(file), found.path));
    }
  }
  return new Set([...seen].map((file) => relative(ROOT, file)));
}

test("src/main.ts, the shipped entry, reaches nothing under src/local/", async () => {
  const graph = await importGraph("src/main.ts");
  expect(graph.has("src/runtime/loop.ts")).toBe(true);
  expect([...graph].filter((file) => file.startsWith("src/local/"))).toEqual([]);
});

test("the uncaught-error test entry is the skill plus its trigger, and nothing ships it", async () => {
  const graph = await importGraph("src/local/uncaught-runtime.ts");
  expect(graph.has("src/main.ts")).toBe(true);
  expect(await Bun.file(join(ROOT, "build.ts")).text()).toContain('entry: "src/main.ts"');
});
