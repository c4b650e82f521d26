/**
 * The bench's Markdown: machine, starts, latency, memory, size, build time and budgets, as tables
 * that paste into the README unchanged. Pure text from results, so the exact output is tested.
 */
import { formatBytes } from "../base/format.ts";
import { formatKib, formatMs, formatSignedKib, type BudgetOutcome } from "./budgets.ts";
import { FLOOR_IDS, REQUEST_KINDS, START_COPIES, type CandidateId } from "./plan.ts";
import type { BenchResults, CandidateInfo, MachineInfo, StartResult } from "./results.ts";
import { ratio, type Percentiles } from "./stats.ts";

/** One line describing the machine, e.g. `AMD EPYC, 2 CPUs, 23.5 GiB RAM, Linux 6.18.44 (x86_64)`. */
export function describeMachine(machine: MachineInfo): string {
  const gib = (machine.memoryBytes / 1024 ** 3).toFixed(1);
  return (
    `${machine.cpuModel}, ${machine.cpus} CPU${machine.cpus === 1 ? "" : "s"}, ${gib} GiB RAM, ` +
    `${machine.os} ${machine.kernel} (${machine.arch})`
  );
}

/**
 * A Markdown table; cells are escaped for `|`. Columns are right-aligned (numbers) except the first
 * and the first `textColumns`, which hold words.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  textColumns = 1,
): string {
  const escape = (cell: string): string => cell.replaceAll("|", "\\|");
  const line = (cells: readonly string[]): string => `| ${cells.map(escape).join(" | ")} |`;
  const rule = `|${header.map((_, index) => (index < Math.max(1, textColumns) ? " --- " : " ---: ")).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** The whole report: what `bun run bench` prints and the README quotes. */
export function renderReport(
  results: BenchResults,
  budgets: readonly BudgetOutcome[],
  options: readonly BudgetOutcome[] = [],
): string {
  const sections = [
    "## Benchmark",
    describeRun(results),
    "### Headline: process start → first answer, cold and warm cache",
    headlineTable(results),
    results.coldSkipped === undefined
      ? "Cold cache: the candidate's executable is evicted from the page cache (posix_fadvise DONTNEED) before every start, so it is read from the disk as in a Lambda cold start. " +
        "Read from disk: `read_bytes` of /proc/<pid>/io when the answer arrives, the kernel's read-ahead around each page fault included (this machine reads ahead " +
        "several MiB per fault, so it approaches the executable's size); page faults from /proc/<pid>/stat."
      : `Cold cache: skipped (${results.coldSkipped}).`,
    "### Candidates",
    markdownTable(
      ["candidate", "what it is", "executable bytes"],
      results.candidates.map((candidate) => [
        candidate.label,
        candidate.description,
        candidate.executableBytes === undefined ? "–" : formatBytes(candidate.executableBytes),
      ]),
      2,
    ),
    "### Start: process start → first `GET /next` (init) → first launch answered",
    startTable(results),
    "### Warm invocation latency",
    latencyTable(results),
    "### Memory: peak RSS (VmHWM) over warm status invocations in a fresh process",
    memoryTable(results),
    ...(results.concurrency === undefined || results.concurrency.length === 0
      ? []
      : [
          "### Concurrency: the bootstrap with several invocations in flight (Lambda Managed Instances)",
          concurrencyTable(results),
        ]),
    "### Size",
    sizeTable(results),
    ...(results.builds.length === 0 ? [] : ["### Build time", buildTable(results)]),
    "### Budgets",
    markdownTable(
      ["budget", "measured", "limit", "verdict"],
      budgets.map((outcome) => [outcome.budget, outcome.measured, outcome.limit, verdictMark(outcome.verdict)]),
      4,
    ),
    ...(options.length === 0
      ? []
      : [
          "### Run-time options against the same budgets (set in the function environment; the deploy commands set FTL off)",
          markdownTable(
            ["option", "measured", "limit", "verdict"],
            options.map((outcome) => [outcome.budget, outcome.measured, outcome.limit, verdictMark(outcome.verdict)]),
            4,
          ),
        ]),
    ...(results.notes.length === 0 ? [] : [results.notes.map((note) => `- ${note}`).join("\n")]),
  ];
  return `${sections.join("\n\n")}\n`;
}

