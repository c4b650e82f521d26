/**
 * What the ship scripts share: their error classes, the job-summary writer and `runCli`, the one place
 * that turns a thrown error into a message and an exit code (usage 2, failure 1).
 */
import { appendFile } from "node:fs/promises";
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A command line we cannot act on; the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A check that ran and failed (bad response, wrong digest, failed deploy step); the CLI exits 1. */
export class ShipError extends Error {
  override readonly name = "ShipError";
}

/** Where a CLI writes and what it reads from its environment; tests pass arrays and a plain object. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's stdout, stderr and environment. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    env: process.env,
  };
}

/**
 * Runs a CLI body and returns its exit code: whatever the body returns, 2 for a usage error (with the
 * usage), 1 for a `ShipError` (message only) or anything unexpected (with its stack).
 */
export async function runCli(body: () => Promise<number>, usage: string, io: CliIo): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`✗ ${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof ShipError) {
      io.err(`✗ ${error.message}`);
      return 1;
    }
    io.err(`✗ ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

/**
 * Appends Markdown to the GitHub Actions job summary when `GITHUB_STEP_SUMMARY` names a file (inside a
 * workflow); returns whether it did, so a local run just prints.
 */
export async function appendStepSummary(markdown: string, env: CliIo["env"]): Promise<boolean> {
  const path = env["GITHUB_STEP_SUMMARY"];
  if (path === undefined || path === "") {
    return false;
  }
  await appendFile(path, markdown.endsWith("\n") ? `${markdown}\n` : `${markdown}\n\n`);
  return true;
}

/** A Markdown table; pipes and line breaks in cells are escaped so a cell never breaks the grid. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ("l" | "r")[],
): string {
  const cell = (text: string): string => text.replaceAll("|", "\\|").replaceAll(/\r?\n/g, " ");
  const rule = header.map((_, index) => (align?.[index] === "r" ? "---:" : "---"));
  const lines = [header, rule, ...rows].map((cells) => `| ${cells.map(cell).join(" | ")} |`);
  return `${lines.join("\n")}\n`;
}

/** `parseArgs` from node:util whose complaints (unknown option, missing value) become usage errors. */
export function parseCliArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
