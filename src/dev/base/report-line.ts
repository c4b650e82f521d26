/**
 * Lambda's per-invocation REPORT line, written by `bun run invoke` the way the platform writes it
 * to CloudWatch (README, Decisions D23), so the same parser reads local and real logs.
 */

/** One invocation's figures, as in a REPORT line or a JSON `platform.report` record. */
export interface InvocationReport {
  readonly requestId: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  /** Undefined when it could not be measured (the process was gone before it was read). */
  readonly maxMemoryUsedMb: number | undefined;
  /** Present on a cold start only. */
  readonly initDurationMs?: number | undefined;
  /** SnapStart restores report this instead of an init duration. */
  readonly restoreDurationMs?: number | undefined;
  /** "success" when the line carries no status; otherwise Lambda's word ("timeout", "error"…). */
  readonly status?: string | undefined;
  readonly errorType?: string | undefined;
}

/**
 * Billed Duration for a custom runtime: init counts towards it on a cold start ("Initialization counts
 * towards billed execution time"; since 2025-08 for every runtime), in 1 ms steps (README, Decisions D23).
 */
export function billedDurationMs(durationMs: number, initDurationMs?: number): number {
  return Math.ceil(durationMs + (initDurationMs ?? 0));
}

/** Peak RSS in KiB as Lambda's "Max Memory Used" (whole MB, rounded up). */
export function kibToMb(kib: number): number {
  return Math.ceil(kib / 1024);
}

/**
 * `REPORT RequestId: <id>\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\t
 * Max Memory Used: 40 MB\tInit Duration: 55.10 ms`, plus `Status: timeout` when the invocation failed
 * that way, as Lambda prints it.
 */
export function formatReportLine(report: InvocationReport): string {
  const fields = [
    `REPORT RequestId: ${report.requestId}`,
    `Duration: ${report.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${report.billedDurationMs} ms`,
    `Memory Size: ${report.memorySizeMb} MB`,
    `Max Memory Used: ${report.maxMemoryUsedMb === undefined ? "?" : report.maxMemoryUsedMb} MB`,
  ];
  if (report.initDurationMs !== undefined) {
    fields.push(`Init Duration: ${report.initDurationMs.toFixed(2)} ms`);
  }
  if (report.restoreDurationMs !== undefined) {
    fields.push(`Restore Duration: ${report.restoreDurationMs.toFixed(2)} ms`);
  }
  if (report.status !== undefined && report.status !== "success") {
    fields.push(`Status: ${report.status}`);
    if (report.errorType !== undefined) {
      fields.push(`Error Type: ${report.errorType}`);
    }
  }
  return fields.join("\t");
}
