/**
 * `bun run bench`: the bootstrap against the floor, Node.js and Bun's JIT, in one alternating run.
 * Prints the Markdown report on stdout (progress on stderr) and writes the results as JSON.
 */
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { processIo, runCli, type CliIo } from "../base/cli-support.ts";
import { BENCH_USAGE, parseBenchArgs } from "./args.ts";
import { evaluateBudgets, evaluateOptions } from "./budgets.ts";
import { formatBenchPlan, planBench } from "./plan.ts";
import { renderReport } from "./report.ts";
import { runProfile } from "./profile.ts";
import { probeDropCaches, runBench } from "./runner.ts";

const ROOT = resolve(import.meta.dir, "../../..");

/** Runs the bench with these arguments; returns the exit code (1 when a candidate failed). */
export async function runBenchCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const command = parseBenchArgs(argv);
  if (command.kind === "help") {
    io.out(BENCH_USAGE);
    return 0;
  }
  if (command.kind === "profile") {
    const outcome = await runProfile(command, ROOT, process.execPath);
    io.out(`${outcome.summary}\n\n${outcome.heap}\n\nprofile: ${outcome.profilePath}`);
    return 0;
  }
  const settings = command;
  const node = Bun.which("node") ?? undefined;
  const plan = planBench({
    settings,
    bun: process.execPath,
    node,
    // A dry run changes nothing, so it only guesses from the user id; a real run tries the write.
    cannotDropCaches: settings.dryRun ? (process.getuid?.() === 0 ? undefined : "not root") : probeDropCaches(),
  });
  if (settings.dryRun) {
    io.out(formatBenchPlan(plan));
    return 0;
  }
  const results = await runBench(plan, { root: ROOT, log: io.err });
  const budgets = evaluateBudgets(results);
  const options = evaluateOptions(results);
  const outFile = resolve(ROOT, settings.outFile);
  await mkdir(dirname(outFile), { recursive: true });
  await Bun.write(outFile, `${JSON.stringify({ ...results, budgets, options }, null, 2)}\n`);
  io.out(renderReport(results, budgets, options));
  io.err(`results: ${settings.outFile}`);
  const failed =
    results.warmStarts.some((start) => start.failures > 0) ||
    results.latency.some((latency) => latency.failures > 0) ||
    results.memory.some((memory) => memory.failures > 0);
  return failed ? 1 : 0;
}

if (import.meta.main) {
  process.exitCode = await runCli(() => runBenchCli(Bun.argv.slice(2)), BENCH_USAGE);
}
