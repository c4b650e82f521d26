/**
 * The soak: many invocations of mixed, valid kinds through the compiled binary, with the peak RSS
 * (VmHWM) and open file descriptors (/proc/<pid>/fd) sampled as it goes. No invocation may fail or
 * go unanswered; growth is measured from invocation 1,000 (after warm-up) to the last.
 */
import { readdirSync } from "node:fs";
import { readProcessMemory } from "../base/process.ts";
import type { FunctionUnderTest } from "./binary.ts";
import { baseEvent, TOKENS, type BaseName } from "./events.ts";
import { alexaResponseProblems } from "./invariants.ts";
import { setAt } from "./json-tree.ts";
import { LINES } from "../../skill/index.ts";

/** One sample of the process's resources. */
export interface ResourceSample {
  readonly invocations: number;
  readonly peakRssKb: number | undefined;
  readonly rssKb: number | undefined;
  readonly openFds: number | undefined;
}

/** Figures of one soak. */
export interface SoakReport {
  readonly invocations: number;
  readonly responses: number;
  /** Invocations that ended in anything but a valid response (must be 0). */
  readonly failed: number;
  /** Invocations with no answer at all (must be 0). */
  readonly lost: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly samples: readonly ResourceSample[];
  /** VmHWM at the warm-up mark and at the end, and the difference. */
  readonly peakRssAtWarmKb: number | undefined;
  readonly peakRssAtEndKb: number | undefined;
  readonly peakRssGrowthKb: number | undefined;
  readonly fdsAtWarm: number | undefined;
  readonly fdsAtEnd: number | undefined;
  readonly fdsMax: number | undefined;
  readonly durationMs: number;
  readonly firstFailure: string | undefined;
}

const SOAK_KINDS: readonly BaseName[] = [
  "launch",
  "statusResolved",
  "statusRaw",
  "statusOverground",
  "statusUnknown",
  "disruption",
  "commute",
  "commuteNotLinked",
  "help",
  "stop",
  "fallback",
  "sessionEnded",
  "canFulfill",
  "connectionsResponse",
];

/** The i-th soak event: kinds in rotation, status for every catalogue line, commute for every account. */
export function soakEvent(index: number): { kind: string; event: unknown } {
  const kind = SOAK_KINDS[index % SOAK_KINDS.length] ?? "launch";
  let event = baseEvent(kind);
  if (kind === "statusRaw") {
    const line = LINES[Math.floor(index / SOAK_KINDS.length) % LINES.length];
    event = setAt(event, ["request", "intent", "slots", "LINE", "value"], line?.name ?? "victoria");
  }
  if (kind === "commute") {
    const tokens = [TOKENS.favourites, TOKENS.none, TOKENS.nullList, TOKENS.hostile, "rel-token-unknown-401"];
    const token = tokens[Math.floor(index / SOAK_KINDS.length) % tokens.length] ?? TOKENS.favourites;
    event = setAt(event, ["session", "user", "accessToken"], token);
  }
  return { kind, event };
}

/** Reads resources of a live process. */
export function sampleResources(fn: FunctionUnderTest, invocations: number): ResourceSample {
  const pid = fn.process.pid;
  const rssKb = readProcessMemory(pid)?.rssKb;
  let openFds: number | undefined;
  try {
    openFds = readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    openFds = undefined;
  }
  return { invocations, peakRssKb: fn.process.peakRssKb(), rssKb, openFds };
}

/** Options of {@link runSoak}. */
export interface SoakOptions {
  readonly fn: FunctionUnderTest;
  readonly invocations: number;
  /** The warm-up mark growth is measured from (default 1,000). */
  readonly warmAt?: number | undefined;
  readonly sampleEvery?: number | undefined;
  /** With the freeze proxy, move to a fresh emulator this often (default 2,000). */
  readonly recycleEvery?: number | undefined;
}

/** Runs the soak against a running function. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { fn } = options;
  const warmAt = Math.min(options.warmAt ?? 1_000, options.invocations);
  const sampleEvery = options.sampleEvery ?? 500;
  const recycleEvery = options.recycleEvery ?? 2_000;
  const samples: ResourceSample[] = [];
  const byKind: Record<string, number> = {};
  let responses = 0;
  let failed = 0;
  let lost = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  for (let index = 0; index < options.invocations; index += 1) {
    if (fn.proxy !== undefined && index > 0 && index % recycleEvery === 0) await fn.recycleEmulator();
    const { kind, event } = soakEvent(index);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const outcome = await fn.invoke(event);
    if (outcome.kind === "response") {
      const problems = alexaResponseProblems(outcome.json);
      if (outcome.body.includes("Sorry, something went wrong")) problems.push("apology");
      if (problems.length === 0) responses += 1;
      else {
        failed += 1;
        firstFailure ??= `#${index} ${kind}: ${problems.join("; ")}`;
      }
    } else {
      if (outcome.kind === "timeout" || outcome.kind === "exited") lost += 1;
      failed += 1;
      firstFailure ??= `#${index} ${kind}: ${outcome.kind}`;
      if (outcome.kind === "exited") break;
    }
    const done = index + 1;
    if (done === warmAt || done % sampleEvery === 0 || done === options.invocations)
      samples.push(sampleResources(fn, done));
  }
  const warm = samples.find((sample) => sample.invocations === warmAt);
  const end = samples.at(-1);
  const growth =
    warm?.peakRssKb !== undefined && end?.peakRssKb !== undefined ? end.peakRssKb - warm.peakRssKb : undefined;
  const fds = samples.map((sample) => sample.openFds).filter((value): value is number => value !== undefined);
  return {
    invocations: options.invocations,
    responses,
    failed,
    lost,
    byKind,
    samples,
    peakRssAtWarmKb: warm?.peakRssKb,
    peakRssAtEndKb: end?.peakRssKb,
    peakRssGrowthKb: growth,
    fdsAtWarm: warm?.openFds,
    fdsAtEnd: end?.openFds,
    fdsMax: fds.length === 0 ? undefined : Math.max(...fds),
    durationMs: Math.round(performance.now() - started),
    firstFailure,
  };
}
