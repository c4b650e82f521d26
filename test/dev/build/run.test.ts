import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import * as v from "valibot";
import {
  BuildManifestSchema,
  CompileError,
  ZipTooLargeError,
  planBuild,
  readCommit,
  runBuild,
  runCommand,
  type BuildDeps,
  type CommandResult,
} from "../../../src/dev/build/index.ts";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "build-run-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Stands in for `bun build --compile`: writes a few bytes naming the target to `--outfile`. */
function fakeCompiler(exitCode = 0): (argv: readonly string[], cwd: string) => Promise<CommandResult> {
  return async (argv, cwd) => {
    const outfile = argv.find((arg) => arg.startsWith("--outfile="))?.slice("--outfile=".length) ?? "";
    const target = argv.find((arg) => arg.startsWith("--target=")) ?? "";
    if (exitCode === 0) await Bun.write(join(cwd, outfile), `#!fake ${target}\n`.repeat(200));
    return { exitCode, output: exitCode === 0 ? "" : 'error: Could not resolve: "./missing.ts"\n' };
  };
}

function deps(overrides: Partial<BuildDeps> = {}): BuildDeps & { lines: string[] } {
  const lines: string[] = [];
  let clock = 0;
  return {
    cwd: root,
    print: (line) => lines.push(line),
    now: () => (clock += 250),
    bunVersion: "1.4.5",
    runCommand: fakeCompiler(),
    readCommit: async () => "0123456789abcdef0123456789abcdef01234567",
    lines,
    ...overrides,
  };
}

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
const plan = (zipLimitBytes?: number) =>
  planBuild({
    archs: ["x86_64", "arm64"],
    entry: "src/main.ts",
    outDir: "dist",
    bun: "bun",
    ...(zipLimitBytes === undefined ? {} : { zipLimitBytes }),
  });

