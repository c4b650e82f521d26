import { describe, expect, test } from "bun:test";
import { parseBenchArgs, type BenchSettings } from "../../../src/dev/bench/args.ts";
import {
  formatBenchPlan,
  functionEnvironment,
  latencyTurns,
  memoryCheckpoints,
  nodeBundleFlags,
  planBench,
  REQUEST_KINDS,
  rotate,
  START_COPIES,
  trendWindowFor,
  type PlanInput,
} from "../../../src/dev/bench/plan.ts";
import { COMPILE_FLAGS, planBuild, ZIP_LEVEL } from "../../../src/dev/build/index.ts";
import { WARM_JIT_POLICY } from "../../../src/main.ts";

function settings(argv: string[] = []): BenchSettings {
  const command = parseBenchArgs(argv);
  if (command.kind !== "run") throw new Error("expected a run");
  return command;
}

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return { settings: settings(), bun: "/opt/bun", node: "/usr/bin/node", cannotDropCaches: undefined, ...overrides };
}

describe("alternation", () => {
  test.each<[number, string[]]>([
    [0, ["a", "b", "c"]],
    [1, ["b", "c", "a"]],
    [2, ["c", "a", "b"]],
    [3, ["a", "b", "c"]],
    [-1, ["c", "a", "b"]],
  ])("round %p visits the candidates in the order %p", (round, order) => {
    expect(rotate(["a", "b", "c"], round)).toEqual(order);
  });

  test("puts every candidate in every position equally often over as many rounds as there are candidates", () => {
    const items = ["bootstrap", "floor", "node", "jit"];
    for (let position = 0; position < items.length; position += 1) {
      const atPosition = items.map((_, round) => rotate(items, round)[position]);
      expect(new Set(atPosition).size).toBe(items.length);
    }
  });

  test("leaves an empty list empty", () => {
    expect(rotate([], 3)).toEqual([]);
  });

  test("asks every kind equally often, interleaved, in turns of the given size", () => {
    const turns = latencyTurns(REQUEST_KINDS, 25, 50);
    expect(turns.map((turn) => turn.length)).toEqual([50, 50, 25]);
    const all = turns.flat();
    for (const kind of REQUEST_KINDS) expect(all.filter((asked) => asked === kind)).toHaveLength(25);
    expect(turns[0]?.slice(0, 10)).toEqual([
      "launch",
      "status",
      "disruption",
      "commute",
      "help",
      "status",
      "disruption",
      "commute",
      "help",
      "launch",
    ]);
  });

  test("turns for a single kind hold that kind only", () => {
    expect(latencyTurns(["status"], 3, 50)).toEqual([["status", "status", "status"]]);
  });

  test.each<[number, number, number[]]>([
    [1_000, 250, [250, 500, 750, 1_000]],
    [1_200, 500, [500, 1_000, 1_200]],
    [300, 100, [100, 200, 300]],
  ])("samples memory of a %p-invocation run every %p invocations, and at 1,000", (total, turn, checkpoints) => {
    expect(memoryCheckpoints(total, turn)).toEqual(checkpoints);
  });

  test.each<[number, number]>([
    [10_000, 8_000],
    [9_000, 8_000],
    [1_200, 960],
    [5_000, 4_000],
  ])("a %p-invocation soak judges the trend over its last %p invocations", (soak, window) => {
    expect(trendWindowFor(soak)).toBe(window);
  });
});

