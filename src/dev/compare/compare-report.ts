/**
 * The x86_64 vs arm64 table (init, first and warm durations, billed time and memory per architecture,
 * as the .NET skill's author published when he moved to Graviton), for our two builds: pure summaries of local runs or of REPORT logs, and the
 * Markdown and JSON renderings of the same rows.
 */
import type { Arch } from "../base/arch.ts";
import type { InvocationReport } from "../base/report-line.ts";
import type { ParsedReports } from "../base/report-parser.ts";
import { percentChange, summarise, type SampleStats } from "../base/stats.ts";

/** Everything the table shows for one architecture. */
export interface ArchResult {
  readonly arch: Arch;
  readonly source: "local" | "logs";
  /** The emulator that ran this build (e.g. "qemu-aarch64-static"), undefined when it ran natively. */
  readonly emulation: string | undefined;
  readonly zipBytes?: number | undefined;
  readonly zipEntries?: number | undefined;
  readonly executableBytes?: number | undefined;
  readonly init: SampleStats | undefined;
  readonly first: SampleStats | undefined;
  readonly warm: SampleStats | undefined;
  readonly billedCold?: SampleStats | undefined;
  readonly billedWarm?: SampleStats | undefined;
  readonly maxMemoryUsedMb: number | undefined;
  readonly memorySizeMb: number | undefined;
  readonly coldStarts: number;
  readonly warmInvocations: number;
  /** Invocations that timed out, crashed or returned a Lambda error. */
  readonly failures: number;
  /** Log lines that looked like reports but could not be read (logs only). */
  readonly malformed?: number | undefined;
}

/** One local cold start: spawn to first `GET /next`, then the first invocation. */
export interface ColdStartSample {
  readonly initMs: number;
  readonly firstMs: number;
  readonly maxMemoryUsedMb: number | undefined;
}

/** What `compare --local` measured for one build. */
export interface LocalMeasurements {
  readonly arch: Arch;
  readonly emulation: string | undefined;
  readonly zipBytes: number | undefined;
  readonly zipEntries: number | undefined;
  readonly executableBytes: number | undefined;
  readonly memorySizeMb: number;
  readonly coldStarts: readonly ColdStartSample[];
  readonly warmMs: readonly number[];
  readonly maxMemoryUsedMb: number | undefined;
  readonly failures: number;
}

/** Folds local measurements into the table's figures. */
export function summariseLocalRuns(measured: LocalMeasurements): ArchResult {
  return {
    arch: measured.arch,
    source: "local",
    emulation: measured.emulation,
    zipBytes: measured.zipBytes,
    zipEntries: measured.zipEntries,
    executableBytes: measured.executableBytes,
    init: summarise(measured.coldStarts.map((sample) => sample.initMs)),
    first: summarise(measured.coldStarts.map((sample) => sample.firstMs)),
    warm: summarise(measured.warmMs),
    maxMemoryUsedMb: maxOf([measured.maxMemoryUsedMb, ...measured.coldStarts.map((sample) => sample.maxMemoryUsedMb)]),
    memorySizeMb: measured.memorySizeMb,
    coldStarts: measured.coldStarts.length,
    warmInvocations: measured.warmMs.length,
    failures: measured.failures,
  };
}

/** True when the platform reported the invocation as failed (timeout, crash): its duration is not a timing. */
function isFailedReport(report: InvocationReport): boolean {
  return report.status !== undefined && report.status !== "success";
}

/**
 * Folds the REPORT records of one architecture's log into the table's figures. Failed invocations
 * are counted, and kept out of the durations (a timeout would otherwise be the p95); init durations
 * come from every cold start.
 */
