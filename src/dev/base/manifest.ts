/**
 * `dist/manifest.json`: what each zip holds, so deploy scripts and the end-to-end tests can check
 * they have the artefacts of this build. No build time in it: equal builds give equal manifests.
 */
import * as v from "valibot";

/** One architecture's artefacts; paths are relative to the project root. */
export const ArtefactSchema = v.strictObject({
  bunTarget: v.picklist(["bun-linux-x64", "bun-linux-arm64"]),
  bootstrap: v.string(),
  bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  sha256: v.pipe(v.string(), v.hexadecimal(), v.length(64)),
  zip: v.string(),
  zipBytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  zipSha256: v.pipe(v.string(), v.hexadecimal(), v.length(64)),
});
/** One architecture's entry in the manifest. */
export type Artefact = v.InferOutput<typeof ArtefactSchema>;

/** The whole manifest; `commit` is null outside a git checkout or before the first commit. */
export const BuildManifestSchema = v.strictObject({
  bunVersion: v.string(),
  commit: v.nullable(v.pipe(v.string(), v.hexadecimal())),
  zipLimitBytes: v.pipe(v.number(), v.integer(), v.minValue(1)),
  artefacts: v.strictObject({
    x86_64: v.optional(ArtefactSchema),
    arm64: v.optional(ArtefactSchema),
  }),
});
/** The contents of `dist/manifest.json`. */
export type BuildManifest = v.InferOutput<typeof BuildManifestSchema>;

/** An artefact tagged with its architecture, as the zip step reports it. */
export interface ArtefactRecord extends Artefact {
  readonly arch: "x86_64" | "arm64";
}

/** Assembles the manifest; artefacts keep the order given (the plan's arch order). */
export function createManifest(input: {
  readonly bunVersion: string;
  readonly commit: string | null;
  readonly zipLimitBytes: number;
  readonly artefacts: readonly ArtefactRecord[];
}): BuildManifest {
  const artefacts: BuildManifest["artefacts"] = {};
  for (const { arch, ...artefact } of input.artefacts) artefacts[arch] = artefact;
  return { bunVersion: input.bunVersion, commit: input.commit, zipLimitBytes: input.zipLimitBytes, artefacts };
}

/** The manifest file's text: two-space JSON with a final newline. */
export function serializeManifest(manifest: BuildManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Lower-case hex SHA-256, the form `sha256sum` prints. */
export function sha256Hex(data: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}
