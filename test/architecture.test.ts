/**
 * The layout's rules, checked on the code itself (README, Layout):
 * - what ships is `src/main.ts` and what it reaches; every development tool lives under `src/dev/` and
 *   none of it can reach the binary;
 * - a tool imports only src/dev/base and the product's index files, never another tool's folder;
 * - the product rooms never import each other: the runtime (Lambda) imports no skill and no client, the
 *   skill (Alexa) imports no client and no runtime, a client (TfL, skill API, HTTP, and any other
 *   product folder) imports no skill and no runtime; `src/main.ts` alone joins them.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");

/** Repository-relative, with forward slashes. */
function repoPath(absolute: string): string {
  return relative(ROOT, absolute).split("\\").join("/");
}

/** Shipped: anything in src/ except src/dev/, the two runtime dependencies, and package.json (the version). */
function mayShip(path: string): boolean {
  if (path === "package.json") return true;
  if (path.startsWith("node_modules/ky/") || path.startsWith("node_modules/valibot/")) return true;
  return path.startsWith("src/") && !path.startsWith("src/dev/");
}

/** The room a product file belongs to; undefined for tooling. */
type Room = "main" | "config" | "runtime" | "skill" | "client";

function roomOf(path: string): Room | undefined {
  if (!path.startsWith("src/") || path.startsWith("src/dev/")) return undefined;
  if (path === "src/main.ts") return "main";
  if (path === "src/config.ts") return "config";
  if (path.startsWith("src/runtime/")) return "runtime";
  if (path.startsWith("src/skill/")) return "skill";
  // Every other product folder (tfl, skill-api, http, and any client added later) is a client.
  return "client";
}

/** The rooms each room may import (its own included); main alone may import them all. */
const MAY_IMPORT: Readonly<Record<Room, readonly Room[]>> = {
  main: ["main", "config", "runtime", "skill", "client"],
  config: ["config", "client"],
  runtime: ["runtime"],
  skill: ["skill"],
  client: ["client"],
};

/** The npm packages product code may import (node: and bun builtins aside). */
const RUNTIME_PACKAGES = new Set(["ky", "valibot"]);

const transpiler = new Bun.Transpiler({ loader: "ts" });
// Bun's scanner drops type-only imports; the rooms must not share types either, so static
// `import … from` / `export … from` are read from the text as well.
const STATIC_FROM = /(?:^|[;\n])\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/g;

