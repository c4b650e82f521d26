/**
 * `bun run src/dev/bench/line-index.ts`: what the line-name lookup costs, to decide what `src/skill/lines.ts`
 * may keep written out by hand. One executable, compiled with the bootstrap's flags, is started
 * `--runs` times per variant (alternating); each start times its variant once, cold, as the first
 * status request of a fresh sandbox would run it, then warm:
 *
 * - `derived`: the key index derived from the catalogue by `lineNameKey` (regular expressions), as
 *   the skill does on its first lookup;
 * - `derived-loop`: the same index derived with the hand-written character loop (`isSpace` code
 *   points) that `lineNameKey` was before this measurement;
 * - `written-out`: the index as an object literal (generated here from the catalogue), the table
 *   `lines.ts` used to carry as a second copy of the catalogue.
 *
 * Prints medians and ranges in microseconds (cold) and nanoseconds per key (warm).
 */
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { parseCliArgs, processIo, runCli, UsageError, type CliIo } from "../base/cli-support.ts";
import { deriveLineNameKeys, LINES, OVERGROUND_MODE, OVERGROUND_SLOT } from "../../skill/index.ts";
import { COMPILE_FLAGS } from "../base/build-plan.ts";

const ROOT = resolve(import.meta.dir, "../..");
const OUT_DIR = resolve(ROOT, "dist/bench/line-index");
const VARIANTS = ["derived", "derived-loop", "written-out"] as const;

/** Printed by `--help`. */
export const LINE_INDEX_USAGE = `Usage: bun run src/dev/bench/line-index.ts [--runs N]

Compiles one measuring executable with the bootstrap's flags and starts it N times (default 15) per
variant of the line-name index (derived with lineNameKey, derived with the former hand-written
character loop, written out as a literal), alternating; prints the cold cost of building the index and of
the first lookup, and the warm cost per key.`;

/** The measuring program: one variant per start, chosen by its first argument. */
export function measuringProgram(
  writtenOut: Readonly<Record<string, string>>,
  forms: readonly (readonly [string, string])[],
): string {
  return `import { deriveLineNameKeys, lineNameKey } from "../../../src/skill/index.ts";
// The hand-written character loop lines.ts used before the measurement (isSpace code points).
/** \`\\s\` and \`String.prototype.trim\` whitespace: WhiteSpace and LineTerminator of ECMAScript. */
function isSpace(code) {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}
function isLetter(code) {
  return code >= 0x61 && code <= 0x7a;
}
function isSpeltOut(key) {
  let letters = 0;
  let afterLetter = false;
  let dotsAfterLast = 0;
  let spacesAfterLast = 0;
  for (let i = 0; i < key.length; i += 1) {
    const code = key.charCodeAt(i);
    if (isLetter(code)) {
      if (afterLetter) return false;
      letters += 1;
      afterLetter = true;
      dotsAfterLast = 0;
      spacesAfterLast = 0;
    } else if (code === 0x2e || code === 0x20) {
      if (letters === 0) return false;
      afterLetter = false;
      if (code === 0x2e) dotsAfterLast += 1;
      else spacesAfterLast += 1;
    } else {
      return false;
    }
  }
  return letters >= 2 && spacesAfterLast === 0 && dotsAfterLast <= 1;
}
function loopKey(text) {
  const lower = text.toLowerCase();
  let key = "";
  let pendingSpace = false;
  for (let i = 0; i < lower.length; i += 1) {
    const code = lower.charCodeAt(i);
    let piece;
    if (code === 0x2019 || code === 0x2018) piece = "'";
    else if (code === 0x26) piece = " and ";
    else if (code === 0x2d || code === 0x5f) piece = " ";
    else if (isSpace(code)) piece = " ";
    else piece = lower[i] ?? "";
    for (let j = 0; j < piece.length; j += 1) {
      const character = piece[j] ?? "";
      if (character === " ") {
        pendingSpace = true;
      } else {
        if (pendingSpace && key !== "") key += " ";
        pendingSpace = false;
        key += character;
      }
    }
  }
  if (key.startsWith("the ")) key = key.slice(4);
  if (key === "line") key = "";
  else if (key.endsWith(" line")) key = key.slice(0, -5);
  if (isSpeltOut(key)) key = key.replaceAll(".", "").replaceAll(" ", "");
  return key;
}
const writtenOut = () => Object.freeze(${JSON.stringify(writtenOut)});
const variant = process.argv[2];
const key = variant === "derived-loop" ? loopKey : lineNameKey;
const slot = "the Hammersmith & City line";
const cpu = () => { const used = process.cpuUsage(); return used.user + used.system; };
let c0 = cpu();
let t0 = performance.now();
const index = variant === "written-out" ? writtenOut() : variant === "derived-loop" ? (() => {
  const keys = new Map();
  for (const [form, target] of ${JSON.stringify(forms)}) keys.set(loopKey(form), target);
  return keys;
})() : deriveLineNameKeys();
const buildUs = (performance.now() - t0) * 1000;
const buildCpuUs = cpu() - c0;
c0 = cpu();
t0 = performance.now();
const k = key(slot);
const found = index instanceof Map ? index.get(k) : index[k];
const firstLookupUs = (performance.now() - t0) * 1000;
const firstLookupCpuUs = cpu() - c0;
const names = ["Victoria", "the d. l. r.", "Hammersmith & City", "elizabeth-line", "waterloo and city", "london overground"];
let sink = 0;
const rounds = 20000;
t0 = performance.now();
for (let i = 0; i < rounds; i += 1) sink += key(names[i % names.length]).length;
const warmNs = ((performance.now() - t0) * 1e6) / rounds;
console.log(JSON.stringify({ variant, buildUs, buildCpuUs, firstLookupUs, firstLookupCpuUs, warmNs, found, sink }));
`;
}

