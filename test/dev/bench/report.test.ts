import { expect, test } from "bun:test";
import fixture from "../../fixtures/bench/results.json" with { type: "json" };
import { evaluateBudgets } from "../../../src/dev/bench/budgets.ts";
import {
  describeMachine,
  formatMargin,
  markdownTable,
  percentilesCell,
  renderReport,
} from "../../../src/dev/bench/report.ts";
import type { BenchResults } from "../../../src/dev/bench/results.ts";

const results = fixture as unknown as BenchResults;

test("renders the whole report exactly as the README quotes it", async () => {
  const expected = await Bun.file(new URL("../../fixtures/bench/report.md", import.meta.url)).text();
  expect(renderReport(results, evaluateBudgets(results))).toBe(expected);
});

test("describes the machine in one line", () => {
  expect(describeMachine(results.machine)).toBe("Test CPU 9000, 2 CPUs, 4.0 GiB RAM, Linux 6.1.0-test (x86_64)");
  expect(describeMachine({ ...results.machine, cpus: 1 })).toContain("1 CPU,");
});

test("right-aligns number columns, left-aligns text columns and escapes pipes", () => {
  expect(markdownTable(["what", "note", "ms"], [["a|b", "x", "1"]], 2)).toBe(
    ["| what | note | ms |", "| --- | --- | ---: |", "| a\\|b | x | 1 |"].join("\n"),
  );
});

test.each<[Parameters<typeof percentilesCell>[0], string]>([
  [{ count: 3, min: 0.1, p50: 0.2, p95: 0.75, p99: 1.5, max: 2, mean: 0.3 }, "0.200 / 0.750 / 1.50"],
  [undefined, "–"],
])("writes a latency cell as p50 / p95 / p99", (stats, cell) => {
  expect(percentilesCell(stats)).toBe(cell);
});

test.each<[number, string]>([
  [228_800, "228,800 (0.44 %)"],
  [-71_200, "−71,200 (−0.14 %)"],
])("writes a zip margin of %p bytes as %p", (margin, text) => {
  expect(formatMargin(margin, 52_428_800)).toBe(text);
});

test("names the cold-cache method, or why it was skipped", () => {
  const skipped = renderReport(results, []);
  expect(skipped).toContain("Cold cache: skipped (not root: dropping the page cache needs root).");
  const cold = renderReport({ ...results, coldSkipped: undefined, coldStarts: results.warmStarts }, []);
  expect(cold).toContain("evicted from the page cache (posix_fadvise DONTNEED) before every start");
  expect(cold).toContain("| cold init p50 |");
});

test("heads the report with cold and warm first answers, bytes read and faults for the bootstrap and both floors", () => {
  const coldStarts = results.warmStarts.map((start) => ({
    ...start,
    firstAnswerReadBytes: start.candidate === "bootstrap" ? 103_591_936 : 103_174_144,
    firstAnswerMajorFaults: start.candidate === "bootstrap" ? 36 : 33,
  }));
  const report = renderReport({ ...results, coldSkipped: undefined, coldStarts }, []);
  const headline = report.slice(report.indexOf("### Headline"), report.indexOf("### Candidates"));
  const rows = headline.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| ---"));
  expect(rows.map((row) => row.split(" | ")[0])).toEqual(["| candidate", "| bootstrap", "| floor", "| bare floor"]);
  expect(rows[1]).toContain("| 103,591,936 | 36 |");
  expect(rows[2]).toContain("| 103,174,144 | 33 |");
  expect(rows[2]).toContain("| 1.00× | 1.00× |");
  expect(headline).toContain("read_bytes");
});

test("marks a quick run as not for the README", () => {
  expect(renderReport({ ...results, settings: { ...results.settings, quick: true } }, [])).toContain(
    "(--quick: small counts, not for the README)",
  );
});

test("prints the concurrency table when the run measured it, and nothing for older results", () => {
  const concurrency = [
    { concurrency: 1, invocations: 1000, failures: 0, throughputPerSecond: 812.4, p50Ms: 1.04, p99Ms: 3.2 },
    { concurrency: 16, invocations: 1000, failures: 2, throughputPerSecond: 2270.2, p50Ms: 5.46, p99Ms: 31.4 },
  ];
  const report = renderReport({ ...results, concurrency }, []);
  expect(report).toContain(
    "### Concurrency: the bootstrap with several invocations in flight (Lambda Managed Instances)",
  );
  expect(report).toContain("| in flight | invocations | throughput (/s) | p50 | p99 | failed |");
  expect(report).toContain("| 1 | 1,000 | 812 | 1.04 ms | 3.20 ms | 0 |");
  expect(report).toContain("| 16 | 1,000 | 2270 | 5.46 ms | 31.40 ms | 2 |");
  expect(renderReport(results, [])).not.toContain("### Concurrency");
});