function describeRun(results: BenchResults): string {
  const { settings } = results;
  const versions = `Bun ${results.bunVersion}${results.nodeVersion === undefined ? "" : `, Node.js ${results.nodeVersion}`}`;
  return [
    `Machine: ${describeMachine(results.machine)}; ${versions}; run ${results.startedAt.slice(0, 16).replace("T", " ")} UTC, ` +
      `took ${(results.durationMs / 1000).toFixed(0)} s${settings.quick ? " (--quick: small counts, not for the README)" : ""}.`,
    `Counts: ${settings.starts} warm-cache starts and ${results.coldSkipped === undefined ? settings.coldStarts : 0} cold-cache starts ` +
      `per candidate, ${formatBytes(settings.invocations)} warm invocations per request kind, ` +
      `a ${formatBytes(settings.soakInvocations)}-invocation memory soak. Candidates alternate (rotated every round), ` +
      `the compiled ones started from ${START_COPIES} byte-identical copies each in turn; ` +
      "TfL and the skill API answer from recordings on 127.0.0.1; the Runtime API is our emulator in the bench process.",
  ].join("\n");
}

/** The bootstrap and both floors: the figures a Lambda user feels first. */
function headlineTable(results: BenchResults): string {
  const cold = new Map(results.coldStarts.map((start) => [start.candidate, start]));
  const warm = new Map(results.warmStarts.map((start) => [start.candidate, start]));
  const ids: CandidateId[] = ["bootstrap", ...FLOOR_IDS];
  const floorCold = cold.get("floor")?.firstAnswerMs?.p50;
  const floorWarm = warm.get("floor")?.firstAnswerMs?.p50;
  const rows = ids
    .filter((id) => warm.has(id))
    .map((id) => {
      const coldStart = cold.get(id);
      const warmStart = warm.get(id);
      return [
        labelOf(results.candidates, id),
        msCell(coldStart?.firstAnswerMs?.p50),
        msCell(coldStart?.firstAnswerMs?.p95),
        coldStart?.firstAnswerReadBytes === undefined ? "–" : formatBytes(coldStart.firstAnswerReadBytes),
        countCell(coldStart?.firstAnswerMajorFaults),
        msCell(warmStart?.firstAnswerMs?.p50),
        countCell(warmStart?.firstAnswerMinorFaults),
        ratioCell(ratio(coldStart?.firstAnswerMs?.p50, floorCold)),
        ratioCell(ratio(warmStart?.firstAnswerMs?.p50, floorWarm)),
      ];
    });
  return markdownTable(
    [
      "candidate",
      "cold first answer p50",
      "cold p95",
      "bytes read from disk until the first answer (cold)",
      "major faults (cold)",
      "warm first answer p50",
      "minor faults (warm)",
      "× floor, cold",
      "× floor, warm",
    ],
    rows,
  );
}

function countCell(value: number | undefined): string {
  return value === undefined ? "–" : formatBytes(Math.round(value));
}

function startTable(results: BenchResults): string {
  const cold = new Map(results.coldStarts.map((start) => [start.candidate, start]));
  const hasCold = results.coldStarts.length > 0;
  const header = [
    "candidate",
    "init p50",
    "init p95",
    "first answer p50",
    "first answer p95",
    ...(hasCold ? ["cold init p50", "cold init p95", "cold first answer p50"] : []),
    "peak RSS at first answer",
  ];
  const rows = results.warmStarts.map((start) => {
    const label = labelOf(results.candidates, start.candidate);
    const coldStart = cold.get(start.candidate);
    return [
      label + failureNote(start),
      msCell(start.initMs?.p50),
      msCell(start.initMs?.p95),
      msCell(start.firstAnswerMs?.p50),
      msCell(start.firstAnswerMs?.p95),
      ...(hasCold
        ? [msCell(coldStart?.initMs?.p50), msCell(coldStart?.initMs?.p95), msCell(coldStart?.firstAnswerMs?.p50)]
        : []),
      start.firstAnswerPeakKb === undefined ? "–" : formatKib(start.firstAnswerPeakKb),
    ];
  });
  return markdownTable(header, rows);
}

