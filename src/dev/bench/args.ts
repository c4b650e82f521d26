/**
 * `bun run bench`'s command line, parsed into settings without doing anything, so every accepted
 * and refused form is a one-line test.
 */
import { parseCliArgs, parseCountOption, UsageError } from "../base/cli-support.ts";

/** Printed by `--help` and after a usage error. */
export const BENCH_USAGE = `Usage: bun run bench [options]

Measures dist/x86_64/bootstrap against the floor (a minimal Bun-compiled Runtime API loop with an
echo handler, built in this run with the same Bun and the same compile flags), against the same
skill bundled for Node.js and run by \`node\`, and against \`bun src/main.ts\` (JIT, uncompiled).
Candidates alternate so drift on the machine hits them equally. TfL and the skill API are served
from recordings on 127.0.0.1. Prints a Markdown table and writes the results as JSON.

Run \`bun run build\` first.

Options:
  --starts N        warm-cache starts per candidate (default 20)
  --cold-starts N   cold-cache starts per candidate, each after evicting the candidate's files
                    from the page cache (needs root, which also drops the whole cache once after
                    copying the candidates; default: as --starts, 0 skips)
  --invocations N   warm invocations per request kind for the latency table (default 1000)
  --soak N          status invocations for the memory trend of the bootstrap and the floors
                    (default 10000; the others stop at 1000)
  --quick           a smoke run: 3 starts, 2 cold starts, 50 invocations, a 1,200-invocation soak,
                    no build-time or zip measurement
  --out FILE        where the JSON goes (default dist/bench/results.json)
  --dist DIR        where \`bun run build\` put its output (default dist)
  --profile         instead of the bench: run the skill from source under --cpu-prof-md for
                    --invocations requests of every kind (default 2000 in all), then print
                    the profile's hot functions and JavaScriptCore's heap statistics
  --dry-run         print the plan and run nothing
  -h, --help        this text`;

/** The counts and paths one run uses. */
export interface BenchSettings {
  readonly starts: number;
  readonly coldStarts: number;
  readonly invocations: number;
  readonly soakInvocations: number;
  readonly quick: boolean;
  /** Time the two architecture builds and zip the floor (off in `--quick`). */
  readonly measureBuild: boolean;
  readonly outFile: string;
  readonly distDir: string;
  readonly dryRun: boolean;
}

/** `--profile`: one profiled process instead of the bench. */
export interface ProfileSettings {
  readonly invocations: number;
  readonly distDir: string;
}

/** `--help`, a profile, or a run. */
export type BenchCommand =
  | { readonly kind: "help" }
  | ({ readonly kind: "profile" } & ProfileSettings)
  | ({ readonly kind: "run" } & BenchSettings);

/** Requests a `--profile` run sends when `--invocations` is not given. */
export const PROFILE_INVOCATIONS = 2_000;

/** The full run's counts: the issue asks for ≥ 20 starts, 1,000 invocations and a 10,000-invocation soak. */
const FULL_COUNTS = { starts: 20, invocations: 1_000, soakInvocations: 10_000 } as const;

/** `--quick`: enough of everything to prove the run works end to end in well under 30 s. */
const QUICK_COUNTS = { starts: 3, coldStarts: 2, invocations: 50, soakInvocations: 1_200 } as const;

/** The default JSON destination: `dist` is git-ignored, so a run never dirties the checkout. */
export const DEFAULT_OUT_FILE = "dist/bench/results.json";

/** Parses the arguments after `bench`; throws `UsageError` for anything it cannot act on. */
export function parseBenchArgs(argv: readonly string[]): BenchCommand {
  const { values, positionals } = parseCliArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      starts: { type: "string" },
      "cold-starts": { type: "string" },
      invocations: { type: "string" },
      soak: { type: "string" },
      quick: { type: "boolean" },
      profile: { type: "boolean" },
      out: { type: "string" },
      dist: { type: "string" },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values["help"] === true) return { kind: "help" };
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const distDir = (values["dist"] ?? "dist").replace(/\/+$/, "");
  if (values["profile"] === true) {
    const invocations = parseCountOption("invocations", values["invocations"], PROFILE_INVOCATIONS, 1, 1_000_000);
    return { kind: "profile", invocations, distDir };
  }
  const quick = values["quick"] === true;
  const defaults = quick ? QUICK_COUNTS : { ...FULL_COUNTS, coldStarts: undefined };
  const starts = parseCountOption("starts", values["starts"], defaults.starts, 1, 1_000);
  const coldStarts = parseCountOption("cold-starts", values["cold-starts"], defaults.coldStarts ?? starts, 0, 1_000);
  const invocations = parseCountOption("invocations", values["invocations"], defaults.invocations, 1, 100_000);
  const soakInvocations = parseCountOption("soak", values["soak"], defaults.soakInvocations, 10, 1_000_000);
  return {
    kind: "run",
    starts,
    coldStarts,
    invocations,
    soakInvocations,
    quick,
    measureBuild: !quick,
    outFile: values["out"] ?? DEFAULT_OUT_FILE,
    distDir,
    dryRun: values["dry-run"] === true,
  };
}
