/**
 * Public surface of the build tooling: `build.ts` and tests import from here. Pure planning,
 * parsing and formatting, plus `runBuild`, the one function that writes `dist/`.
 */
export { BUILD_USAGE, parseBuildArgs, type BuildCommand } from "./args.ts";
export { CompileError, UsageError, ZipTooLargeError } from "./errors.ts";
export { formatBytes, formatDuration, formatSizeTable, formatStepLine, type SizeRow } from "../base/format.ts";
export {
  ArtefactSchema,
  BuildManifestSchema,
  createManifest,
  serializeManifest,
  sha256Hex,
  type Artefact,
  type ArtefactRecord,
  type BuildManifest,
} from "../base/manifest.ts";
export {
  ARCHS,
  BUN_TARGETS,
  COMPILE_FLAGS,
  LAMBDA_ZIP_LIMIT_BYTES,
  ZIP_ENTRY_MODE,
  ZIP_ENTRY_NAME,
  ZIP_LEVEL,
  ZIP_MTIME,
  formatPlan,
  planBuild,
  type Arch,
  type BuildPlan,
  type BuildStep,
  type BunTarget,
  type CompileStep,
  type ManifestStep,
  type PlanBuildOptions,
  type ZipStep,
} from "../base/build-plan.ts";
export { readCommit, runBuild, type BuildDeps, type BuildResult } from "./run.ts";
export { runCommand, type CommandResult } from "../base/process.ts";
export {
  assertZipFits,
  toLocalDate,
  zipSingleFile,
  zipSingleFileAsync,
  type DeflateLevel,
  type ZipEntryOptions,
  type ZipWorkerReply,
  type ZipWorkerRequest,
} from "../base/zip.ts";