function latencyTable(results: BenchResults): string {
  const uncached = results.latency.filter((latency) => latency.tfl === "uncached");
  const header = [
    "request (ms: p50 / p95 / p99)",
    ...uncached.map((latency) => labelOf(results.candidates, latency.candidate)),
  ];
  const rows = REQUEST_KINDS.map((kind) => [
    kind,
    ...uncached.map((latency) => percentilesCell(latency.kinds.find((entry) => entry.kind === kind)?.ms)),
  ]);
  for (const cached of results.latency.filter((latency) => latency.tfl === "cached")) {
    const cells = uncached.map((latency) =>
      latency.candidate === cached.candidate
        ? percentilesCell(cached.kinds.find((entry) => entry.kind === "status")?.ms)
        : "",
    );
    rows.push(["status, TfL answer cached", ...cells]);
  }
  const failures = results.latency.filter((latency) => latency.failures > 0);
  const legend =
    "Time from handing the event to the Runtime API emulator to the posted answer, measured in the bench process. " +
    "TfL answers `Cache-Control: no-cache`, so status, disruption and commute call TfL (and commute the skill API) on 127.0.0.1 every time; " +
    "the last row is the bootstrap with TfL's recorded `max-age=30`, the production path for repeated questions. " +
    "The floors echo the event, so their column is the cost of the Runtime API round trip alone.";
  const failureText = failures
    .map((latency) => `${labelOf(results.candidates, latency.candidate)}: ${latency.failures} failed invocations`)
    .join("; ");
  return [markdownTable(header, rows), legend + (failureText === "" ? "" : ` Failures: ${failureText}.`)].join("\n\n");
}

function concurrencyTable(results: BenchResults): string {
  const rows = (results.concurrency ?? []).map((summary) => [
    String(summary.concurrency),
    formatBytes(summary.invocations),
    summary.throughputPerSecond.toFixed(0),
    msCell(summary.p50Ms),
    msCell(summary.p99Ms),
    String(summary.failures),
  ]);
  const legend =
    "Invocations in flight at once, each sender handing over its next event as soon as its last is answered; " +
    "above 1 the bootstrap runs with `AWS_LAMBDA_MAX_CONCURRENCY` set to the level, at 1 it is the on-demand loop. " +
    "The five request kinds in turn, TfL uncached on 127.0.0.1, in a fresh process per level after one unmeasured round. " +
    "Latency is hand-over to posted answer, so it includes the wait behind the other invocations in flight; on two shared cores " +
    "the CPU, not the I/O, is the limit.";
  return [markdownTable(["in flight", "invocations", "throughput (/s)", "p50", "p99", "failed"], rows, 1), legend].join(
    "\n\n",
  );
}

function memoryTable(results: BenchResults): string {
  const floorAt1000 = (id: CandidateId): number | undefined =>
    results.memory.find((memory) => memory.candidate === id)?.after1000PeakKb;
  const floors = FLOOR_IDS.filter((id) => results.memory.some((memory) => memory.candidate === id));
  const header = [
    "candidate",
    "after init",
    "after 1,000 (median; range)",
    "at the end (invocations)",
    "RSS trend, 2nd → last fifth",
    ...floors.map((id) => `× ${labelOf(results.candidates, id)} at 1,000`),
  ];
  const rows = results.memory.map((memory) => [
    labelOf(results.candidates, memory.candidate) + (memory.failures > 0 ? ` (${memory.failures} failed)` : ""),
    kibCell(memory.afterInitPeakKb),
    kibCell(memory.after1000PeakKb) + spread(memory.after1000PeakKbSamples),
    `${kibCell(memory.finalPeakKb)} (${formatBytes(memory.invocations)})`,
    memory.trend === undefined ? "–" : formatSignedKib(memory.trend.growthKb),
    ...floors.map((id) => ratioCell(ratio(memory.after1000PeakKb, floorAt1000(id)))),
  ]);
  return markdownTable(header, rows);
}