export function summariseReports(arch: Arch, parsed: ParsedReports): ArchResult {
  const succeeded = (reports: readonly InvocationReport[]): InvocationReport[] =>
    reports.filter((report) => !isFailedReport(report));
  const cold = succeeded(parsed.cold);
  const warm = succeeded(parsed.warm);
  const memorySizes = [...new Set(parsed.invocations.map((report) => report.memorySizeMb))];
  return {
    arch,
    source: "logs",
    emulation: undefined,
    init: summarise(parsed.cold.map((report) => report.initDurationMs ?? report.restoreDurationMs ?? Number.NaN)),
    first: summarise(cold.map((report) => report.durationMs)),
    warm: summarise(warm.map((report) => report.durationMs)),
    billedCold: summarise(cold.map((report) => report.billedDurationMs)),
    billedWarm: summarise(warm.map((report) => report.billedDurationMs)),
    maxMemoryUsedMb: maxOf(parsed.invocations.map((report) => report.maxMemoryUsedMb)),
    memorySizeMb: memorySizes.length === 1 ? memorySizes[0] : maxOf(memorySizes),
    coldStarts: parsed.cold.length,
    warmInvocations: parsed.warm.length,
    failures: parsed.invocations.filter(isFailedReport).length,
    malformed: parsed.malformed.length,
  };
}

function maxOf(values: ReadonlyArray<number | undefined>): number | undefined {
  const defined = values.filter((value): value is number => value !== undefined && Number.isFinite(value));
  return defined.length === 0 ? undefined : Math.max(...defined);
}

/** How a row's numbers print. */
export type RowUnit = "bytes" | "count" | "ms" | "MB";

/** One row of the table: the same metric for both builds and the change from x86_64 to arm64. */
export interface CompareRow {
  readonly metric: string;
  readonly unit: RowUnit;
  readonly x86_64: number | undefined;
  readonly arm64: number | undefined;
  readonly changePercent: number | undefined;
  /** True for timings and memory, which emulation distorts; false for sizes and counts. */
  readonly affectedByEmulation: boolean;
}

type RowSpec = readonly [
  metric: string,
  unit: RowUnit,
  pick: (result: ArchResult) => number | undefined,
  timed: boolean,
];

function statRows(label: string, pick: (result: ArchResult) => SampleStats | undefined): RowSpec[] {
  return [
    [`${label}, min`, "ms", (result) => pick(result)?.min, true],
    [`${label}, median`, "ms", (result) => pick(result)?.median, true],
    [`${label}, p95`, "ms", (result) => pick(result)?.p95, true],
  ];
}

/** The rows for two results; which rows depends on where the figures came from. */
export function buildCompareRows(x86: ArchResult, arm: ArchResult): CompareRow[] {
  const fromLogs = x86.source === "logs" || arm.source === "logs";
  const specs: RowSpec[] = [
    ...(fromLogs
      ? []
      : ([
          ["Published size (zip)", "bytes", (result) => result.zipBytes, false],
          ["Files in the zip", "count", (result) => result.zipEntries, false],
          ["Executable size", "bytes", (result) => result.executableBytes, false],
        ] satisfies RowSpec[])),
    ["Cold starts", "count", (result) => result.coldStarts, false],
    ["Warm invocations", "count", (result) => result.warmInvocations, false],
    ...statRows("Init duration", (result) => result.init),
    ...statRows("First invocation duration", (result) => result.first),
    ...statRows("Warm invocation duration", (result) => result.warm),
    ...(fromLogs
      ? ([
          ["Billed duration of a cold start, median", "ms", (result) => result.billedCold?.median, true],
          ["Billed duration of a warm invocation, median", "ms", (result) => result.billedWarm?.median, true],
        ] satisfies RowSpec[])
      : []),
    ["Max memory used", "MB", (result) => result.maxMemoryUsedMb, true],
    ["Memory size", "MB", (result) => result.memorySizeMb, false],
    ["Failed invocations", "count", (result) => result.failures, false],
    ...(fromLogs
      ? ([["Malformed lines skipped", "count", (result) => result.malformed, false]] satisfies RowSpec[])
      : []),
  ];
  return specs.map(([metric, unit, pick, timed]) => {
    const a = pick(x86);
    const b = pick(arm);
    return { metric, unit, x86_64: a, arm64: b, changePercent: percentChange(a, b), affectedByEmulation: timed };
  });
}

