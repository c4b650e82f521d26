import { test } from "bun:test";
import { existsSync } from "node:fs";
import { hostArch, qemuAvailable } from "../../../src/dev/base/bootstrap-process.ts";
import { binaryPath } from "../../../src/dev/base/builds.ts";
import type { Arch } from "../../../src/dev/base/arch.ts";
import { emulationFor } from "../../../src/dev/base/session.ts";
import { cannotRun } from "../../../src/dev/soak/binary.ts";

/** The repository's dist/ folder, wherever the tests run from. */
export const DIST = new URL("../../../dist", import.meta.url).pathname;

/**
 * Why the end-to-end tests of one build cannot run here (no build, no qemu), said loudly; undefined
 * when they can. CI builds first, so there they always run.
 */
export function skipReason(arch: Arch, suite: string): string | undefined {
  const binary = binaryPath(DIST, arch);
  let reason: string | undefined;
  if (!existsSync(binary)) {
    reason = `${binary} is missing (run \`bun run build\` first)`;
  } else if (emulationFor(arch, hostArch()) !== undefined && !qemuAvailable()) {
    reason = `${arch} needs ${emulationFor(arch, hostArch()) ?? "an emulator"} on this ${hostArch()} host and it is not installed`;
  }
  if (reason !== undefined) {
    console.warn(`\n⚠⚠⚠ SKIPPING ${suite} for ${arch}: ${reason} ⚠⚠⚠\n`);
  }
  return reason;
}

/**
 * `test` when the compiled build for `arch` can run here (as src/dev/soak starts it), else
 * `test.skip`, printing why.
 */
export function testIfRunnable(arch: Arch, suite: string) {
  const reason = cannotRun(arch);
  if (reason !== undefined) console.log(`${suite} on ${arch} skipped: ${reason}`);
  return reason === undefined ? test : test.skip;
}
