/**
 * The pure half of `bun run build`: what to compile, zip and record, as plain data. `run.ts` performs
 * a plan; `--dry-run` prints one (`formatPlan`). Nothing here touches the disk or the clock.
 */
import { posix } from "node:path";
import { ARCHS, type Arch } from "./arch.ts";
import { formatBytes } from "./format.ts";

export { ARCHS, type Arch } from "./arch.ts";

/** Bun's `--target` names for Lambda's two architectures (glibc: Amazon Linux is not musl). */
export type BunTarget = "bun-linux-x64" | "bun-linux-arm64";

/** Bun's cross-compile target per architecture; arm64 comes from Bun's npm package, cached. */
export const BUN_TARGETS: Readonly<Record<Arch, BunTarget>> = {
  x86_64: "bun-linux-x64",
  arm64: "bun-linux-arm64",
};

/** Lambda's `CodeSizeZipped`: a direct upload over this many bytes is refused. */
export const LAMBDA_ZIP_LIMIT_BYTES = 52_428_800;

/**
 * Profiles of the bytecode a launch request, then every kind of request, uses (most common first),
 * relative to the project root; `bun run src/dev/bench/record-order.ts` records them again. Bun lays that
 * bytecode out first, so the bootstrap reads less of itself to the first answer (~1.5 ms of ~10 ms
 * measured). Hashes, not source: a function changed since the recording silently falls out of the
 * laid-out block, so `test/dev/bench/record-order.e2e.test.ts` (or `record-order.ts --check`) fails
 * when a profile no longer matches the build, naming the one command that re-records them.
 */
export const BYTECODE_ORDER_FILES: readonly string[] = [
  "src/dev/build/bytecode-order/launch.order",
  "src/dev/build/bytecode-order/invocations.order",
];

/**
 * JavaScriptCore's tier-up thresholds are multiplied by this from process start until the runtime has
 * posted its first answer (then `Bun.unsafe.setJITPolicy(1)`, src/runtime/loop.ts). Code that runs
 * once per sandbox (module evaluation, init, the first request) stays in the interpreter instead of
 * starting the JIT's threads and compiling: at the default scale a catalogue helper and valibot's
 * schema helper reached the baseline JIT during module evaluation, which cost the first answer about
 * 2.5 ms and 84 page faults, 300 KiB of anonymous memory (README, Decisions D28). 4, 16 and 64 all
 * remove those compiles; 16 leaves room for more start-up code.
 */
export const START_JIT_POLICY = 16;

/**
 * Flags every compile gets. `--bytecode` needs `--format=esm` for top-level await; the autoload
 * switches stop the binary reading `.env`/`bunfig.toml` from Lambda's cwd (README, Decisions D25).
 * `--splitting` gives each `import()` its own embedded chunk, loaded when the import runs: ky (first
 * upstream call), the tracer and the secrets reader are then not loaded by a start that does not use
 * them (about 130 fewer page faults and 650 KiB less memory at the first answer, README, Decisions D28).
 * `--smol` is baked into the executable's argv: a smaller, more often collected heap took the peak
 * RSS after 1,000 status invocations from 56.9 to 51.9 MiB with no measurable change in start or
 * warm latency (the floors, built with the same flags, did not move).
 */
export const COMPILE_FLAGS: readonly string[] = [
  "--production",
  "--minify",
  "--bytecode",
  `--bytecode-order=${BYTECODE_ORDER_FILES.join(",")}`,
  "--splitting",
  "--format=esm",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  "--compile-exec-argv=--smol",
  `--compile-jit-policy=${START_JIT_POLICY}`,
];

/** The one file in each zip: Lambda's custom runtime looks for `bootstrap` at the root. */
export const ZIP_ENTRY_NAME = "bootstrap";

/** Regular file, rwxr-xr-x: the zip's external attributes (high 16 bits) carry this Unix mode. */
export const ZIP_ENTRY_MODE = 0o100755;

/**
 * The modification time stored for `bootstrap`, as MS-DOS local time (no zone): the DOS epoch, so
 * the same bootstrap always gives the same zip bytes whoever builds it and whenever.
 */
export const ZIP_MTIME = "1980-01-01T00:00:00";

/**
 * libdeflate (built into Bun) at its first near-optimal level. On the 111 MB bootstrap fflate's
 * level 9 went 0.55 MB over the limit; this leaves ~1.7 MB. Level 12 saves 22 KB more in 1.7x the time.
 */
export const ZIP_LEVEL = 10;

/** What `planBuild` needs: everything is explicit so the plan is a function of its input alone. */
export interface PlanBuildOptions {
  readonly archs: readonly Arch[];
  /** Entry module, relative to the project root (e.g. `src/main.ts`). */
  readonly entry: string;
  /** Output folder, relative to the project root (e.g. `dist`). */
  readonly outDir: string;
  /** The Bun executable that compiles (`process.execPath` in `build.ts`). */
  readonly bun: string;
  /** Defaults to `LAMBDA_ZIP_LIMIT_BYTES`; tests pass a small one. */
  readonly zipLimitBytes?: number;
}

