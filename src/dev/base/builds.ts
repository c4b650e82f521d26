/** Where `bun run build` puts each build, and whether a build can run on this host. */
import { existsSync } from "node:fs";
import { LocalRunError } from "./cli-support.ts";
import type { Arch } from "./arch.ts";
import { emulationFor } from "./session.ts";

/** The path of one build's executable: `dist/<arch>/bootstrap`. */
export function binaryPath(distDir: string, arch: Arch): string {
  return `${distDir.replace(/\/+$/, "")}/${arch}/bootstrap`;
}

/** The path of one build's Lambda zip: `dist/lambda-<arch>.zip`. */
export function zipPath(distDir: string, arch: Arch): string {
  return `${distDir.replace(/\/+$/, "")}/lambda-${arch}.zip`;
}

/** Checks that every requested build exists and can run here; throws {@link LocalRunError} otherwise. */
export function checkRunnable(
  archs: readonly Arch[],
  distDir: string,
  host: { readonly hostArch: Arch; readonly qemuAvailable: () => boolean },
): void {
  for (const arch of archs) {
    const binary = binaryPath(distDir, arch);
    if (!existsSync(binary)) {
      throw new LocalRunError(`${binary} does not exist: build it first with \`bun run build\``);
    }
    const emulation = emulationFor(arch, host.hostArch);
    if (emulation !== undefined && !host.qemuAvailable()) {
      throw new LocalRunError(
        `${binary} is ${arch} and this host is ${host.hostArch}: it needs ${emulation}, which is not installed`,
      );
    }
  }
}