/** Every specifier a source file imports: static (type-only included), dynamic and bare `import "x"`. */
function specifiersOf(source: string): string[] {
  const found = new Set(transpiler.scanImports(source).map((entry) => entry.path));
  for (const match of source.matchAll(STATIC_FROM)) if (match[1] !== undefined) found.add(match[1]);
  return [...found];
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTs(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

interface ImportEdge {
  readonly from: string;
  /** Repository-relative target for a relative import; the bare specifier otherwise. */
  readonly to: string;
  readonly relative: boolean;
}

/** Every import of every product file (src/ except src/dev/). */
function productImports(): ImportEdge[] {
  return listTs(join(ROOT, "src"))
    .map(repoPath)
    .filter((path) => roomOf(path) !== undefined)
    .flatMap((path) =>
      specifiersOf(readFileSync(join(ROOT, path), "utf8")).map((specifier): ImportEdge => {
        const isRelative = specifier.startsWith(".");
        const to = isRelative ? repoPath(resolve(ROOT, dirname(path), specifier)) : specifier;
        return { from: path, to, relative: isRelative };
      }),
    );
}

/** Why an import breaks the rules, or undefined when it keeps them. */
function ruleBroken(edge: ImportEdge): string | undefined {
  const fromRoom = roomOf(edge.from);
  if (fromRoom === undefined) return undefined;
  if (!edge.relative) {
    const name = edge.to.startsWith("@") ? edge.to.split("/").slice(0, 2).join("/") : (edge.to.split("/")[0] ?? "");
    if (edge.to.startsWith("node:") || edge.to === "bun" || RUNTIME_PACKAGES.has(name)) return undefined;
    return `${edge.from} imports ${edge.to}: product code may use only ky and valibot`;
  }
  if (edge.to === "package.json") return fromRoom === "main" ? undefined : `${edge.from} reads package.json`;
  if (edge.to.startsWith("src/dev/")) return `${edge.from} imports the tool ${edge.to}`;
  const toRoom = roomOf(edge.to);
  if (toRoom === undefined) return `${edge.from} imports ${edge.to}, outside the product`;
  if (toRoom === "main" && fromRoom !== "main") return `${edge.from} imports src/main.ts`;
  return MAY_IMPORT[fromRoom].includes(toRoom)
    ? undefined
    : `${edge.from} (${fromRoom}) imports ${edge.to} (${toRoom})`;
}

describe("what ships", () => {
  test("bundling src/main.ts reaches only product files, ky, valibot and package.json", async () => {
    const result = await Bun.build({ entrypoints: [join(ROOT, "src/main.ts")], target: "bun", metafile: true });
    expect(result.success).toBe(true);
    const inputs = Object.keys(result.metafile?.inputs ?? {}).map((key) => repoPath(resolve(process.cwd(), key)));
    // Guards the check itself: an empty or misread metafile must not pass.
    expect(inputs).toContain("src/main.ts");
    expect(inputs).toContain("src/runtime/loop.ts");
    expect(inputs.filter((path) => !mayShip(path))).toEqual([]);
  });
});

describe("the product rooms", () => {
  const edges = productImports();

  test("the graph was read (main joins the runtime, the skill and the clients)", () => {
    const fromMain = edges.filter((edge) => edge.from === "src/main.ts").map((edge) => roomOf(edge.to));
    expect(fromMain).toEqual(expect.arrayContaining(["runtime", "skill", "client"]));
  });

  test("no product file imports a tool, another room, or a package other than ky and valibot", () => {
    expect(edges.flatMap((edge) => ruleBroken(edge) ?? [])).toEqual([]);
  });

  test.each<[string, boolean, ImportEdge]>([
    [
      "the runtime importing the skill",
      true,
      { from: "src/runtime/loop.ts", to: "src/skill/index.ts", relative: true },
    ],
    ["the runtime importing a client", true, { from: "src/runtime/loop.ts", to: "src/http/index.ts", relative: true }],
    ["the skill importing a client", true, { from: "src/skill/handler.ts", to: "src/tfl/index.ts", relative: true }],
    [
      "the skill importing the runtime",
      true,
      { from: "src/skill/handler.ts", to: "src/runtime/index.ts", relative: true },
    ],
    ["a client importing the skill", true, { from: "src/tfl/client.ts", to: "src/skill/ports.ts", relative: true }],
    ["a new client importing the runtime", true, { from: "src/otel/x.ts", to: "src/runtime/index.ts", relative: true }],
    ["main importing a tool", true, { from: "src/main.ts", to: "src/dev/base/stats.ts", relative: true }],
    ["a product file importing main", true, { from: "src/skill/handler.ts", to: "src/main.ts", relative: true }],
    ["a product file importing a third package", true, { from: "src/tfl/client.ts", to: "fflate", relative: false }],
    [
      "a client importing another client",
      false,
      { from: "src/tfl/client.ts", to: "src/http/index.ts", relative: true },
    ],
    ["main joining the rooms", false, { from: "src/main.ts", to: "src/skill/index.ts", relative: true }],
    ["the skill importing valibot", false, { from: "src/skill/schemas.ts", to: "valibot", relative: false }],
    [
      "a tool importing the product",
      false,
      { from: "src/dev/base/emulator.ts", to: "src/runtime/index.ts", relative: true },
    ],
  ])("%s breaks a rule: %p", (_title, broken, edge) => {
    expect(ruleBroken(edge) !== undefined).toBe(broken);
  });
});

/** The product files a tool may import: the rooms' index files, the entry (profiled by the bench) and package.json. */
function isProductSurface(path: string): boolean {
  return path === "src/main.ts" || path === "package.json" || /^src\/[^/]+\/index\.ts$/.test(path);
}

/** Why a tool's import breaks the rules, or undefined when it keeps them. */
function toolRuleBroken(from: string, to: string): string | undefined {
  const tool = /^src\/dev\/([^/]+)\//.exec(from)?.[1];
  if (tool === undefined) return undefined;
  if (to.startsWith(`src/dev/${tool}/`) || to.startsWith("src/dev/base/")) return undefined;
  if (to.startsWith("src/dev/")) return `${from} imports another tool's ${to}`;
  if (to.startsWith("src/") || to === "package.json") {
    return isProductSurface(to) ? undefined : `${from} reaches past the product's index files to ${to}`;
  }
  return `${from} imports ${to}, outside src/`;
}

describe("the tools", () => {
  test("import only src/dev/base, their own folder and the product's index files", () => {
    const broken = listTs(join(ROOT, "src/dev"))
      .map(repoPath)
      .flatMap((from) =>
        specifiersOf(readFileSync(join(ROOT, from), "utf8"))
          .filter((specifier) => specifier.startsWith("."))
          .flatMap((specifier) => toolRuleBroken(from, repoPath(resolve(ROOT, dirname(from), specifier))) ?? []),
      );
    expect(broken).toEqual([]);
  });

  test.each<[string, boolean, string, string]>([
    ["a tool importing base", false, "src/dev/bench/runner.ts", "src/dev/base/process.ts"],
    ["a tool importing its own folder", false, "src/dev/bench/runner.ts", "src/dev/bench/plan.ts"],
    ["a tool importing a room's index", false, "src/dev/soak/invariants.ts", "src/skill/index.ts"],
    ["a tool importing another tool", true, "src/dev/bench/plan.ts", "src/dev/build/index.ts"],
    ["base importing a tool", true, "src/dev/base/session.ts", "src/dev/compare/compare-report.ts"],
    ["a tool reaching into a room", true, "src/dev/model/interaction-model.ts", "src/skill/lines.ts"],
    ["a tool reading a test fixture", true, "src/dev/ship/launch-event.ts", "test/fixtures/ship/launch-request.json"],
  ])("%s breaks a rule: %p", (_title, broken, from, to) => {
    expect(toolRuleBroken(from, to) !== undefined).toBe(broken);
  });
});

describe("reading imports", () => {
  test("finds value, type-only, re-exported and dynamic imports", () => {
    const source = [
      'import type { A } from "./a.ts";',
      'import { type B } from "./b.ts";',
      'export type { C } from "./c.ts";',
      'export { D } from "./d.ts";',
      'import "./e.ts";',
      'const f = await import("./f.ts");',
    ].join("\n");
    expect(specifiersOf(source).sort()).toEqual(["./a.ts", "./b.ts", "./c.ts", "./d.ts", "./e.ts", "./f.ts"]);
  });
});
