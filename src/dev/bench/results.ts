import type { LoadSummary } from "../base/concurrent-load.ts";
/**
 * The shape of `dist/bench/results.json`: every measured number of one run, keyed by candidate, so
 * the report, the budgets and any later comparison read the same data.
 */
import type { CandidateId, RequestKind } from "./plan.ts";
import type { MemoryTrend, RssReading } from "../base/trend.ts";
import type { Percentiles } from "./stats.ts";
import type { OrderComparison } from "./record-order.ts";

/** The machine the run happened on, for the README. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly kernel: string;
  readonly arch: string;
  readonly os: string;
}

/** A candidate as the tables name it. */
export interface CandidateInfo {
  readonly id: CandidateId;
  readonly label: string;
  readonly description: string;
  readonly command: string;
  readonly executable: string;
  readonly executableBytes: number | undefined;
}

/** Starts of one candidate: spawn → first `GET /next`, and spawn → first launch answer. */
export interface StartResult {
  readonly candidate: CandidateId;
  readonly initMs: Percentiles | undefined;
  readonly firstAnswerMs: Percentiles | undefined;
  /** Peak RSS (VmHWM) right after the first answer, median over the starts, KiB. */
  readonly firstAnswerPeakKb: number | undefined;
  /**
   * Bytes the process caused to be read from the disk until the first answer (`read_bytes` of
   * /proc/<pid>/io, page faults on the executable and the kernel's read-ahead around them included),
   * median over the starts. Zero in a warm cache; the cold-cache figure is the one that matters.
   */
  readonly firstAnswerReadBytes?: number | undefined;
  /** Major page faults (served from the disk) until the first answer, median. */
  readonly firstAnswerMajorFaults?: number | undefined;
  /** Minor page faults (served from memory) until the first answer, median. */
  readonly firstAnswerMinorFaults?: number | undefined;
  readonly failures: number;
}

/** The latency phase for one candidate. */
export interface LatencyResult {
  readonly candidate: CandidateId;
  /** "uncached": TfL says no-cache, every status call crosses loopback; "cached": TfL's own max-age. */
  readonly tfl: "uncached" | "cached";
  readonly kinds: ReadonlyArray<{ readonly kind: RequestKind; readonly ms: Percentiles | undefined }>;
  readonly failures: number;
  /** Peak RSS after the phase, KiB. */
  readonly peakKb: number | undefined;
}

/** The memory phase for one candidate: warm status invocations in a fresh process. */
export interface MemoryResult {
  readonly candidate: CandidateId;
  readonly invocations: number;
  readonly afterInitPeakKb: number | undefined;
  /** The median over the replicate processes. */
  readonly after1000PeakKb: number | undefined;
  /** Each replicate's peak after 1,000, KiB. */
  readonly after1000PeakKbSamples: readonly number[];
  /** The first replicate's peak at the end of its run (the soak, for the bootstrap and the floors). */
  readonly finalPeakKb: number | undefined;
  readonly trend: MemoryTrend | undefined;
  readonly rss: readonly RssReading[];
  readonly failures: number;
}

/** One architecture's build: compile and zip time, bytes. */
export interface BuildResult {
  readonly arch: "x86_64" | "arm64";
  readonly compileMs: number;
  readonly zipMs: number | undefined;
  readonly bytes: number;
  readonly zipBytes: number | undefined;
}

/** The size table's inputs. */
export interface SizeResult {
  readonly label: string;
  readonly path: string;
  readonly bytes: number;
  readonly zipBytes: number | undefined;
}

/** Everything one run measured. */
export interface BenchResults {
  readonly schema: "london-travel-bench/1";
  readonly startedAt: string;
  readonly durationMs: number;
  readonly machine: MachineInfo;
  readonly bunVersion: string;
  readonly nodeVersion: string | undefined;
  readonly settings: {
    readonly starts: number;
    readonly coldStarts: number;
    readonly invocations: number;
    readonly soakInvocations: number;
    readonly trendWindow: number;
    readonly quick: boolean;
  };
  readonly candidates: readonly CandidateInfo[];
  readonly warmStarts: readonly StartResult[];
  readonly coldStarts: readonly StartResult[];
  readonly coldSkipped: string | undefined;
  readonly latency: readonly LatencyResult[];
  readonly memory: readonly MemoryResult[];
  /** The bootstrap at 1, 4 and 16 invocations in flight (Managed Instances mode above 1); absent in older results. */
  readonly concurrency?: readonly LoadSummary[] | undefined;
  readonly builds: readonly BuildResult[];
  /** Wall time of the whole two-architecture build (compiles in turn, zips together), as `bun run build` does it. */
  readonly buildWallMs: number | undefined;
  readonly sizes: readonly SizeResult[];
  readonly emptyExecutableBytes: number | undefined;
  readonly zipLimitBytes: number;
  readonly notes: readonly string[];
  /**
   * The committed bytecode-order profiles against a fresh recording from the measured bootstrap (a
   * stale profile costs start time silently); absent in older results.
   */
  readonly bytecodeOrder?: readonly OrderComparison[] | undefined;
}
