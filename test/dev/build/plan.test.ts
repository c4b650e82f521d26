import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { BYTECODE_ORDER_FILES } from "../../../src/dev/base/build-plan.ts";
import {
  COMPILE_FLAGS,
  LAMBDA_ZIP_LIMIT_BYTES,
  formatPlan,
  planBuild,
  type Arch,
  type CompileStep,
  type ZipStep,
} from "../../../src/dev/build/index.ts";

const BASE = { entry: "src/main.ts", outDir: "dist", bun: "bun" } as const;

function compileSteps(archs: readonly Arch[]): CompileStep[] {
  return planBuild({ ...BASE, archs }).steps.filter((step) => step.kind === "compile");
}

function zipSteps(archs: readonly Arch[]): ZipStep[] {
  return planBuild({ ...BASE, archs }).steps.filter((step) => step.kind === "zip");
}

describe("planBuild", () => {
  test.each([
    [
      ["x86_64", "arm64"],
      ["compile x86_64", "compile arm64", "zip x86_64", "zip arm64", "manifest"],
    ],
    [
      ["arm64", "x86_64"],
      ["compile x86_64", "compile arm64", "zip x86_64", "zip arm64", "manifest"],
    ],
    [["x86_64"], ["compile x86_64", "zip x86_64", "manifest"]],
    [["arm64"], ["compile arm64", "zip arm64", "manifest"]],
  ] as const)("plans the steps for %p in the fixed arch order", (archs, labels) => {
    expect(planBuild({ ...BASE, archs }).steps.map((step) => step.label)).toEqual([...labels]);
  });

  test.each([
    ["x86_64", "bun-linux-x64", "dist/x86_64/bootstrap", "dist/lambda-x86_64.zip"],
    ["arm64", "bun-linux-arm64", "dist/arm64/bootstrap", "dist/lambda-arm64.zip"],
  ] as const)("compiles %s for %s into %s and zips it to %s", (arch, bunTarget, outfile, zip) => {
    const [compile] = compileSteps([arch]);
    const [zipStep] = zipSteps([arch]);
    expect(compile).toMatchObject({ arch, bunTarget, entry: "src/main.ts", outfile });
    expect(zipStep).toMatchObject({ arch, bunTarget, input: outfile, output: zip });
  });

  test.each([
    ["x86_64", "bun-linux-x64"],
    ["arm64", "bun-linux-arm64"],
  ] as const)("runs bun build with exactly the required flags for %s", (arch, bunTarget) => {
    expect(compileSteps([arch])[0]?.argv).toEqual([
      "bun",
      "build",
      "src/main.ts",
      "--compile",
      `--target=${bunTarget}`,
      `--outfile=dist/${arch}/bootstrap`,
      "--production",
      "--minify",
      "--bytecode",
      "--bytecode-order=src/dev/build/bytecode-order/launch.order,src/dev/build/bytecode-order/invocations.order",
      "--splitting",
      "--format=esm",
      "--no-compile-autoload-dotenv",
      "--no-compile-autoload-bunfig",
      "--compile-exec-argv=--smol",
      "--compile-jit-policy=16",
    ]);
  });

  test.each([...BYTECODE_ORDER_FILES])(
    "compiles with the bytecode-order profile %s, which is in the repository",
    (file) => {
      expect(
        COMPILE_FLAGS.find((flag) => flag.startsWith("--bytecode-order="))
          ?.split("=")[1]
          ?.split(","),
      ).toContain(file);
      expect(existsSync(resolve(import.meta.dir, "../../..", file))).toBe(true);
    },
  );

  test("never strips, adds a source map or loads .env and bunfig at run time", () => {
    const argv = compileSteps(["x86_64", "arm64"]).flatMap((step) => step.argv);
    expect(argv.filter((arg) => /strip|sourcemap|--compile-autoload-(dotenv|bunfig)$/.test(arg))).toEqual([]);
    expect(COMPILE_FLAGS).toContain("--format=esm");
  });

  test("uses the given bun executable and output folder", () => {
    const plan = planBuild({ archs: ["arm64"], entry: "app.ts", outDir: "./out/", bun: "/opt/bun" });
    expect(plan.steps.map((step) => ("output" in step ? step.output : step.outfile))).toEqual([
      "out/arm64/bootstrap",
      "out/lambda-arm64.zip",
      "out/manifest.json",
    ]);
    expect(plan.steps[0]).toMatchObject({ kind: "compile", entry: "app.ts" });
    expect(plan.steps[0]?.kind === "compile" && plan.steps[0].argv.slice(0, 3)).toEqual([
      "/opt/bun",
      "build",
      "app.ts",
    ]);
  });

  test("zips bootstrap alone, mode 0100755, at the DOS epoch, at libdeflate's level 10", () => {
    for (const step of zipSteps(["x86_64", "arm64"])) {
      expect(step).toMatchObject({
        entryName: "bootstrap",
        mode: 0o100755,
        mtime: "1980-01-01T00:00:00",
        level: 10,
        limitBytes: 52_428_800,
      });
    }
  });

  test.each([
    [undefined, LAMBDA_ZIP_LIMIT_BYTES],
    [1000, 1000],
  ])("sets the zip limit to %p -> %p bytes in the zip and manifest steps", (zipLimitBytes, expected) => {
    const plan = planBuild({ ...BASE, archs: ["x86_64"], ...(zipLimitBytes === undefined ? {} : { zipLimitBytes }) });
    expect(plan.steps.flatMap((step) => ("limitBytes" in step ? [step.limitBytes] : []))).toEqual([expected]);
    expect(plan.steps.at(-1)).toMatchObject({ kind: "manifest", zipLimitBytes: expected });
  });

  test("compiles one arch after the other, then zips both together, then writes the manifest", () => {
    const plan = planBuild({ ...BASE, archs: ["x86_64", "arm64"] });
    expect(plan.steps.map((step) => [step.label, step.stage])).toEqual([
      ["compile x86_64", 1],
      ["compile arm64", 2],
      ["zip x86_64", 3],
      ["zip arm64", 3],
      ["manifest", 4],
    ]);
  });

  test("is plain data that survives a JSON round trip", () => {
    const plan = planBuild({ ...BASE, archs: ["x86_64", "arm64"] });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});

describe("formatPlan", () => {
  test("prints every step of a full build for --dry-run", () => {
    expect(formatPlan(planBuild({ ...BASE, archs: ["x86_64", "arm64"] }))).toBe(
      `build plan for x86_64, arm64 (dry run: nothing is written)
1. compile x86_64
   bun build src/main.ts --compile --target=bun-linux-x64 --outfile=dist/x86_64/bootstrap --production --minify --bytecode --bytecode-order=src/dev/build/bytecode-order/launch.order,src/dev/build/bytecode-order/invocations.order --splitting --format=esm --no-compile-autoload-dotenv --no-compile-autoload-bunfig --compile-exec-argv=--smol --compile-jit-policy=16
2. compile arm64
   bun build src/main.ts --compile --target=bun-linux-arm64 --outfile=dist/arm64/bootstrap --production --minify --bytecode --bytecode-order=src/dev/build/bytecode-order/launch.order,src/dev/build/bytecode-order/invocations.order --splitting --format=esm --no-compile-autoload-dotenv --no-compile-autoload-bunfig --compile-exec-argv=--smol --compile-jit-policy=16
3. zip x86_64 (together with zip arm64)
   dist/x86_64/bootstrap -> dist/lambda-x86_64.zip
   entry bootstrap, mode 0100755, mtime 1980-01-01 00:00:00, libdeflate level 10, at most 52,428,800 bytes
3. zip arm64 (together with zip x86_64)
   dist/arm64/bootstrap -> dist/lambda-arm64.zip
   entry bootstrap, mode 0100755, mtime 1980-01-01 00:00:00, libdeflate level 10, at most 52,428,800 bytes
4. manifest
   dist/manifest.json (x86_64, arm64)
`,
    );
  });

  test("quotes a bun path with spaces so the printed command can be pasted", () => {
    const text = formatPlan(planBuild({ ...BASE, bun: "/home/me/my bun/bun", archs: ["arm64"] }));
    expect(text).toContain("\n   '/home/me/my bun/bun' build src/main.ts --compile --target=bun-linux-arm64 ");
    expect(text).toStartWith("build plan for arm64 (dry run: nothing is written)\n1. compile arm64\n");
  });
});