describe("runBuild", () => {
  test("writes both zips and a manifest whose sizes and hashes match the files", async () => {
    const result = await runBuild(plan(), deps());
    const manifestFile = v.parse(BuildManifestSchema, await Bun.file(join(root, "dist/manifest.json")).json());
    expect(manifestFile).toEqual(result.manifest);
    expect(manifestFile.commit).toBe("0123456789abcdef0123456789abcdef01234567");
    expect(manifestFile.bunVersion).toBe("1.4.5");
    expect(manifestFile.zipLimitBytes).toBe(52_428_800);
    for (const arch of ["x86_64", "arm64"] as const) {
      const artefact = manifestFile.artefacts[arch];
      const bootstrap = await Bun.file(join(root, `dist/${arch}/bootstrap`)).bytes();
      const zip = await Bun.file(join(root, `dist/lambda-${arch}.zip`)).bytes();
      expect(artefact).toEqual({
        bunTarget: arch === "x86_64" ? "bun-linux-x64" : "bun-linux-arm64",
        bootstrap: `dist/${arch}/bootstrap`,
        bytes: bootstrap.length,
        sha256: sha256(bootstrap),
        zip: `dist/lambda-${arch}.zip`,
        zipBytes: zip.length,
        zipSha256: sha256(zip),
      });
      expect(unzipSync(zip)).toEqual({ bootstrap });
    }
    expect(result.artefacts.map((artefact) => artefact.arch)).toEqual(["x86_64", "arm64"]);
    expect((await readdir(join(root, "dist"))).toSorted()).toEqual([
      "arm64",
      "lambda-arm64.zip",
      "lambda-x86_64.zip",
      "manifest.json",
      "x86_64",
    ]);
  });

  test("prints one line per step with its output and duration", async () => {
    const run = deps();
    await runBuild(plan(), run);
    expect(run.lines.toSorted()).toEqual([
      "compile arm64 → dist/arm64/bootstrap … 0.3 s",
      "compile x86_64 → dist/x86_64/bootstrap … 0.3 s",
      "manifest → dist/manifest.json … 0.3 s",
      expect.stringMatching(/^zip arm64 → dist\/lambda-arm64\.zip … \d+\.\d s$/),
      expect.stringMatching(/^zip x86_64 → dist\/lambda-x86_64\.zip … \d+\.\d s$/),
    ]);
    expect(run.lines[0]).toStartWith("compile x86_64");
    expect(run.lines.at(-1)).toStartWith("manifest");
  });

  test("gives byte-identical zips and manifest when the same bootstraps are built again", async () => {
    await runBuild(plan(), deps());
    const first = await Bun.file(join(root, "dist/manifest.json")).text();
    const zip = await Bun.file(join(root, "dist/lambda-arm64.zip")).bytes();
    await runBuild(plan(), deps());
    expect(await Bun.file(join(root, "dist/manifest.json")).text()).toBe(first);
    expect(await Bun.file(join(root, "dist/lambda-arm64.zip")).bytes()).toEqual(zip);
  });

  test("refuses every zip over the limit, writes neither them nor a manifest, and removes stale ones", async () => {
    await runBuild(plan(), deps());
    let caught: unknown;
    try {
      await runBuild(plan(100), deps());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AggregateError);
    const errors = (caught as AggregateError).errors as ZipTooLargeError[];
    expect(errors.map((error) => [error.name, error.path, error.limitBytes])).toEqual([
      ["ZipTooLargeError", "dist/lambda-x86_64.zip", 100],
      ["ZipTooLargeError", "dist/lambda-arm64.zip", 100],
    ]);
    expect(errors[0]?.message).toMatch(
      /^dist\/lambda-x86_64\.zip is [\d,]+ bytes, over Lambda's direct-upload limit of 100 bytes/,
    );
    expect(await Bun.file(join(root, "dist/lambda-x86_64.zip")).exists()).toBe(false);
    expect(await Bun.file(join(root, "dist/lambda-arm64.zip")).exists()).toBe(false);
    expect(await Bun.file(join(root, "dist/manifest.json")).exists()).toBe(false);
  });

  test("throws the ZipTooLargeError itself when only one zip is built", async () => {
    const single = planBuild({
      archs: ["arm64"],
      entry: "src/main.ts",
      outDir: "dist",
      bun: "bun",
      zipLimitBytes: 100,
    });
    await expect(runBuild(single, deps())).rejects.toThrow(ZipTooLargeError);
  });

  test("stops at a failed compile with its output in the error", async () => {
    const run = deps({ runCommand: fakeCompiler(1) });
    const failure = runBuild(plan(), run);
    await expect(failure).rejects.toThrow(CompileError);
    await expect(failure).rejects.toThrow(
      'compile x86_64 failed: bun build exited with 1\nerror: Could not resolve: "./missing.ts"',
    );
    expect(run.lines).toEqual([]);
    expect(await Bun.file(join(root, "dist/manifest.json")).exists()).toBe(false);
  });

  test("passes each compile the plan's command line, run in the project root", async () => {
    const calls: { argv: readonly string[]; cwd: string }[] = [];
    const compiler = fakeCompiler();
    await runBuild(
      plan(),
      deps({
        runCommand: async (argv, cwd) => {
          calls.push({ argv, cwd });
          return await compiler(argv, cwd);
        },
      }),
    );
    const expected = plan().steps.flatMap((step) => (step.kind === "compile" ? [{ argv: step.argv, cwd: root }] : []));
    expect(calls).toEqual(expected);
  });
});

describe("readCommit", () => {
  test("is null outside a git checkout", async () => {
    expect(await readCommit(root)).toBeNull();
  });

  test("is null in a repository without commits", async () => {
    await runCommand(["git", "init", "--quiet"], root);
    expect(await readCommit(root)).toBeNull();
  });

  test("is the full hash of HEAD after a commit", async () => {
    const git = [
      "git",
      "-c",
      "user.name=Build Test",
      "-c",
      "user.email=build@example.invalid",
      "-c",
      "commit.gpgsign=false",
    ];
    await runCommand(["git", "init", "--quiet"], root);
    await runCommand([...git, "commit", "--quiet", "--allow-empty", "-m", "first"], root);
    expect(await readCommit(root)).toMatch(/^[0-9a-f]{40}$/);
  });
});
