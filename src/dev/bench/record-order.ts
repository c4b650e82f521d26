/**
 * `bun run src/dev/bench/record-order.ts`: records the bytecode-order profiles `bun run build` compiles
 * with (`BYTECODE_ORDER_FILES`), by running `dist/x86_64/bootstrap` behind the emulator and the
 * recorded backends: once to the first launch answer, once through every kind of request. Run
 * `bun run build` first; rebuild afterwards (`RERECORD_COMMAND` does all three).
 *
 * `--check` records into a scratch folder instead and compares: a profile matches when it holds
 * exactly the entries the same requests record in the current build. Bun keys a profile by a hash
 * of each function, so a change to any function on the recorded path (or a renaming by the
 * minifier) leaves it out of the laid-out block and costs start time without any error; changes to
 * code the recorded requests never run, and to files outside the product, do not matter.
 */
import { mkdir } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { startRuntimeApiEmulator } from "../base/emulator.ts";
import { buildEvent, LOCAL_SKILL_ID, type AlexaEvent } from "../base/events.ts";
import { RECORDED_ACCESS_TOKEN } from "../base/fake-backends.ts";
import { BYTECODE_ORDER_FILES } from "../base/build-plan.ts";
import { spawnMeasured } from "../base/bootstrap-process.ts";
import { startBenchBackends } from "./backends.ts";
import { functionEnvironment, type Candidate } from "./plan.ts";

const ROOT = resolve(import.meta.dir, "../../..");

/** The one command that brings the committed profiles back in line with the code. */
export const RERECORD_COMMAND = "bun run build && bun run src/dev/bench/record-order.ts && bun run build";
const EXIT_TIMEOUT_MS = 5_000;

/** The requests of each profile, in the order the files are listed (most common start first). */
const RUNS: readonly (readonly AlexaEvent[])[] = [
  [buildEvent("launch")],
  [
    buildEvent("launch"),
    buildEvent("status", { line: "victoria" }),
    buildEvent("disruption"),
    buildEvent("commute", { accessToken: RECORDED_ACCESS_TOKEN }),
    buildEvent("help"),
  ],
];

/**
 * Runs the bootstrap with `BUN_BYTECODE_ORDER_OUT` for each profile. Bun writes the profile when the
 * process exits, so the emulator answers the next `GET /next` with a 500 and the loop exits.
 */
export async function recordBytecodeOrder(
  binary: string,
  log: (line: string) => void,
  outDir: string | undefined = undefined,
): Promise<string[]> {
  const written: string[] = [];
  if (outDir !== undefined) await mkdir(outDir, { recursive: true });
  const backends = startBenchBackends();
  try {
    for (const [index, events] of RUNS.entries()) {
      const committed = resolve(ROOT, BYTECODE_ORDER_FILES[index] ?? "");
      const out = outDir === undefined ? committed : resolve(outDir, basename(committed));
      const emulator = await startRuntimeApiEmulator({ record: false });
      try {
        const env = functionEnvironment({ env: {} } as unknown as Candidate, {
          runtimeApi: emulator.address,
          backendUrl: backends.cached.url,
          taskRoot: ROOT,
          path: process.env["PATH"] ?? "/usr/bin:/bin",
          skillId: LOCAL_SKILL_ID,
        });
        const child = spawnMeasured([binary], { env: { ...env, BUN_BYTECODE_ORDER_OUT: out }, cwd: ROOT });
        await emulator.waitForNext();
        for (const event of events) {
          const outcome = await emulator.invoke(event);
          if (outcome.kind !== "response") throw new Error(`${outcome.kind} while recording ${out}`);
        }
        emulator.injectFault({ on: "next", status: 500, times: 1 });
        const timer = setTimeout(() => child.kill("SIGKILL"), EXIT_TIMEOUT_MS);
        await child.exited;
        clearTimeout(timer);
        log(`${events.length} request(s) → ${outDir === undefined ? (BYTECODE_ORDER_FILES[index] ?? out) : out}`);
        written.push(out);
      } finally {
        await emulator.stop();
      }
    }
  } finally {
    await backends.stop();
  }
  return written;
}

/** How one committed profile compares with a fresh recording of the same requests. */
export interface OrderComparison {
  readonly file: string;
  /** Entries the requests produce now that the profile lacks (that code is not laid out first). */
  readonly missing: number;
  /** Entries the profile names that the requests no longer produce (code changed, renamed or gone). */
  readonly extra: number;
  /** Entries the requests produce now. */
  readonly recorded: number;
}

