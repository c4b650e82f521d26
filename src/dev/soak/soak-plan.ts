/**
 * The pure half of `bun run soak`: its options, parsed into a plan. `soak.ts` does the running.
 */
import { RECOMMENDED_FUNCTION_ENV } from "../base/function-env.ts";
import { parseArgs } from "node:util";
import { parseArchOption, parseCountOption, UsageError } from "../base/cli-support.ts";
import type { Arch } from "../base/arch.ts";

/** `bun run soak --help`. */
export const SOAK_USAGE = `Usage: bun run soak [options]

The full reliability run against dist/<arch>/bootstrap (build it first with \`bun run build\`):
  1. --fuzz events through the real handler in process (fast-check),
  2. --binary-fuzz events through the compiled binary (raw bodies, invalid UTF-8 included),
  3. --invocations mixed invocations through the binary, with peak RSS and open fds sampled,
  4. a GET /next held open for --idle-minutes by a second binary, then answered (no idle timeout).
Prints the figures and exits 1 if any criterion fails.

Options:
  --arch x86_64|arm64     build to run (default: the host's; arm64 runs under qemu)
  --invocations N         soak invocations (default 10000)
  --fuzz N                in-process fuzz events (default 10000)
  --binary-fuzz N         fuzz events through the binary (default 10000)
  --idle-minutes N        how long GET /next stays open, 0 to skip (default 6)
  --seed N                fast-check seed (default: new each run, printed)
  --env KEY=VALUE         variable for the binaries (repeatable), replacing the recommended
                          function environment (BUN_JSC_useFTLJIT=0); --env BUN_JSC_useFTLJIT=1 soaks the default JIT
  -h, --help              this text`;

/** What one soak run does. */
export interface SoakPlan {
  readonly arch: Arch;
  readonly invocations: number;
  readonly fuzzEvents: number;
  readonly binaryFuzzEvents: number;
  readonly idleMinutes: number;
  readonly seed: number | undefined;
  readonly env: Readonly<Record<string, string>>;
}

/** Parses argv (without `bun run soak`); throws UsageError. */
export function parseSoakArgs(argv: readonly string[], hostArch: Arch): SoakPlan | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        arch: { type: "string" },
        invocations: { type: "string" },
        fuzz: { type: "string" },
        "binary-fuzz": { type: "string" },
        "idle-minutes": { type: "string" },
        seed: { type: "string" },
        env: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help === true) return "help";
  const archs = parseArchOption(values.arch, hostArch);
  if (archs.length !== 1 || archs[0] === undefined) throw new UsageError("--arch takes one architecture");
  const env: Record<string, string> = { ...RECOMMENDED_FUNCTION_ENV };
  for (const pair of values.env ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`--env must be KEY=VALUE, not "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return {
    arch: archs[0],
    invocations: parseCountOption("invocations", values.invocations, 10_000, 1_000, 10_000_000),
    fuzzEvents: parseCountOption("fuzz", values.fuzz, 10_000, 0, 10_000_000),
    binaryFuzzEvents: parseCountOption("binary-fuzz", values["binary-fuzz"], 10_000, 0, 10_000_000),
    idleMinutes: parseCountOption("idle-minutes", values["idle-minutes"], 6, 0, 120),
    seed: values.seed === undefined ? undefined : parseCountOption("seed", values.seed, 0, 0, 2_147_483_647),
    env,
  };
}
