import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { buildInteractionModel } from "./interaction-model.ts";
import { buildSkillManifest, type ManifestOptions } from "./manifest.ts";

/** Manifest path inside the output directory, as the ASK CLI expects it. */
export const SKILL_MANIFEST_PATH = "skill-package/skill.json";
/** en-GB interaction model path inside the output directory, as the ASK CLI expects it. */
export const INTERACTION_MODEL_PATH = "skill-package/interactionModels/custom/en-GB.json";

/** Stable, diff-friendly JSON: two-space indent and a final newline. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Writes skill-package/skill.json and skill-package/interactionModels/custom/en-GB.json under outDir
 * (for `bun run build.ts model`); returns the paths written.
 */
export async function writeSkillPackage(outDir: string, options: ManifestOptions = {}): Promise<readonly string[]> {
  const files: ReadonlyArray<readonly [string, unknown]> = [
    [SKILL_MANIFEST_PATH, buildSkillManifest(options)],
    [INTERACTION_MODEL_PATH, buildInteractionModel()],
  ];
  const written: string[] = [];
  for (const [relative, document] of files) {
    const path = join(outDir, relative);
    await mkdir(dirname(path), { recursive: true });
    await Bun.write(path, formatJson(document));
    written.push(path);
  }
  return written;
}
