import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseManifest } from "../../../src/dev/ship/sha256sums.ts";
import { main, renderSizeSummary, summariseSizes } from "../../../src/dev/ship/size-summary.ts";
import { captureIo } from "../helpers/capture-io.ts";

const FIXTURE_DIR = join(import.meta.dir, "../../fixtures/ship");
const MANIFEST = parseManifest(await Bun.file(join(FIXTURE_DIR, "manifest.json")).json(), "fixture");
const TEMP = await mkdtemp(join(tmpdir(), "ship-sizes-"));

afterAll(() => rm(TEMP, { recursive: true, force: true }));

describe("summariseSizes", () => {
  test("lists x86_64 then arm64 with the margin under the zip limit", () => {
    expect(summariseSizes(MANIFEST).map((row) => [row.arch, row.bunTarget, row.marginBytes])).toEqual([
      ["x86_64", "bun-linux-x64", 52_428_800 - 51_779_893],
      ["arm64", "bun-linux-arm64", 52_428_800 - 51_720_824],
    ]);
  });
});

describe("renderSizeSummary", () => {
  test("is a Markdown table with sizes, margins and the build's Bun version and commit", () => {
    const markdown = renderSizeSummary(MANIFEST);
    expect(markdown).toStartWith(
      "### Lambda packages\n\n| Architecture | Bun target | bootstrap | zip | margin under 52,428,800 B | zip SHA-256 |\n",
    );
    expect(markdown).toContain(
      "| x86_64 | `bun-linux-x64` | 109,381,808 B | 51,779,893 B (49.38 MiB) | 648,907 B (1.24 %) | `2222222222222222…` |",
    );
    expect(markdown).toContain(
      "| arm64 | `bun-linux-arm64` | 109,431,800 B | 51,720,824 B (49.32 MiB) | 707,976 B (1.35 %) |",
    );
    expect(markdown).toContain("Bun 1.4.5 · commit `4f1c2a9e7b3d`");
  });

  test("marks a zip over the limit and an architecture that was not built", () => {
    const over = structuredClone(MANIFEST);
    if (over.artefacts.x86_64 !== undefined) {
      over.artefacts.x86_64.zipBytes = 52_428_801;
    }
    delete over.artefacts.arm64;
    const markdown = renderSizeSummary({ ...over, commit: null });
    expect(markdown).toContain("**over by** 1 B (-0.00 %)");
    expect(markdown).toContain("Not built: arm64.");
    expect(markdown).toContain("commit (none)");
  });
});

describe("size-summary CLI", () => {
  test("prints the table and appends it to the job summary", async () => {
    const summary = join(TEMP, "summary.md");
    await Bun.write(summary, "earlier section\n");
    const captured = captureIo({ GITHUB_STEP_SUMMARY: summary });
    expect(await main(["--dir", FIXTURE_DIR], captured.io)).toBe(0);
    expect(captured.out.join("")).toContain("### Lambda packages");
    const written = await Bun.file(summary).text();
    expect(written).toStartWith("earlier section\n### Lambda packages");
  });

  test("only prints outside GitHub Actions", async () => {
    const captured = captureIo({});
    expect(await main(["--dir", FIXTURE_DIR], captured.io)).toBe(0);
    expect(captured.out.join("")).toContain("| arm64 |");
  });

  test("exits 1 when a zip is over the limit", async () => {
    const dir = join(TEMP, "over");
    const over = structuredClone(MANIFEST);
    if (over.artefacts.arm64 !== undefined) {
      over.artefacts.arm64.zipBytes = 60_000_000;
    }
    await Bun.write(join(dir, "manifest.json"), JSON.stringify(over));
    const captured = captureIo();
    expect(await main(["--dir", dir], captured.io)).toBe(1);
    expect(captured.err.join("")).toContain("zip limit: arm64");
  });

  test("exits 1 without a build", async () => {
    const captured = captureIo();
    expect(await main(["--dir", join(TEMP, "empty")], captured.io)).toBe(1);
    expect(captured.err.join("")).toContain("run `bun run build` first");
  });
});
