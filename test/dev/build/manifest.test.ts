import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import * as v from "valibot";
import {
  BuildManifestSchema,
  createManifest,
  serializeManifest,
  sha256Hex,
  type ArtefactRecord,
} from "../../../src/dev/build/index.ts";

const HASH_A = "a".repeat(64);
const HASH_B = "0123456789abcdef".repeat(4);

const X86: ArtefactRecord = {
  arch: "x86_64",
  bunTarget: "bun-linux-x64",
  bootstrap: "dist/x86_64/bootstrap",
  bytes: 1234,
  sha256: HASH_A,
  zip: "dist/lambda-x86_64.zip",
  zipBytes: 567,
  zipSha256: HASH_B,
};
const ARM: ArtefactRecord = {
  ...X86,
  arch: "arm64",
  bunTarget: "bun-linux-arm64",
  bootstrap: "dist/arm64/bootstrap",
  zip: "dist/lambda-arm64.zip",
};

describe("sha256Hex", () => {
  test.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  ])("hashes %p to the published test vector", (text, hash) => {
    expect(sha256Hex(new TextEncoder().encode(text))).toBe(hash);
  });

  test("agrees with node:crypto on binary data", () => {
    const data = Uint8Array.from({ length: 70_000 }, (_, index) => (index * 31) % 256);
    expect(sha256Hex(data)).toBe(createHash("sha256").update(data).digest("hex"));
  });
});

describe("createManifest", () => {
  test("keys artefacts by arch and keeps the build facts without a build time", () => {
    expect(
      createManifest({ bunVersion: "1.4.5", commit: null, zipLimitBytes: 52_428_800, artefacts: [X86, ARM] }),
    ).toEqual({
      bunVersion: "1.4.5",
      commit: null,
      zipLimitBytes: 52_428_800,
      artefacts: {
        x86_64: {
          bunTarget: "bun-linux-x64",
          bootstrap: "dist/x86_64/bootstrap",
          bytes: 1234,
          sha256: HASH_A,
          zip: "dist/lambda-x86_64.zip",
          zipBytes: 567,
          zipSha256: HASH_B,
        },
        arm64: {
          bunTarget: "bun-linux-arm64",
          bootstrap: "dist/arm64/bootstrap",
          bytes: 1234,
          sha256: HASH_A,
          zip: "dist/lambda-arm64.zip",
          zipBytes: 567,
          zipSha256: HASH_B,
        },
      },
    });
  });

  test.each([
    [[X86], ["x86_64"]],
    [[ARM], ["arm64"]],
    [
      [X86, ARM],
      ["x86_64", "arm64"],
    ],
  ])("lists only the archs that were built", (artefacts, archs) => {
    const manifest = createManifest({ bunVersion: "1.4.5", commit: HASH_B.slice(0, 40), zipLimitBytes: 1, artefacts });
    expect(Object.keys(manifest.artefacts)).toEqual(archs);
    expect(v.is(BuildManifestSchema, manifest)).toBe(true);
  });

  test("serialises to two-space JSON with a final newline and no volatile fields", () => {
    const text = serializeManifest(
      createManifest({ bunVersion: "1.4.5", commit: null, zipLimitBytes: 52_428_800, artefacts: [X86] }),
    );
    expect(text).toEndWith("}\n");
    expect(text).toContain('\n  "bunVersion": "1.4.5",\n');
    expect(text).not.toMatch(/builtAt|time|date/i);
    expect(v.parse(BuildManifestSchema, JSON.parse(text)).artefacts.x86_64?.zipSha256).toBe(HASH_B);
  });
});

describe("BuildManifestSchema", () => {
  const { arch: _arch, ...artefact } = ARM;
  const manifestWith = (change: Record<string, unknown>): unknown => ({
    bunVersion: "1.4.5",
    commit: null,
    zipLimitBytes: 1,
    artefacts: { arm64: { ...artefact, ...change } },
  });

  test("accepts a manifest as createManifest writes it", () => {
    expect(v.is(BuildManifestSchema, manifestWith({}))).toBe(true);
  });

  test.each([
    ["a short hash", { sha256: "abc" }],
    ["an unknown target", { bunTarget: "bun-linux-x64-musl" }],
    ["a fractional size", { bytes: 1.5 }],
    ["an extra field", { builtAt: "2026-11-27" }],
  ])("refuses an artefact with %s", (_, change) => {
    expect(v.is(BuildManifestSchema, manifestWith(change))).toBe(false);
  });
});
