import { expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { runBenchCli } from "../../../src/dev/bench/cli.ts";
import { skipReason } from "../helpers/builds.ts";
import { captureIo } from "../helpers/capture-io.ts";

const ROOT = resolve(import.meta.dir, "../../..");

// The whole bench with tiny counts against the real build: about 15 s on two cores.
const quickBenchSkip = skipReason("x86_64", "the quick bench");
test.skipIf(quickBenchSkip !== undefined)(
  "runs a quick bench end to end against the built bootstrap and writes its JSON",
  async () => {
    const out = "dist/bench/test-quick-results.json";
    await rm(resolve(ROOT, out), { force: true });
    const { out: printed, err, io } = captureIo();
    const code = await runBenchCli(
      ["--quick", "--cold-starts", "0", "--soak", "1000", "--invocations", "20", "--out", out],
      io,
    );
    expect({ code, err: code === 0 ? "" : err.join("\n") }).toEqual({ code: 0, err: "" });
    const report = printed.join("");
    expect(report).toContain("### Budgets");
    const results = await Bun.file(resolve(ROOT, out)).json();
    expect(results.schema).toBe("london-travel-bench/1");
    expect(
      results.memory.find((memory: { candidate: string }) => memory.candidate === "bootstrap").after1000PeakKb,
    ).toBeGreaterThan(0);
    await rm(resolve(ROOT, out), { force: true });
  },
  90_000,
);