describe("planBench", () => {
  test("compiles the floors and the empty program with exactly the bootstrap's flags", () => {
    const plan = planBench(input());
    const bootstrapArgv = planBuild({ archs: ["x86_64"], entry: "src/main.ts", outDir: "dist", bun: "/opt/bun" })
      .steps[0];
    if (bootstrapArgv?.kind !== "compile") throw new Error("expected a compile step");
    const flagsOf = (argv: readonly string[]): string[] =>
      argv.filter((arg) => arg.startsWith("--") && !arg.startsWith("--outfile"));
    const compiles = plan.prepare.filter((step) => step.argv.includes("--compile"));
    expect(compiles.map((step) => step.outfile)).toEqual([
      "dist/bench/floor/x86_64/bootstrap",
      "dist/bench/floor-bare/x86_64/bootstrap",
      "dist/bench/empty/x86_64/bootstrap",
    ]);
    for (const step of compiles) expect(flagsOf(step.argv)).toEqual(flagsOf(bootstrapArgv.argv));
  });

  test("bundles the skill for Node with the flags that apply without --compile", () => {
    const node = planBench(input()).prepare.find((step) => step.argv.includes("--target=node"));
    expect(node?.argv).toEqual([
      "/opt/bun",
      "build",
      "src/main.ts",
      "--target=node",
      "--outfile=dist/bench/node/main.mjs",
      "--production",
      "--minify",
      "--format=esm",
    ]);
    expect(nodeBundleFlags().every((flag) => COMPILE_FLAGS.includes(flag))).toBe(true);
  });

  test("lists the candidates in table order, each with how it starts", () => {
    const plan = planBench(input());
    expect(plan.candidates.map((candidate) => [candidate.id, candidate.argv, candidate.env])).toEqual([
      ["bootstrap", ["dist/bench/exec/bootstrap/bootstrap"], {}],
      ["bootstrap-smol", ["dist/bench/exec/bootstrap/bootstrap"], { BUN_OPTIONS: "--smol" }],
      ["bootstrap-noftl", ["dist/bench/exec/bootstrap/bootstrap"], { BUN_JSC_useFTLJIT: "0" }],
      ["bootstrap-traced", ["dist/bench/exec/bootstrap/bootstrap"], { OTEL_EXPORTER_OTLP_ENDPOINT: "$OTLP_RECEIVER" }],
      ["bootstrap-nodfg", ["dist/bench/exec/bootstrap/bootstrap"], { BUN_JSC_useDFGJIT: "0" }],
      ["floor", ["dist/bench/exec/floor/bootstrap"], {}],
      ["floor-noftl", ["dist/bench/exec/floor/bootstrap"], { BUN_JSC_useFTLJIT: "0" }],
      ["floor-warm-policy", ["dist/bench/exec/floor/bootstrap"], { FLOOR_WARM_JIT_POLICY: String(WARM_JIT_POLICY) }],
      ["floor-bare", ["dist/bench/exec/floor-bare/bootstrap"], {}],
      ["node", ["/usr/bin/node", "dist/bench/node/main.mjs"], {}],
      ["bun-jit", ["/opt/bun", "src/main.ts"], {}],
    ]);
  });

  test("soaks the bootstrap and the floors, and stops the others at 1,000", () => {
    const plan = planBench(input());
    expect(Object.fromEntries(plan.candidates.map((candidate) => [candidate.id, candidate.memoryInvocations]))).toEqual(
      {
        bootstrap: 10_000,
        "bootstrap-smol": 10_000,
        "bootstrap-noftl": 10_000,
        "bootstrap-traced": 1_000,
        "bootstrap-nodfg": 10_000,
        floor: 10_000,
        "floor-noftl": 1_000,
        "floor-warm-policy": 10_000,
        "floor-bare": 10_000,
        node: 1_000,
        "bun-jit": 1_000,
      },
    );
  });

  test("gives the JIT candidate no cold start, because the bench itself keeps bun mapped", () => {
    const plan = planBench(input());
    expect(
      plan.candidates.filter((candidate) => candidate.noColdStart === undefined).map((candidate) => candidate.id),
    ).toEqual(["bootstrap", "floor", "floor-bare", "node"]);
  });

  test("leaves Node out, with a note, when there is no node", () => {
    const plan = planBench(input({ node: undefined }));
    expect(plan.candidates.map((candidate) => candidate.id)).not.toContain("node");
    expect(plan.prepare.some((step) => step.argv.includes("--target=node"))).toBe(false);
    expect(plan.notes).toContain("Node.js is not on PATH: the node candidate is left out.");
  });

  test.each<[string, Partial<PlanInput>, string | undefined]>([
    ["runs cold starts when the cache can be dropped", {}, undefined],
    ["skips cold starts with the reason the cache cannot be dropped", { cannotDropCaches: "not root" }, "not root"],
    ["skips cold starts when none are asked for", { settings: settings(["--cold-starts", "0"]) }, "--cold-starts 0"],
  ])("%s", (_title, overrides, reason) => {
    expect(planBench(input(overrides)).coldSkipped).toBe(reason as string);
  });

  test("times both architectures into a scratch folder and zips the floor and the empty program", () => {
    const measurement = planBench(input()).buildMeasurement;
    expect(measurement?.plan.steps.map((step) => step.label)).toEqual([
      "compile x86_64",
      "compile arm64",
      "zip x86_64",
      "zip arm64",
      "manifest",
    ]);
    expect(measurement?.plan.steps[0]).toMatchObject({ outfile: "dist/bench/build/x86_64/bootstrap" });
    expect(measurement?.zips.map((zip) => [zip.input, zip.output, zip.level])).toEqual([
      ["dist/bench/floor/x86_64/bootstrap", "dist/bench/floor/lambda-x86_64.zip", ZIP_LEVEL],
      ["dist/bench/empty/x86_64/bootstrap", "dist/bench/empty/lambda-x86_64.zip", ZIP_LEVEL],
    ]);
  });

  test.each<[string, string | undefined, boolean]>([
    ["drops the page cache when it can", undefined, true],
    ["keeps the page cache when it cannot be dropped", "not root", false],
  ])("%s, and runs the compiled candidates from private copies", (_title, cannotDropCaches, drop) => {
    const plan = planBench(input({ cannotDropCaches }));
    expect(plan.pageCache).toEqual({
      drop,
      copies: [
        { from: "dist/x86_64/bootstrap", to: "dist/bench/exec/bootstrap/bootstrap" },
        { from: "dist/x86_64/bootstrap", to: "dist/bench/exec/bootstrap/2/bootstrap" },
        { from: "dist/x86_64/bootstrap", to: "dist/bench/exec/bootstrap/3/bootstrap" },
        { from: "dist/bench/floor/x86_64/bootstrap", to: "dist/bench/exec/floor/bootstrap" },
        { from: "dist/bench/floor/x86_64/bootstrap", to: "dist/bench/exec/floor/2/bootstrap" },
        { from: "dist/bench/floor/x86_64/bootstrap", to: "dist/bench/exec/floor/3/bootstrap" },
        { from: "dist/bench/floor-bare/x86_64/bootstrap", to: "dist/bench/exec/floor-bare/bootstrap" },
        { from: "dist/bench/floor-bare/x86_64/bootstrap", to: "dist/bench/exec/floor-bare/2/bootstrap" },
        { from: "dist/bench/floor-bare/x86_64/bootstrap", to: "dist/bench/exec/floor-bare/3/bootstrap" },
      ],
    });
    expect(plan.candidates.map((candidate) => candidate.argv[0])).toEqual([
      "dist/bench/exec/bootstrap/bootstrap",
      "dist/bench/exec/bootstrap/bootstrap",
      "dist/bench/exec/bootstrap/bootstrap",
      "dist/bench/exec/bootstrap/bootstrap",
      "dist/bench/exec/bootstrap/bootstrap",
      "dist/bench/exec/floor/bootstrap",
      "dist/bench/exec/floor/bootstrap",
      "dist/bench/exec/floor/bootstrap",
      "dist/bench/exec/floor-bare/bootstrap",
      "/usr/bin/node",
      "/opt/bun",
    ]);
  });

  test("starts each compiled candidate from its copies in turn, everything else from its own command", () => {
    const plan = planBench(input());
    const copiesOf = (name: string): string[] =>
      ["", "2/", "3/"].map((folder) => `dist/bench/exec/${name}/${folder}bootstrap`);
    expect(START_COPIES).toBe(3);
    expect(plan.candidates.map((candidate) => [candidate.id, candidate.startExecutables])).toEqual([
      ["bootstrap", copiesOf("bootstrap")],
      ["bootstrap-smol", copiesOf("bootstrap")],
      ["bootstrap-noftl", copiesOf("bootstrap")],
      ["bootstrap-traced", copiesOf("bootstrap")],
      ["bootstrap-nodfg", copiesOf("bootstrap")],
      ["floor", copiesOf("floor")],
      ["floor-noftl", copiesOf("floor")],
      ["floor-warm-policy", copiesOf("floor")],
      ["floor-bare", copiesOf("floor-bare")],
      ["node", ["/usr/bin/node"]],
      ["bun-jit", ["/opt/bun"]],
    ]);
    // The first copy is the one every other phase runs.
    for (const candidate of plan.candidates) expect(candidate.startExecutables[0]).toBe(candidate.argv[0]);
  });

  test("takes the memory budget from three processes per candidate, one in a quick run", () => {
    expect(planBench(input()).memoryReplicates).toBe(3);
    expect(planBench(input({ settings: settings(["--quick"]) })).memoryReplicates).toBe(1);
  });

  test("measures no build in a quick run", () => {
    const plan = planBench(input({ settings: settings(["--quick"]) }));
    expect(plan.buildMeasurement).toBeUndefined();
    expect(plan.notes.some((note) => note.startsWith("--quick"))).toBe(true);
  });

  test("prints a dry run naming every command and phase", () => {
    const text = formatBenchPlan(planBench(input({ cannotDropCaches: "not root" })));
    expect(text).toContain("/opt/bun build src/dev/bench/floor/echo-runtime.ts --compile --target=bun-linux-x64");
    expect(text).toContain("- bootstrap --smol: BUN_OPTIONS=--smol dist/bench/exec/bootstrap/bootstrap");
    expect(text).toContain("2. cold-cache starts: skipped (not root)");
    expect(text).toContain(
      "1. warm-cache starts: 3 unmeasured + 20 per candidate, a compiled candidate's copies taking turns",
    );
    expect(text).toContain("results: dist/bench/results.json");
  });
});

