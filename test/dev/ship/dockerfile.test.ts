/**
 * Dockerfile.cross cannot be built here (no Docker engine), so it is parsed with dockerfile-ast and its
 * stage graph is walked the way BuildKit resolves it, for each target architecture. CI builds it for real.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import { ARCHS, planBuild, type Arch } from "../../../src/dev/build/index.ts";

const ROOT = join(import.meta.dir, "../../..");
const SOURCE = await Bun.file(join(ROOT, "Dockerfile.cross")).text();
const IGNORE = await Bun.file(join(ROOT, "Dockerfile.cross.dockerignore")).text();
const PACKAGE = (await Bun.file(join(ROOT, "package.json")).json()) as { devDependencies: Record<string, string> };

/** Docker's TARGETARCH for each Lambda architecture. */
const DOCKER_ARCH: Readonly<Record<Arch, string>> = { x86_64: "amd64", arm64: "arm64" };

interface Instruction {
  readonly keyword: string;
  readonly args: readonly string[];
  readonly flags: ReadonlyMap<string, string | null>;
}

interface Stage {
  readonly name: string;
  readonly image: string;
  readonly platform: string | undefined;
  readonly instructions: readonly Instruction[];
}

function parseStages(source: string): Stage[] {
  const dockerfile = DockerfileParser.parse(source);
  const stages: Array<{ name: string; image: string; platform: string | undefined; instructions: Instruction[] }> = [];
  for (const instruction of dockerfile.getInstructions()) {
    const flags = new Map<string, string | null>();
    if ("getFlags" in instruction && typeof instruction.getFlags === "function") {
      for (const flag of (
        instruction as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null }> }
      ).getFlags()) {
        flags.set(flag.getName(), flag.getValue());
      }
    }
    const parsed: Instruction = {
      keyword: instruction.getKeyword(),
      args: instruction.getArguments().map((argument) => argument.getValue()),
      flags,
    };
    if (parsed.keyword === "FROM") {
      const [image = "", as, name] = parsed.args;
      expect(as?.toUpperCase()).toBe("AS");
      stages.push({ name: name ?? "", image, platform: flags.get("platform") ?? undefined, instructions: [] });
    } else {
      const current = stages.at(-1);
      if (current === undefined) {
        throw new Error(`${parsed.keyword} before the first FROM`);
      }
      current.instructions.push(parsed);
    }
  }
  return stages;
}

const STAGES = parseStages(SOURCE);

function stage(name: string): Stage {
  const found = STAGES.find((candidate) => candidate.name === name);
  if (found === undefined) {
    throw new Error(`no stage ${name}`);
  }
  return found;
}

/** BuildKit's substitution of the automatic platform arguments in a FROM line. */
function substitute(text: string, targetArch: string): string {
  return text.replaceAll("${TARGETARCH}", targetArch).replaceAll("$TARGETARCH", targetArch);
}

/**
 * Where `path` in `stageName`'s filesystem comes from, for a build targeting `targetArch`: follows
 * `COPY --from` and `FROM <another stage>` until a stage that produced the file itself.
 */
function origin(stageName: string, path: string, targetArch: string): { stage: string; path: string } {
  const current = stage(stageName);
  const copies = current.instructions.filter(
    (instruction) => instruction.keyword === "COPY" && instruction.flags.has("from"),
  );
  for (const copy of [...copies].reverse()) {
    const destination = copy.args.at(-1);
    const sources = copy.args.slice(0, -1);
    if (destination === path && sources.length === 1 && sources[0] !== undefined) {
      return origin(substitute(copy.flags.get("from") ?? "", targetArch), sources[0], targetArch);
    }
  }
  const parent = substitute(current.image, targetArch);
  if (STAGES.some((candidate) => candidate.name === parent)) {
    return origin(parent, path, targetArch);
  }
  return { stage: stageName, path };
}

function workdir(current: Stage): string {
  const last = current.instructions.filter((instruction) => instruction.keyword === "WORKDIR").at(-1);
  return last?.args[0] ?? "/";
}

const PLAN = planBuild({ archs: ARCHS, entry: "src/main.ts", outDir: "dist", bun: "bun" });

function plannedBootstrap(arch: Arch): string {
  const step = PLAN.steps.find((candidate) => candidate.kind === "compile" && candidate.arch === arch);
  if (step?.kind !== "compile") {
    throw new Error(`build.ts plans no compile for ${arch}`);
  }
  return step.outfile;
}

