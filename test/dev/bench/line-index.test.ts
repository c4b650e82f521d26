import { expect, test } from "bun:test";
import {
  catalogueForms,
  LINE_INDEX_USAGE,
  measuringProgram,
  runLineIndexBench,
} from "../../../src/dev/bench/line-index.ts";
import { deriveLineNameKeys, lineNameKey } from "../../../src/skill/lines.ts";

test("hands the measured variants every form of the catalogue, each naming what the derived index names", () => {
  const forms = catalogueForms();
  expect(new Set(forms.map(([form]) => lineNameKey(form))).size).toBe(deriveLineNameKeys().size);
  for (const [form, target] of forms)
    expect([form, deriveLineNameKeys().get(lineNameKey(form))]).toEqual([form, target]);
});

test("builds a measuring program with the written-out table and the forms inlined", () => {
  const program = measuringProgram({ victoria: "victoria" }, [["Victoria", "victoria"]]);
  expect(program).toContain('Object.freeze({"victoria":"victoria"})');
  expect(program).toContain('[["Victoria","victoria"]]');
  expect(program).toContain("function loopKey(text)");
  // The program is JavaScript the bundler must accept: no TypeScript annotations left in it.
  expect(() => new Bun.Transpiler({ loader: "js" }).transformSync(program)).not.toThrow();
});

test("prints its usage for --help and measures nothing", async () => {
  const out: string[] = [];
  const code = await runLineIndexBench(["--help"], { out: (line) => out.push(line), err: () => undefined });
  expect(code).toBe(0);
  expect(out).toEqual([LINE_INDEX_USAGE]);
});
