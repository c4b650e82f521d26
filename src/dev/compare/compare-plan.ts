/**
 * `bun run compare`: the pure half. Arguments become a plan: measure both builds locally, or read
 * two CloudWatch exports. `compare.ts` does the I/O.
 */
import { parseCliArgs, parseCountOption, UsageError } from "../base/cli-support.ts";

/** Printed by `--help` and after a usage error. */
export const COMPARE_USAGE = `Usage: bun run compare [--local] [options]
       bun run compare --logs X86_LOG ARM64_LOG [--json]

Prints the x86_64 vs arm64 table: published size, files in the zip, executable size, init
duration, first and warm invocation duration (min/median/p95), max memory used, and the change
in percent. Also appended to $GITHUB_STEP_SUMMARY when that is set.

From local runs (default): both dist/<arch>/bootstrap builds under the local Runtime API, TfL
and the skill API served from recordings on 127.0.0.1. On an x86_64 host arm64 runs under
qemu-aarch64-static and its timings are marked as emulated.
  --cold N             cold starts per build (default 5)
  --warm N             warm invocations after the last cold start (default 20)
  --line NAME          the status question asked (default victoria)
  --memory MB          the memory size reported (default 512)
  --dist DIR           where the builds are (default dist)

From Lambda logs: two files of CloudWatch REPORT lines (text or JSON platform.report, as
exported by \`aws logs filter-log-events\` or copied from the console), x86_64 first.
  --logs               read the two files instead of running anything

Output:
  --json               JSON instead of Markdown
  --dry-run            print the plan and run nothing
  -h, --help           this text`;

/** Measure both builds here. */
export interface LocalComparePlan {
  readonly command: "local";
  readonly coldStarts: number;
  readonly warmInvocations: number;
  readonly line: string;
  readonly memorySizeMb: number;
  readonly distDir: string;
  readonly json: boolean;
  readonly dryRun: boolean;
}

/** Read two log exports. */
export interface LogsComparePlan {
  readonly command: "logs";
  readonly x86Log: string;
  readonly armLog: string;
  readonly json: boolean;
  readonly dryRun: boolean;
}

/** `--help`, or a plan. */
export type CompareCommand = { readonly command: "help" } | LocalComparePlan | LogsComparePlan;

/** Parses `bun run compare` arguments; throws {@link UsageError} for anything it cannot act on. */
export function parseCompareArgs(argv: readonly string[]): CompareCommand {
  const { values, positionals } = parseCliArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      local: { type: "boolean" },
      logs: { type: "boolean" },
      cold: { type: "string" },
      warm: { type: "string" },
      line: { type: "string" },
      memory: { type: "string" },
      dist: { type: "string" },
      json: { type: "boolean" },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) {
    return { command: "help" };
  }
  const json = values.json === true;
  const dryRun = values["dry-run"] === true;
  if (values.logs === true) {
    if (values.local === true) {
      throw new UsageError("choose --local or --logs, not both");
    }
    const localOnly = (["cold", "warm", "line", "memory", "dist"] as const).filter(
      (name) => values[name] !== undefined,
    );
    if (localOnly.length > 0) {
      throw new UsageError(`--${localOnly[0]} applies to local runs, not to --logs`);
    }
    const [x86Log, armLog, ...extra] = positionals;
    if (x86Log === undefined || armLog === undefined || extra.length > 0) {
      throw new UsageError("--logs takes exactly two files: the x86_64 log, then the arm64 log");
    }
    return { command: "logs", x86Log, armLog, json, dryRun };
  }
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument "${positionals[0]}" (log files go after --logs)`);
  }
  return {
    command: "local",
    coldStarts: parseCountOption("cold", values.cold, 5, 1, 1000),
    warmInvocations: parseCountOption("warm", values.warm, 20, 0, 100_000),
    line: values.line ?? "victoria",
    memorySizeMb: parseCountOption("memory", values.memory, 512, 128, 10_240),
    distDir: values.dist ?? "dist",
    json,
    dryRun,
  };
}