/** Every form of the catalogue and what it names, in the order `deriveLineNameKeys` reads them. */
export function catalogueForms(): [string, string][] {
  const overground = OVERGROUND_SLOT;
  return [
    ...LINES.flatMap((line) =>
      [line.id, line.name, line.slotValue, ...line.synonyms, ...line.aliases].map((form): [string, string] => [
        form,
        line.id,
      ]),
    ),
    ...[overground.id, overground.slotValue, ...overground.synonyms, ...overground.aliases].map(
      (form): [string, string] => [form, OVERGROUND_MODE],
    ),
  ];
}

async function compile(): Promise<string> {
  await mkdir(OUT_DIR, { recursive: true });
  const entry = resolve(OUT_DIR, "entry.ts");
  await Bun.write(entry, measuringProgram(Object.fromEntries(deriveLineNameKeys()), catalogueForms()));
  const outfile = resolve(OUT_DIR, "measure");
  const flags = COMPILE_FLAGS.filter((flag) => !flag.startsWith("--bytecode-order"));
  const build = Bun.spawnSync([process.execPath, "build", entry, "--compile", `--outfile=${outfile}`, ...flags], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (build.exitCode !== 0) throw new Error(`compiling the measuring program failed:\n${build.stderr.toString()}`);
  return outfile;
}

interface Sample {
  readonly buildUs: number;
  /** CPU time of the whole process (JIT threads included) over the same span. */
  readonly buildCpuUs: number;
  readonly firstLookupUs: number;
  readonly firstLookupCpuUs: number;
  readonly warmNs: number;
}

/** Runs the measurement; returns the exit code. */
export async function runLineIndexBench(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const { values } = parseCliArgs({
    args: [...argv],
    strict: true,
    options: { runs: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values["help"] === true) {
    io.out(LINE_INDEX_USAGE);
    return 0;
  }
  const runs = Number(values["runs"] ?? "15");
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError("--runs must be a positive whole number");
  const program = await compile();
  const samples = new Map<string, Sample[]>(VARIANTS.map((variant) => [variant, []]));
  for (let run = 0; run < runs; run += 1) {
    for (let index = 0; index < VARIANTS.length; index += 1) {
      const variant = VARIANTS[(index + run) % VARIANTS.length] ?? "derived";
      const result = Bun.spawnSync([program, variant], { stdout: "pipe", stderr: "pipe" });
      if (result.exitCode !== 0) throw new Error(`${variant}: ${result.stderr.toString()}`);
      const sample = JSON.parse(result.stdout.toString()) as Sample & { found: string };
      if (sample.found !== "hammersmith-city") throw new Error(`${variant} resolved the slot to ${sample.found}`);
      samples.get(variant)?.push(sample);
    }
  }
  io.out(`line-name index, ${runs} fresh process(es) per variant (median, min–max):`);
  io.out(
    [
      "variant",
      "build the index, cold: wall µs",
      "CPU µs",
      "first lookup, cold: wall µs",
      "CPU µs",
      "warm key (ns)",
    ].join("\t"),
  );
  for (const [variant, list] of samples) {
    const cell = (pick: (sample: Sample) => number, digits: number): string => {
      const sorted = list.map(pick).sort((a, b) => a - b);
      const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
      return `${median.toFixed(digits)} (${(sorted[0] ?? 0).toFixed(digits)}–${(sorted.at(-1) ?? 0).toFixed(digits)})`;
    };
    io.out(
      [
        variant,
        cell((sample) => sample.buildUs, 1),
        cell((sample) => sample.buildCpuUs, 0),
        cell((sample) => sample.firstLookupUs, 1),
        cell((sample) => sample.firstLookupCpuUs, 0),
        cell((sample) => sample.warmNs, 0),
      ].join("\t"),
    );
  }
  return 0;
}

if (import.meta.main) {
  process.exitCode = await runCli(() => runLineIndexBench(Bun.argv.slice(2)), LINE_INDEX_USAGE);
}
