/**
 * `bun run build`: compiles the Lambda `bootstrap` for x86_64 and arm64, zips each and writes
 * `dist/manifest.json`; `bun run build.ts model` writes the skill package. A thin shell: the plan
 * comes from `planBuild`, and this file alone chooses exit codes (usage 2, failure 1).
 */
import {
  BUILD_USAGE,
  UsageError,
  formatDuration,
  formatPlan,
  formatSizeTable,
  parseBuildArgs,
  planBuild,
  readCommit,
  runBuild,
  runCommand,
  type Arch,
  type BuildCommand,
} from "./src/dev/build/index.ts";

const ROOT = import.meta.dir;

async function main(argv: readonly string[]): Promise<number> {
  let command: BuildCommand;
  try {
    command = parseBuildArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${BUILD_USAGE}`);
    return 2;
  }
  switch (command.kind) {
    case "help":
      process.stdout.write(BUILD_USAGE);
      return 0;
    case "model":
      return await buildModel();
    case "build":
      return await build(command.archs, command.dryRun);
  }
}

async function build(archs: readonly Arch[], dryRun: boolean): Promise<number> {
  const plan = planBuild({ archs, entry: "src/main.ts", outDir: "dist", bun: process.execPath });
  if (dryRun) {
    process.stdout.write(formatPlan(plan));
    return 0;
  }
  const started = performance.now();
  const result = await runBuild(plan, {
    cwd: ROOT,
    print: (line) => process.stdout.write(`${line}\n`),
    now: () => performance.now(),
    bunVersion: Bun.version,
    runCommand,
    readCommit,
  });
  process.stdout.write(`built ${plan.archs.join(", ")} in ${formatDuration(performance.now() - started)}\n\n`);
  process.stdout.write(formatSizeTable(result.artefacts, result.manifest.zipLimitBytes));
  return 0;
}

async function buildModel(): Promise<number> {
  // Imported on demand: a plain build must not depend on the skill-package generator.
  const { writeSkillPackage } = await import("./src/dev/model/index.ts");
  const started = performance.now();
  // writeSkillPackage(outDir) writes outDir/skill-package/…, so the project root it is.
  const files = await writeSkillPackage(".");
  process.stdout.write(`model → ${files.join(", ")} … ${formatDuration(performance.now() - started)}\n`);
  return 0;
}

function describeError(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describeError).join("\n");
  if (error instanceof Error) return `✗ ${error.name}: ${error.message}`;
  return `✗ ${String(error)}`;
}

process.chdir(ROOT);
try {
  process.exitCode = await main(Bun.argv.slice(2));
} catch (error) {
  process.stderr.write(`${describeError(error)}\n`);
  process.exitCode = 1;
}
