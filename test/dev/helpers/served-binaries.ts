import { join } from "node:path";
import { mkdirSync } from "node:fs";
import type { Arch } from "../../../src/dev/base/arch.ts";
import type { BootstrapProcess } from "../../../src/dev/base/bootstrap-process.ts";
import { BUN_TARGETS } from "../../../src/dev/base/build-plan.ts";
import type { RuntimeApiEmulator } from "../../../src/dev/base/emulator.ts";
import { skipReason } from "./builds.ts";

/** A compiled bootstrap served by its own Runtime API emulator. */
export interface ServedBinary {
  readonly process: BootstrapProcess;
  readonly emulator: RuntimeApiEmulator;
}

/**
 * Starts one run per architecture whose build can run here (skipReason says loudly why not) and
 * adds each to `runs` as it starts, so the file's afterAll stops those that started even when a
 * later one fails.
 */
export async function startRunnable<R>(
  runs: Map<Arch, R>,
  archs: readonly Arch[],
  suite: string,
  start: (arch: Arch) => Promise<R>,
): Promise<void> {
  for (const arch of archs) {
    if (skipReason(arch, suite) === undefined) runs.set(arch, await start(arch));
  }
}

/**
 * Stops every binary and waits for it to exit before stopping its emulator, so no request of a
 * dying process meets a closed port and no child outlives the test file.
 */
export async function stopServed(served: Iterable<ServedBinary>, signal?: NodeJS.Signals): Promise<void> {
  for (const { process: child, emulator } of served) {
    child.kill(signal);
    await child.exited;
    await emulator.stop();
  }
}

/**
 * Compiles a test-only entry (never shipped) into `<workDir>/<arch>/bootstrap`: named bootstrap in
 * its own folder, as on Lambda, so stack frames match across architectures. Ignores any `.env` or
 * `bunfig.toml` where it later runs, as the shipped build does.
 */
export function compileTestEntry(
  entry: string,
  arch: Arch,
  workDir: string,
  options: { minify?: boolean } = {},
): string {
  const outfile = join(workDir, arch, "bootstrap");
  mkdirSync(join(workDir, arch));
  const build = Bun.spawnSync(
    [
      process.execPath,
      "build",
      entry,
      "--compile",
      ...(options.minify === true ? ["--minify"] : []),
      `--target=${BUN_TARGETS[arch]}`,
      "--outfile",
      outfile,
      "--no-compile-autoload-dotenv",
      "--no-compile-autoload-bunfig",
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  if (build.exitCode !== 0) throw new Error(`compiling ${entry} for ${arch} failed: ${build.stderr.toString()}`);
  return outfile;
}
