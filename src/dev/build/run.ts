/**
 * The I/O half of `bun run build`: performs a `BuildPlan` stage by stage, prints one line per
 * finished step and returns the manifest. Throws; never exits.
 */
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { CompileError } from "./errors.ts";
import { formatStepLine } from "../base/format.ts";
import {
  createManifest,
  serializeManifest,
  sha256Hex,
  type ArtefactRecord,
  type BuildManifest,
} from "../base/manifest.ts";
import type { BuildPlan, BuildStep, CompileStep, ManifestStep, ZipStep } from "../base/build-plan.ts";
import { runCommand, type CommandResult } from "../base/process.ts";
import { assertZipFits, zipSingleFileAsync } from "../base/zip.ts";

/** Everything `runBuild` reaches outside itself; tests replace `runCommand` with a fake compiler. */
export interface BuildDeps {
  /** Project root: plan paths are relative to it and commands run in it. */
  readonly cwd: string;
  readonly print: (line: string) => void;
  readonly now: () => number;
  readonly bunVersion: string;
  readonly runCommand: (argv: readonly string[], cwd: string) => Promise<CommandResult>;
  readonly readCommit: (cwd: string) => Promise<string | null>;
}

/** What a finished build produced, for the closing size table. */
export interface BuildResult {
  readonly manifest: BuildManifest;
  readonly artefacts: readonly ArtefactRecord[];
}

/**
 * Runs the plan. The old manifest goes first, so a failed build never leaves one describing other
 * files. Steps of a stage all finish; one failure is thrown as is, several as an AggregateError.
 */
export async function runBuild(plan: BuildPlan, deps: BuildDeps): Promise<BuildResult> {
  const manifestStep = plan.steps.find((step) => step.kind === "manifest");
  if (manifestStep !== undefined) await rm(resolve(deps.cwd, manifestStep.output), { force: true });
  const artefacts: ArtefactRecord[] = [];
  let manifest: BuildManifest | undefined;
  for (const stage of groupByStage(plan.steps)) {
    const outcomes = await Promise.allSettled(
      stage.map(async (step) => {
        const started = deps.now();
        const target = await runStep(step);
        deps.print(formatStepLine(step.label, target, deps.now() - started));
      }),
    );
    const failures = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} build steps failed`);
  }
  if (manifest === undefined) throw new Error("the plan has no manifest step");
  return { manifest, artefacts: plan.archs.flatMap((arch) => artefacts.filter((a) => a.arch === arch)) };

  async function runStep(step: BuildStep): Promise<string> {
    switch (step.kind) {
      case "compile":
        await compile(step, deps);
        return step.outfile;
      case "zip":
        artefacts.push(await zipBootstrap(step, deps));
        return step.output;
      case "manifest":
        manifest = await writeManifest(step, artefacts, deps);
        return step.output;
    }
  }
}

/** `git rev-parse HEAD`, or null when there is no git, no checkout or no commit yet. */
export async function readCommit(cwd: string): Promise<string | null> {
  try {
    const { exitCode, output } = await runCommand(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd);
    const commit = output.trim();
    return exitCode === 0 && /^[0-9a-f]{40,64}$/.test(commit) ? commit : null;
  } catch {
    return null; // git is not installed
  }
}

function groupByStage(steps: readonly BuildStep[]): BuildStep[][] {
  const stages = [...new Set(steps.map((step) => step.stage))].sort((a, b) => a - b);
  return stages.map((stage) => steps.filter((step) => step.stage === stage));
}

async function compile(step: CompileStep, deps: BuildDeps): Promise<void> {
  await mkdir(dirname(resolve(deps.cwd, step.outfile)), { recursive: true });
  const { exitCode, output } = await deps.runCommand(step.argv, deps.cwd);
  if (exitCode !== 0) throw new CompileError(step.label, exitCode, output);
}

async function zipBootstrap(step: ZipStep, deps: BuildDeps): Promise<ArtefactRecord> {
  const output = resolve(deps.cwd, step.output);
  const bootstrap = await Bun.file(resolve(deps.cwd, step.input)).bytes();
  const zip = await zipSingleFileAsync(bootstrap, step);
  try {
    assertZipFits(step.output, zip.length, step.limitBytes);
  } catch (error) {
    await rm(output, { force: true }); // a stale zip must not pass for this build's
    throw error;
  }
  await writeAtomically(output, zip);
  return {
    arch: step.arch,
    bunTarget: step.bunTarget,
    bootstrap: step.input,
    bytes: bootstrap.length,
    sha256: sha256Hex(bootstrap),
    zip: step.output,
    zipBytes: zip.length,
    zipSha256: sha256Hex(zip),
  };
}

async function writeManifest(
  step: ManifestStep,
  artefacts: readonly ArtefactRecord[],
  deps: BuildDeps,
): Promise<BuildManifest> {
  const manifest = createManifest({
    bunVersion: deps.bunVersion,
    commit: await deps.readCommit(deps.cwd),
    zipLimitBytes: step.zipLimitBytes,
    artefacts: step.archs.flatMap((arch) => artefacts.filter((artefact) => artefact.arch === arch)),
  });
  await writeAtomically(resolve(deps.cwd, step.output), serializeManifest(manifest));
  return manifest;
}

/** Readers (end-to-end tests running meanwhile) see the old file or the new one, never half of one. */
async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await Bun.write(temporary, data);
  await rename(temporary, path);
}