/** Run `bun build --compile` for one architecture. */
export interface CompileStep {
  readonly kind: "compile";
  readonly label: string;
  readonly stage: number;
  readonly arch: Arch;
  readonly bunTarget: BunTarget;
  readonly entry: string;
  readonly outfile: string;
  /** The full command line, executable first. */
  readonly argv: readonly string[];
}

/** Zip one bootstrap (on a worker thread) and refuse a zip over the limit. */
export interface ZipStep {
  readonly kind: "zip";
  readonly label: string;
  readonly stage: number;
  readonly arch: Arch;
  readonly bunTarget: BunTarget;
  readonly input: string;
  readonly output: string;
  readonly entryName: string;
  readonly mode: number;
  readonly mtime: string;
  readonly level: typeof ZIP_LEVEL;
  readonly limitBytes: number;
}

/** Write `manifest.json` describing the zips of this build. */
export interface ManifestStep {
  readonly kind: "manifest";
  readonly label: string;
  readonly stage: number;
  readonly output: string;
  readonly archs: readonly Arch[];
  readonly zipLimitBytes: number;
}

/** One thing the build does; `kind` tells `runBuild` how. */
export type BuildStep = CompileStep | ZipStep | ManifestStep;

/** Steps in order; steps that share a `stage` number run at the same time. */
export interface BuildPlan {
  readonly archs: readonly Arch[];
  readonly steps: readonly BuildStep[];
}

/**
 * Decides every command, path and setting of a build. Compiles run one after another (each is
 * under a second); both zips deflate together, one worker thread each on the two cores.
 */
export function planBuild(options: PlanBuildOptions): BuildPlan {
  const archs = ARCHS.filter((arch) => options.archs.includes(arch));
  const limitBytes = options.zipLimitBytes ?? LAMBDA_ZIP_LIMIT_BYTES;
  const compiles = archs.map((arch, index): CompileStep => {
    const bunTarget = BUN_TARGETS[arch];
    const outfile = posix.join(options.outDir, arch, "bootstrap");
    return {
      kind: "compile",
      label: `compile ${arch}`,
      stage: index + 1,
      arch,
      bunTarget,
      entry: options.entry,
      outfile,
      argv: [
        options.bun,
        "build",
        options.entry,
        "--compile",
        `--target=${bunTarget}`,
        `--outfile=${outfile}`,
        ...COMPILE_FLAGS,
      ],
    };
  });
  const zipStage = compiles.length + 1;
  const zips = compiles.map((compile): ZipStep => ({
    kind: "zip",
    label: `zip ${compile.arch}`,
    stage: zipStage,
    arch: compile.arch,
    bunTarget: compile.bunTarget,
    input: compile.outfile,
    output: posix.join(options.outDir, `lambda-${compile.arch}.zip`),
    entryName: ZIP_ENTRY_NAME,
    mode: ZIP_ENTRY_MODE,
    mtime: ZIP_MTIME,
    level: ZIP_LEVEL,
    limitBytes,
  }));
  const manifest: ManifestStep = {
    kind: "manifest",
    label: "manifest",
    stage: zipStage + 1,
    output: posix.join(options.outDir, "manifest.json"),
    archs,
    zipLimitBytes: limitBytes,
  };
  return { archs, steps: [...compiles, ...zips, manifest] };
}

/** The plan as `--dry-run` prints it: one numbered line per step, then its details indented. */
export function formatPlan(plan: BuildPlan): string {
  const lines = [`build plan for ${plan.archs.join(", ")} (dry run: nothing is written)`];
  for (const step of plan.steps) {
    const together = plan.steps.filter((other) => other.stage === step.stage && other !== step);
    const suffix = together.length === 0 ? "" : ` (together with ${together.map((other) => other.label).join(", ")})`;
    lines.push(`${step.stage}. ${step.label}${suffix}`);
    lines.push(...describeStep(step).map((detail) => `   ${detail}`));
  }
  return `${lines.join("\n")}\n`;
}

function describeStep(step: BuildStep): string[] {
  switch (step.kind) {
    case "compile":
      return [step.argv.map(quoteArgument).join(" ")];
    case "zip":
      return [
        `${step.input} -> ${step.output}`,
        `entry ${step.entryName}, mode ${step.mode.toString(8).padStart(7, "0")}, ` +
          `mtime ${step.mtime.replace("T", " ")}, libdeflate level ${step.level}, ` +
          `at most ${formatBytes(step.limitBytes)} bytes`,
      ];
    case "manifest":
      return [`${step.output} (${step.archs.join(", ")})`];
  }
}

function quoteArgument(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", "'\\''")}'`;
}