/** Thousands separators, fixed decimals; the table uses this for every number. */
function formatNumber(value: number, decimals: number): string {
  return value.toLocaleString("en-GB", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A row's value as a table cell ("12.34 ms", "29.81 MiB (31,258,112 B)", "1"). */
export function formatCell(value: number | undefined, unit: RowUnit): string {
  if (value === undefined || !Number.isFinite(value)) {
    return "–";
  }
  switch (unit) {
    case "bytes":
      return `${formatNumber(value / 1024 / 1024, 2)} MiB (${formatNumber(value, 0)} B)`;
    case "count":
      return formatNumber(value, 0);
    case "ms":
      return `${formatNumber(value, 2)} ms`;
    case "MB":
      return `${formatNumber(value, 0)} MB`;
  }
}

/** "+12.3%", "-4.0%", "0.0%", or "–" when there is nothing to compare. */
export function formatChange(change: number | undefined): string {
  if (change === undefined) {
    return "–";
  }
  const rounded = (Math.sign(change) * Math.round(Math.abs(change) * 10)) / 10;
  return `${rounded > 0 ? "+" : ""}${formatNumber(rounded === 0 ? 0 : rounded, 1)}%`;
}

const EMULATED_MARK = "†";

function columnTitle(result: ArchResult): string {
  return result.emulation === undefined
    ? result.arch
    : `${result.arch} (emulated: ${result.emulation}) ${EMULATED_MARK}`;
}

/** Context printed under the table: sample counts, where the figures came from, what emulation means. */
export interface TableNotes {
  readonly title?: string | undefined;
  readonly lines?: readonly string[] | undefined;
}

/**
 * The Markdown table for two builds, x86_64 first, with the change in percent from x86_64 to arm64.
 * Timing and memory cells from an emulated build carry a † and a footnote.
 */
export function renderCompareTable(x86: ArchResult, arm: ArchResult, notes: TableNotes = {}): string {
  const rows = buildCompareRows(x86, arm);
  const emulated = x86.emulation !== undefined || arm.emulation !== undefined;
  const mark = (result: ArchResult, row: CompareRow, cell: string): string =>
    result.emulation !== undefined && row.affectedByEmulation && cell !== "–" ? `${cell} ${EMULATED_MARK}` : cell;
  const lines = [
    `### ${notes.title ?? (x86.source === "logs" ? "x86_64 vs arm64 (from Lambda REPORT logs)" : "x86_64 vs arm64 (local runs)")}`,
    "",
    `| Metric | ${columnTitle(x86)} | ${columnTitle(arm)} | Change |`,
    "| --- | ---: | ---: | ---: |",
    ...rows.map((row) => {
      const change = formatChange(row.changePercent);
      const changeCell = emulated && row.affectedByEmulation && change !== "–" ? `${change} ${EMULATED_MARK}` : change;
      return `| ${row.metric} | ${mark(x86, row, formatCell(row.x86_64, row.unit))} | ${mark(arm, row, formatCell(row.arm64, row.unit))} | ${changeCell} |`;
    }),
  ];
  const footnotes = [...(notes.lines ?? [])];
  for (const result of [x86, arm]) {
    if (result.emulation !== undefined) {
      footnotes.push(
        `${EMULATED_MARK} ${result.arch} was emulated by ${result.emulation} on this host: its durations and memory measure the emulator, not the hardware, so the change is not a Graviton figure.`,
      );
    }
  }
  for (const footnote of footnotes) {
    lines.push("", footnote);
  }
  return `${lines.join("\n")}\n`;
}

/** The same comparison as data, for `--json`. */
export interface CompareJson {
  readonly source: "local" | "logs";
  readonly x86_64: ArchResult;
  readonly arm64: ArchResult;
  readonly rows: readonly CompareRow[];
}

/** The JSON form of the table: both results in full plus the rows with their change. */
export function renderCompareJson(x86: ArchResult, arm: ArchResult): CompareJson {
  return { source: x86.source, x86_64: x86, arm64: arm, rows: buildCompareRows(x86, arm) };
}
