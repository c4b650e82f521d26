/**
 * `dist/SHA256SUMS` for the release: the two zips and the manifest, in the format `sha256sum -c`
 * reads. Before writing, each zip's digest is checked against the one build.ts put in the manifest, so
 * an artefact that changed between the build and the release (or a stale manifest) fails here.
 */
import { basename, join } from "node:path";
import * as v from "valibot";
import { BuildManifestSchema, sha256Hex, type BuildManifest } from "../base/manifest.ts";
import { processIo, runShipCli, ShipError, type CliIo } from "./cli.ts";

/** The release assets, relative to the dist directory. */
export const RELEASE_FILES: readonly string[] = ["lambda-x86_64.zip", "lambda-arm64.zip", "manifest.json"];

/** One file's name (as listed) and lower-case hex SHA-256. */
export interface DigestEntry {
  readonly name: string;
  readonly sha256: string;
}

/** `sha256sum` text: `<hex>  <name>` per line (two spaces: text mode), sorted by name, final newline. */
export function formatSha256Sums(entries: readonly DigestEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of sorted) {
    if (!/^[0-9a-f]{64}$/.test(entry.sha256)) {
      throw new ShipError(`${entry.name}: "${entry.sha256}" is not a SHA-256 digest`);
    }
    if (/[\n\\]/.test(entry.name)) {
      throw new ShipError(`${JSON.stringify(entry.name)} cannot be listed in SHA256SUMS`);
    }
  }
  return sorted.map((entry) => `${entry.sha256}  ${entry.name}\n`).join("");
}

/** Reads `sha256sum` text back (either mode marker); throws on a line it cannot read. */
export function parseSha256Sums(text: string): DigestEntry[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, index) => {
      const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
      if (match?.[1] === undefined || match[2] === undefined) {
        throw new ShipError(`SHA256SUMS line ${index + 1} is not "<sha256>  <name>": ${line}`);
      }
      return { sha256: match[1], name: match[2] };
    });
}

/**
 * Every zip in `entries` must be an artefact of `manifest` with the same SHA-256; returns the problems
 * (an empty list when they agree). Files that are not zips (the manifest itself) are not compared.
 */
export function compareWithManifest(entries: readonly DigestEntry[], manifest: BuildManifest): string[] {
  const byZip = new Map<string, { arch: string; zipSha256: string }>();
  for (const [arch, artefact] of Object.entries(manifest.artefacts)) {
    if (artefact !== undefined) {
      byZip.set(basename(artefact.zip), { arch, zipSha256: artefact.zipSha256 });
    }
  }
  const problems: string[] = [];
  for (const entry of entries.filter((candidate) => candidate.name.endsWith(".zip"))) {
    const known = byZip.get(basename(entry.name));
    if (known === undefined) {
      problems.push(`${entry.name} is not in the manifest`);
    } else if (known.zipSha256 !== entry.sha256) {
      problems.push(
        `${entry.name} has SHA-256 ${entry.sha256} but the manifest records ${known.zipSha256} for ${known.arch}`,
      );
    }
  }
  return problems;
}

/** Parses `dist/manifest.json` with build.ts's own schema; throws `ShipError` saying what is wrong. */
export function parseManifest(value: unknown, where: string): BuildManifest {
  const parsed = v.safeParse(BuildManifestSchema, value);
  if (!parsed.success) {
    const [issue] = parsed.issues;
    throw new ShipError(`${where} is not a build manifest (${v.getDotPath(issue) ?? "root"}: ${issue.message})`);
  }
  return parsed.output;
}

/** Printed by `--help` and after a usage error. */
const SHA256SUMS_USAGE = `Usage: bun run src/dev/ship/sha256sums.ts [options] [FILE…]

Writes DIR/SHA256SUMS for the release files (default: ${RELEASE_FILES.join(", ")}), after
checking each zip's SHA-256 against DIR/manifest.json. Verify later with
\`cd DIR && sha256sum --check SHA256SUMS\`.

Options:
  --dir DIR      where the files are (default: dist)
  --check-only   compare with the manifest and write nothing
  -h, --help     this text`;

/** The CLI. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  return runShipCli(
    {
      argv,
      io,
      usage: SHA256SUMS_USAGE,
      options: {
        dir: { type: "string", default: "dist" },
        "check-only": { type: "boolean" },
      },
      allowPositionals: true,
    },
    async ({ values, positionals }) => {
      const dir = values.dir;
      const names = positionals.length > 0 ? positionals : RELEASE_FILES;
      const entries: DigestEntry[] = [];
      for (const name of names) {
        const file = Bun.file(join(dir, name));
        if (!(await file.exists())) {
          throw new ShipError(`${join(dir, name)} does not exist; run \`bun run build\` first`);
        }
        entries.push({ name, sha256: sha256Hex(await file.bytes()) });
      }
      const manifestPath = join(dir, "manifest.json");
      const manifest = parseManifest(await readJson(manifestPath), manifestPath);
      const problems = compareWithManifest(entries, manifest);
      if (problems.length > 0) {
        throw new ShipError(
          `the files do not match ${manifestPath}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
        );
      }
      const text = formatSha256Sums(entries);
      if (values["check-only"] === true) {
        io.out(`✓ ${entries.length} files match ${manifestPath}`);
      } else {
        await Bun.write(join(dir, "SHA256SUMS"), text);
        io.out(`${text}✓ wrote ${join(dir, "SHA256SUMS")}`);
      }
      return 0;
    },
  );
}

async function readJson(path: string): Promise<unknown> {
  const file = Bun.file(path);
  if (!(await file.exists())) {
    throw new ShipError(`${path} does not exist; run \`bun run build\` first`);
  }
  try {
    return JSON.parse(await file.text()) as unknown;
  } catch {
    throw new ShipError(`${path} is not JSON`);
  }
}

if (import.meta.main) {
  process.exitCode = await main(Bun.argv.slice(2), processIo());
}