test("gives a candidate Lambda's environment, the skill's settings and its own additions", () => {
  const smol = planBench(input()).candidates.find((candidate) => candidate.id === "bootstrap-smol");
  if (smol === undefined) throw new Error("expected the smol candidate");
  const env = functionEnvironment(smol, {
    runtimeApi: "127.0.0.1:9001",
    backendUrl: "http://127.0.0.1:9002/",
    taskRoot: "/tmp/task",
    path: "/usr/bin",
    skillId: "amzn1.ask.skill.test",
  });
  expect(env).toMatchObject({
    AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001",
    AWS_LAMBDA_FUNCTION_NAME: "london-travel-bench",
    TFL_API_URL: "http://127.0.0.1:9002/",
    SKILL_API_URL: "http://127.0.0.1:9002/",
    SKILL_ID: "amzn1.ask.skill.test",
    VERIFY_SKILL_ID: "true",
    LOG_LEVEL: "info",
    AWS_LAMBDA_LOG_FORMAT: "JSON",
    TZ: ":UTC",
    BUN_OPTIONS: "--smol",
  });
  expect(env).not.toHaveProperty("HOME");
});

test("points the traced candidate at the bench's OTLP receiver", () => {
  const traced = planBench(input()).candidates.find((candidate) => candidate.id === "bootstrap-traced");
  if (traced === undefined) throw new Error("expected the traced candidate");
  const env = functionEnvironment(traced, {
    runtimeApi: "127.0.0.1:9001",
    backendUrl: "http://127.0.0.1:9002/",
    taskRoot: "/tmp/task",
    path: "/usr/bin",
    skillId: "amzn1.ask.skill.test",
    otlpEndpoint: "http://127.0.0.1:9003",
  });
  expect(env["OTEL_EXPORTER_OTLP_ENDPOINT"]).toBe("http://127.0.0.1:9003");
});