describe("Dockerfile.cross", () => {
  test("uses the Bun image of the version package.json pins", () => {
    const bunStages = STAGES.filter((candidate) => candidate.image.startsWith("oven/bun:"));
    expect(bunStages.map((candidate) => candidate.name)).toEqual(["build"]);
    expect(stage("build").image).toBe(`oven/bun:${PACKAGE.devDependencies["bun"]}`);
  });

  test("installs dependencies with npm ci on Node 22, as CI does", () => {
    const deps = stage("deps");
    expect(deps.image).toMatch(/^node:22(-[\w.-]+)?$/);
    const runs = deps.instructions
      .filter((instruction) => instruction.keyword === "RUN")
      .map((instruction) => instruction.args.join(" "));
    expect(runs).toEqual(["npm ci --no-audit --no-fund"]);
    const copied = deps.instructions.find((instruction) => instruction.keyword === "COPY")?.args;
    expect(copied).toEqual(["package.json", "package-lock.json", "./"]);
  });

  test("runs build.ts exactly as everywhere else: no arguments, so both architectures", () => {
    const runs = stage("build")
      .instructions.filter((instruction) => instruction.keyword === "RUN")
      .map((instruction) => instruction.args.join(" "));
    expect(runs).toEqual(["bun run build.ts"]);
    const copies = stage("build")
      .instructions.filter((instruction) => instruction.keyword === "COPY")
      .map((instruction) => instruction.args.join(" "));
    expect(copies).toContain(". .");
    expect(copies).toContain("/src/node_modules ./node_modules");
  });

  test("runs every command on the build platform, so nothing is emulated while building", () => {
    for (const candidate of STAGES) {
      if (candidate.instructions.some((instruction) => instruction.keyword === "RUN")) {
        expect({ stage: candidate.name, platform: candidate.platform }).toEqual({
          stage: candidate.name,
          platform: "$BUILDPLATFORM",
        });
      }
    }
    expect(stage("deps").platform).toBe("$BUILDPLATFORM");
    expect(stage("build").platform).toBe("$BUILDPLATFORM");
  });

  test("keeps Bun's cross-compile downloads in a cache mount at the cache directory it sets", () => {
    const build = stage("build");
    const env = build.instructions.find((instruction) => instruction.keyword === "ENV")?.args;
    expect(env).toEqual(["BUN_INSTALL_CACHE_DIR=/var/cache/bun-install"]);
    const run = build.instructions.find((instruction) => instruction.keyword === "RUN");
    expect(run?.flags.get("mount")).toBe("type=cache,target=/var/cache/bun-install");
  });

  test("runs the bootstrap on the AWS provided.al2023 base image for the target platform", () => {
    const run = stage("run");
    expect(run.image).toBe("public.ecr.aws/lambda/provided:al2023");
    expect(run.platform).toBeUndefined();
    expect(run.instructions.some((instruction) => instruction.keyword === "RUN")).toBe(false);
    const copy = run.instructions.find((instruction) => instruction.keyword === "COPY");
    expect(copy?.args.at(-1)).toBe("/var/runtime/bootstrap");
    expect(copy?.flags.get("chmod")).toBe("0755");
    expect(run.instructions.find((instruction) => instruction.keyword === "CMD")?.args).toEqual(['["bootstrap"]']);
  });

  test.each(ARCHS)("copies build.ts's %s bootstrap when TARGETARCH names that architecture", (arch) => {
    const source = origin("run", "/var/runtime/bootstrap", DOCKER_ARCH[arch]);
    expect(source).toEqual({ stage: "build", path: `${workdir(stage("build"))}/${plannedBootstrap(arch)}` });
  });

  test("has a selector stage for exactly the two Lambda architectures", () => {
    const selectors = STAGES.filter((candidate) => candidate.name.startsWith("bootstrap-")).map(
      (candidate) => candidate.name,
    );
    expect(selectors).toEqual(ARCHS.map((arch) => `bootstrap-${DOCKER_ARCH[arch]}`));
    expect(stage("bootstrap").image).toBe("bootstrap-${TARGETARCH}");
  });

  test("ends with a scratch export stage holding everything build.ts wrote, the default target of --output dist", () => {
    const last = STAGES.at(-1);
    expect(last?.name).toBe("export");
    expect(last?.image).toBe("scratch");
    const copies = last?.instructions.map((instruction) => ({
      keyword: instruction.keyword,
      from: instruction.flags.get("from"),
      args: instruction.args,
    }));
    expect(copies).toEqual([{ keyword: "COPY", from: "build", args: [`${workdir(stage("build"))}/dist/`, "/"] }]);
    for (const step of PLAN.steps) {
      const output = step.kind === "compile" ? step.outfile : step.output;
      expect(output).toStartWith("dist/");
    }
  });

  test("enables the BuildKit features it uses with a syntax directive", () => {
    expect(SOURCE.split("\n")[0]).toBe("# syntax=docker/dockerfile:1");
  });

  test("leaves local dependencies, builds, git and secrets out of the build context", () => {
    const patterns = IGNORE.split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    for (const required of [".git", "node_modules", "dist", ".env*"]) {
      expect(patterns).toContain(required);
    }
  });

  test("documents both uses at the top", () => {
    expect(SOURCE).toContain("docker buildx build -f Dockerfile.cross --output dist .");
    expect(SOURCE).toContain("--target run");
    expect(SOURCE).toContain("2015-03-31/functions/function/invocations");
  });
});
