/**
 * The size table for the CI job summary: per architecture, the executable and zip sizes from
 * `dist/manifest.json` and the margin left under Lambda's 52,428,800-byte direct-upload limit (README, Decisions D27).
 */
import { join } from "node:path";
import { formatBytes } from "../base/format.ts";
import type { BuildManifest } from "../base/manifest.ts";
import { appendStepSummary, markdownTable, processIo, runShipCli, ShipError, type CliIo } from "./cli.ts";
import { parseManifest } from "./sha256sums.ts";

/** One architecture's line of the table, with the margin worked out. */
export interface SizeSummaryRow {
  readonly arch: string;
  readonly bunTarget: string;
  readonly bytes: number;
  readonly zipBytes: number;
  readonly marginBytes: number;
  readonly zipSha256: string;
}

/** The rows, x86_64 first; the margin is negative when a zip is over the limit. */
export function summariseSizes(manifest: BuildManifest): SizeSummaryRow[] {
  const rows: SizeSummaryRow[] = [];
  for (const arch of ["x86_64", "arm64"] as const) {
    const artefact = manifest.artefacts[arch];
    if (artefact !== undefined) {
      rows.push({
        arch,
        bunTarget: artefact.bunTarget,
        bytes: artefact.bytes,
        zipBytes: artefact.zipBytes,
        marginBytes: manifest.zipLimitBytes - artefact.zipBytes,
        zipSha256: artefact.zipSha256,
      });
    }
  }
  return rows;
}

/** The Markdown: a heading, the table, and the Bun version and commit the zips were built from. */
export function renderSizeSummary(manifest: BuildManifest): string {
  const rows = summariseSizes(manifest);
  const limit = manifest.zipLimitBytes;
  const table = markdownTable(
    ["Architecture", "Bun target", "bootstrap", "zip", `margin under ${formatBytes(limit)} B`, "zip SHA-256"],
    rows.map((row) => [
      row.arch,
      `\`${row.bunTarget}\``,
      `${formatBytes(row.bytes)} B`,
      `${formatBytes(row.zipBytes)} B (${mebibytes(row.zipBytes)})`,
      `${row.marginBytes < 0 ? "**over by** " : ""}${formatBytes(Math.abs(row.marginBytes))} B (${((row.marginBytes / limit) * 100).toFixed(2)} %)`,
      `\`${row.zipSha256.slice(0, 16)}…\``,
    ]),
    ["l", "l", "r", "r", "r", "l"],
  );
  const missing = (["x86_64", "arm64"] as const).filter((arch) => manifest.artefacts[arch] === undefined);
  const notes = [
    `Bun ${manifest.bunVersion} · commit ${manifest.commit === null ? "(none)" : `\`${manifest.commit.slice(0, 12)}\``}`,
    ...(missing.length > 0 ? [`Not built: ${missing.join(", ")}.`] : []),
  ];
  return `### Lambda packages\n\n${table}\n${notes.join("  \n")}\n`;
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** Printed by `--help` and after a usage error. */
const SIZE_SUMMARY_USAGE = `Usage: bun run src/dev/ship/size-summary.ts [options]

Prints the size table of DIR/manifest.json as Markdown and appends it to $GITHUB_STEP_SUMMARY when
that is set. Exits 1 when a zip is over the manifest's zip limit.

Options:
  --dir DIR    where manifest.json is (default: dist)
  -h, --help   this text`;

/** The CLI. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  return runShipCli(
    { argv, io, usage: SIZE_SUMMARY_USAGE, options: { dir: { type: "string", default: "dist" } } },
    async ({ values }) => {
      const path = join(values.dir, "manifest.json");
      const file = Bun.file(path);
      if (!(await file.exists())) {
        throw new ShipError(`${path} does not exist; run \`bun run build\` first`);
      }
      const manifest = parseManifest(await file.json(), path);
      const markdown = renderSizeSummary(manifest);
      io.out(markdown);
      await appendStepSummary(markdown, io.env);
      const over = summariseSizes(manifest).filter((row) => row.marginBytes < 0);
      if (over.length > 0) {
        throw new ShipError(
          `over Lambda's ${formatBytes(manifest.zipLimitBytes)}-byte zip limit: ${over.map((row) => row.arch).join(", ")}`,
        );
      }
      return 0;
    },
  );
}

if (import.meta.main) {
  process.exitCode = await main(Bun.argv.slice(2), processIo());
}
