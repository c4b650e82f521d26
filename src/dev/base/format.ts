/**
 * How the build talks: one progress line per step and a closing size table. Pure text, so the
 * exact output is tested.
 */

/** Thousands separators, so byte counts near the limit can be compared by eye. */
export function formatBytes(bytes: number): string {
  return new Intl.NumberFormat("en-GB").format(bytes);
}

/** Seconds with one decimal: steps take from a tenth of a second to several seconds. */
export function formatDuration(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One progress line, e.g. `compile x86_64 → dist/x86_64/bootstrap … 0.7 s`. */
export function formatStepLine(label: string, target: string, ms: number): string {
  return `${label} → ${target} … ${formatDuration(ms)}`;
}

/** The figures the closing table shows for one architecture. */
export interface SizeRow {
  readonly arch: string;
  readonly bytes: number;
  readonly zipBytes: number;
}

/**
 * Executable and zip sizes with the headroom left under the zip limit, in bytes and as a share of
 * the limit (negative when over).
 */
export function formatSizeTable(rows: readonly SizeRow[], limitBytes: number): string {
  const header = ["arch", "bootstrap bytes", "zip bytes", "margin bytes", "margin"];
  const body = rows.map((row) => {
    const margin = limitBytes - row.zipBytes;
    return [
      row.arch,
      formatBytes(row.bytes),
      formatBytes(row.zipBytes),
      formatBytes(margin),
      `${((margin / limitBytes) * 100).toFixed(2)} %`,
    ];
  });
  const table = [header, ...body];
  const widths = header.map((_, column) => Math.max(...table.map((cells) => cells[column]?.length ?? 0)));
  const lines = table.map((cells) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join("  "),
  );
  lines.push(`zip limit ${formatBytes(limitBytes)} bytes (Lambda direct upload)`);
  return `${lines.join("\n")}\n`;
}
