/**
 * What the ship scripts add to the dev tools' CLI support (src/dev/base/cli-support.ts, re-exported here):
 * `ShipError`, an io that also reads the environment, and the job-summary writer.
 */
import { appendFile } from "node:fs/promises";
import type { parseArgs, ParseArgsOptionsConfig } from "node:util";
import {
  LocalRunError,
  parseCliArgs,
  processIo as processOutput,
  runCli,
  type CliIo as OutputIo,
} from "../base/cli-support.ts";

export { parseCliArgs, runCli, UsageError } from "../base/cli-support.ts";

/** A check that ran and failed (bad response, wrong digest, failed deploy step); the CLI exits 1. */
export class ShipError extends LocalRunError {
  override readonly name = "ShipError";
}

/** Where a ship CLI writes and what it reads from its environment; tests pass arrays and a plain object. */
export interface CliIo extends OutputIo {
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's stdout, stderr and environment. */
export function processIo(): CliIo {
  return { ...processOutput, env: process.env };
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

const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

/** What a ship script's body receives: its options parsed strictly, and the positionals. */
export type ShipArgs<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: boolean }>
>;

/** How a ship script is called: its arguments, io, usage text and options (`-h/--help` is added). */
export interface ShipCli<O extends ParseArgsOptionsConfig> {
  readonly argv: readonly string[];
  readonly io: CliIo;
  readonly usage: string;
  readonly options: O;
  readonly allowPositionals?: boolean;
}

/**
 * The frame every ship script's `main` shares: parses the arguments, prints the usage for `--help`,
 * else runs the body; a thrown error becomes an exit code as in `runCli`.
 */
export function runShipCli<O extends ParseArgsOptionsConfig>(
  cli: ShipCli<O>,
  body: (args: ShipArgs<O>) => Promise<number>,
): Promise<number> {
  return runCli(
    async () => {
      const parsed = parseCliArgs({
        args: [...cli.argv],
        options: { ...HELP_OPTION, ...cli.options },
        allowPositionals: cli.allowPositionals ?? false,
        strict: true,
      });
      if ((parsed.values as { help?: boolean }).help === true) {
        cli.io.out(cli.usage);
        return 0;
      }
      return body(parsed as ShipArgs<O>);
    },
    cli.usage,
    cli.io,
  );
}