/**
 * The entries of a profile that place code: one `<kind> <hash>` line per function (F) and per piece
 * of code Bun keys by its own hash (K, S). The version header and the module line (M) are left out:
 * M hashes the whole bundle, so it changes with any edit, and it does not move the layout (a profile
 * with only M altered compiles to the same executable).
 */
export function profileEntries(profile: string): Set<string> {
  const entries = new Set<string>();
  for (const line of profile.split("\n")) {
    const entry = line.trim();
    if (/^[A-Z] [0-9a-f]+$/.test(entry) && !entry.startsWith("M ")) entries.add(entry);
  }
  return entries;
}

/** Compares a committed profile with a fresh one, as sets of entries. */
export function compareOrderProfiles(file: string, committed: string, fresh: string): OrderComparison {
  const had = profileEntries(committed);
  const now = profileEntries(fresh);
  let missing = 0;
  for (const hash of now) if (!had.has(hash)) missing += 1;
  let extra = 0;
  for (const hash of had) if (!now.has(hash)) extra += 1;
  return { file, missing, extra, recorded: now.size };
}

/** One line per stale profile, and how to fix it; empty when every profile matches. */
export function describeStaleProfiles(comparisons: readonly OrderComparison[]): string {
  const stale = comparisons.filter((entry) => entry.missing > 0 || entry.extra > 0);
  if (stale.length === 0) return "";
  const lines = stale.map(
    (entry) =>
      `${entry.file} is stale: ${entry.missing} of the ${entry.recorded} entries its requests now record are not in it, ` +
      `and ${entry.extra} it names are no longer recorded.`,
  );
  return `${lines.join("\n")}\nThe build lays that code out in the old order, which costs start time. Re-record: ${RERECORD_COMMAND}`;
}

/** Records into a scratch folder and compares with the committed profiles. */
export async function checkBytecodeOrder(binary: string, scratch: string): Promise<OrderComparison[]> {
  const fresh = await recordBytecodeOrder(binary, () => undefined, scratch);
  const comparisons: OrderComparison[] = [];
  for (const [index, file] of BYTECODE_ORDER_FILES.entries()) {
    const committed = await Bun.file(resolve(ROOT, file)).text();
    const recorded = await Bun.file(fresh[index] ?? "").text();
    comparisons.push(compareOrderProfiles(file, committed, recorded));
  }
  return comparisons;
}

/** What `--help` prints. */
export const RECORD_ORDER_USAGE = `Usage: bun run src/dev/bench/record-order.ts [--check | --dry-run | --help]

Records the bytecode-order profiles (${BYTECODE_ORDER_FILES.join(", ")}) by running
dist/x86_64/bootstrap behind the emulator: once to the first launch answer, once through every kind of
request. Run \`bun run build\` first and rebuild afterwards: ${RERECORD_COMMAND}

  --check     record into dist/bench/order-check instead and fail (exit 1) when a committed profile no
              longer matches the build
  --dry-run   print what would be recorded and where, and record nothing
  -h, --help  this text
`;

/** The options this script takes; anything else is a usage error (exit 2). */
export function parseRecordOrderArgs(argv: readonly string[]): "record" | "check" | "dry-run" | "help" | "usage" {
  if (argv.length === 0) return "record";
  if (argv.length > 1) return "usage";
  switch (argv[0]) {
    case "--check":
      return "check";
    case "--dry-run":
      return "dry-run";
    case "--help":
    case "-h":
      return "help";
    default:
      return "usage";
  }
}

if (import.meta.main) {
  const binary = resolve(ROOT, "dist/x86_64/bootstrap");
  const mode = parseRecordOrderArgs(Bun.argv.slice(2));
  if (mode === "help") {
    process.stdout.write(RECORD_ORDER_USAGE);
  } else if (mode === "usage") {
    process.stderr.write(`error: unknown options ${Bun.argv.slice(2).join(" ")}\n\n${RECORD_ORDER_USAGE}`);
    process.exitCode = 2;
  } else if (mode === "dry-run") {
    for (const file of BYTECODE_ORDER_FILES) process.stdout.write(`would record ${binary} → ${file}\n`);
  } else if (mode === "check") {
    const scratch = resolve(ROOT, "dist/bench/order-check");
    const report = describeStaleProfiles(await checkBytecodeOrder(binary, scratch));
    process.stderr.write(report === "" ? "the bytecode-order profiles match the build\n" : `${report}\n`);
    process.exitCode = report === "" ? 0 : 1;
  } else {
    await recordBytecodeOrder(binary, (line) => process.stderr.write(`${line}\n`));
    process.stderr.write("now rebuild: bun run build\n");
  }
}
