import { afterAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex, type BuildManifest } from "../../../src/dev/build/index.ts";
import {
  compareWithManifest,
  formatSha256Sums,
  main,
  parseManifest,
  parseSha256Sums,
  RELEASE_FILES,
} from "../../../src/dev/ship/sha256sums.ts";
import { captureIo } from "../helpers/capture-io.ts";

const MANIFEST = parseManifest(
  await Bun.file(join(import.meta.dir, "../../fixtures/ship/manifest.json")).json(),
  "fixture",
);
const TEMP = await mkdtemp(join(tmpdir(), "ship-sums-"));

afterAll(() => rm(TEMP, { recursive: true, force: true }));

const A = "a".repeat(64);
const B = "b".repeat(64);

/** A dist folder with two small "zips" and a manifest that records their digests. */
async function makeDist(name: string, tamper?: (manifest: BuildManifest) => void): Promise<string> {
  const dir = join(TEMP, name);
  await mkdir(dir, { recursive: true });
  const x86 = new TextEncoder().encode("pretend x86_64 zip");
  const arm = new TextEncoder().encode("pretend arm64 zip");
  await Bun.write(join(dir, "lambda-x86_64.zip"), x86);
  await Bun.write(join(dir, "lambda-arm64.zip"), arm);
  const manifest = structuredClone(MANIFEST);
  const { x86_64: x86Artefact, arm64: armArtefact } = manifest.artefacts;
  if (x86Artefact === undefined || armArtefact === undefined) {
    throw new Error("the fixture manifest lists both architectures");
  }
  x86Artefact.zipSha256 = sha256Hex(x86);
  armArtefact.zipSha256 = sha256Hex(arm);
  tamper?.(manifest);
  await Bun.write(join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

describe("formatSha256Sums", () => {
  test("writes sha256sum's text format sorted by name", () => {
    expect(
      formatSha256Sums([
        { name: "manifest.json", sha256: B },
        { name: "lambda-arm64.zip", sha256: A },
      ]),
    ).toBe(`${A}  lambda-arm64.zip\n${B}  manifest.json\n`);
  });

  test("reads back what it writes", () => {
    const entries = [
      { name: "lambda-arm64.zip", sha256: A },
      { name: "manifest.json", sha256: B },
    ];
    expect(parseSha256Sums(formatSha256Sums(entries))).toEqual(entries);
  });

  test.each([
    [{ name: "x", sha256: "ABC" }, "not a SHA-256"],
    [{ name: "x\ny", sha256: A }, "cannot be listed"],
  ])("refuses %p", (entry, message) => {
    expect(() => formatSha256Sums([entry])).toThrow(message);
  });

  test("refuses a line that is not a digest and a name", () => {
    expect(() => parseSha256Sums("nonsense\n")).toThrow("line 1");
  });
});

describe("compareWithManifest", () => {
  test("agrees when each zip has the digest the manifest records", () => {
    const entries = [
      { name: "lambda-x86_64.zip", sha256: MANIFEST.artefacts.x86_64?.zipSha256 ?? "" },
      { name: "lambda-arm64.zip", sha256: MANIFEST.artefacts.arm64?.zipSha256 ?? "" },
      { name: "manifest.json", sha256: A },
    ];
    expect(compareWithManifest(entries, MANIFEST)).toEqual([]);
  });

  test("names a zip whose digest differs, and one the manifest does not know", () => {
    expect(
      compareWithManifest(
        [
          { name: "lambda-arm64.zip", sha256: A },
          { name: "lambda-riscv.zip", sha256: A },
        ],
        MANIFEST,
      ),
    ).toEqual([
      `lambda-arm64.zip has SHA-256 ${A} but the manifest records ${"4".repeat(64)} for arm64`,
      "lambda-riscv.zip is not in the manifest",
    ]);
  });
});

describe("sha256sums CLI", () => {
  test("writes SHA256SUMS for the release files that sha256sum can check", async () => {
    const dir = await makeDist("good");
    const captured = captureIo();
    expect(await main(["--dir", dir], captured.io)).toBe(0);
    const listed = parseSha256Sums(await Bun.file(join(dir, "SHA256SUMS")).text());
    expect(listed.map((entry) => entry.name).sort()).toEqual([...RELEASE_FILES].sort());
    for (const entry of listed) {
      expect(entry.sha256).toBe(sha256Hex(await Bun.file(join(dir, entry.name)).bytes()));
    }
    const check = Bun.spawnSync(["sha256sum", "--check", "--strict", "SHA256SUMS"], { cwd: dir });
    expect(check.exitCode).toBe(0);
  });

  test("with --check-only compares and writes nothing", async () => {
    const dir = await makeDist("check-only");
    const captured = captureIo();
    expect(await main(["--dir", dir, "--check-only"], captured.io)).toBe(0);
    expect(await Bun.file(join(dir, "SHA256SUMS")).exists()).toBe(false);
    expect(captured.out.join("")).toContain("3 files match");
  });

  test("fails when a zip changed after the manifest was written", async () => {
    const dir = await makeDist("tampered", (manifest) => {
      if (manifest.artefacts.arm64 !== undefined) {
        manifest.artefacts.arm64.zipSha256 = B;
      }
    });
    const captured = captureIo();
    expect(await main(["--dir", dir], captured.io)).toBe(1);
    expect(captured.err.join("")).toContain("lambda-arm64.zip has SHA-256");
    expect(await Bun.file(join(dir, "SHA256SUMS")).exists()).toBe(false);
  });

  test("fails on a missing file and on a manifest build.ts would not write", async () => {
    const missing = captureIo();
    expect(await main(["--dir", join(TEMP, "nowhere")], missing.io)).toBe(1);
    expect(missing.err.join("")).toContain("does not exist");
    const dir = await makeDist("bad-manifest");
    await Bun.write(join(dir, "manifest.json"), JSON.stringify({ artefacts: {} }));
    const bad = captureIo();
    expect(await main(["--dir", dir], bad.io)).toBe(1);
    expect(bad.err.join("")).toContain("is not a build manifest");
  });
});