function sizeTable(results: BenchResults): string {
  const empty = results.emptyExecutableBytes;
  const rows = results.sizes.map((size) => [
    size.label,
    formatBytes(size.bytes),
    empty === undefined ? "–" : signedBytes(size.bytes - empty),
    size.zipBytes === undefined ? "–" : formatBytes(size.zipBytes),
    size.zipBytes === undefined ? "–" : formatMargin(results.zipLimitBytes - size.zipBytes, results.zipLimitBytes),
  ]);
  return [
    markdownTable(["artefact", "executable bytes", "over empty Bun", "zip bytes", "zip margin to 52,428,800"], rows),
    "Zips made exactly as `bun run build` makes them (same zip step, same deflate level).",
  ].join("\n\n");
}

function buildTable(results: BenchResults): string {
  const rows = results.builds.map((build) => [
    build.arch,
    formatSeconds(build.compileMs),
    build.zipMs === undefined ? "–" : formatSeconds(build.zipMs),
    formatBytes(build.bytes),
    build.zipBytes === undefined ? "–" : formatBytes(build.zipBytes),
  ]);
  const wall =
    results.buildWallMs === undefined
      ? ""
      : `Both architectures, compiles in turn and zips together as \`bun run build\` runs them: ${(results.buildWallMs / 1000).toFixed(1)} s.`;
  return [markdownTable(["arch", "compile", "zip (concurrent)", "bootstrap bytes", "zip bytes"], rows), wall]
    .filter((part) => part !== "")
    .join("\n\n");
}

function labelOf(candidates: readonly CandidateInfo[], id: CandidateId): string {
  return candidates.find((candidate) => candidate.id === id)?.label ?? id;
}

function failureNote(start: StartResult): string {
  return start.failures > 0 ? ` (${start.failures} failed)` : "";
}

function msCell(ms: number | undefined): string {
  return ms === undefined ? "–" : formatMs(ms);
}

function kibCell(kib: number | undefined): string {
  return kib === undefined ? "–" : formatKib(kib);
}

function spread(samples: readonly number[]): string {
  if (samples.length < 2) return "";
  const low = Math.min(...samples);
  const high = Math.max(...samples);
  return ` (${(low / 1024).toFixed(1)}–${(high / 1024).toFixed(1)})`;
}

function ratioCell(value: number | undefined): string {
  return value === undefined ? "–" : `${value.toFixed(2)}×`;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Bytes left under a limit and their share of it; a minus sign when over. */
export function formatMargin(margin: number, limit: number): string {
  return `${signedBytes(margin).replace(/^\+/, "")} (${((margin / limit) * 100).toFixed(2).replace("-", "−")} %)`;
}

function signedBytes(bytes: number): string {
  return `${bytes >= 0 ? "+" : "−"}${formatBytes(Math.abs(bytes))}`;
}

/** `p50 / p95 / p99` in milliseconds without the unit (the column header carries it). */
export function percentilesCell(stats: Percentiles | undefined): string {
  if (stats === undefined) return "–";
  return [stats.p50, stats.p95, stats.p99].map((ms) => formatMs(ms).replace(" ms", "")).join(" / ");
}

function verdictMark(verdict: BudgetOutcome["verdict"]): string {
  switch (verdict) {
    case "met":
      return "✓ met";
    case "met, stretch met":
      return "✓ met (stretch too)";
    case "missed":
      return "✗ missed";
    case "not measured":
      return "– not measured";
  }
}
