/**
 * `bun run src/dev/bench/record-order.ts`: records the bytecode-order profiles `bun run build` compiles
 * with (`BYTECODE_ORDER_FILES`), by running `dist/x86_64/bootstrap` behind the emulator and the
 * recorded backends: once to the first launch answer, once through every kind of request. Run
 * `bun run build` first; rebuild afterwards.
 */
import { resolve } from "node:path";
import { startRuntimeApiEmulator } from "../base/emulator.ts";
import { buildEvent, LOCAL_SKILL_ID, type AlexaEvent } from "../base/events.ts";
import { RECORDED_ACCESS_TOKEN } from "../base/fake-backends.ts";
import { BYTECODE_ORDER_FILES } from "../base/build-plan.ts";
import { spawnMeasured } from "../base/bootstrap-process.ts";
import { startBenchBackends } from "./backends.ts";
import { functionEnvironment, type Candidate } from "./plan.ts";

const ROOT = resolve(import.meta.dir, "../../..");
const EXIT_TIMEOUT_MS = 5_000;

/** The requests of each profile, in the order the files are listed (most common start first). */
const RUNS: readonly (readonly AlexaEvent[])[] = [
  [buildEvent("launch")],
  [
    buildEvent("launch"),
    buildEvent("status", { line: "victoria" }),
    buildEvent("disruption"),
    buildEvent("commute", { accessToken: RECORDED_ACCESS_TOKEN }),
    buildEvent("help"),
  ],
];

/**
 * Runs the bootstrap with `BUN_BYTECODE_ORDER_OUT` for each profile. Bun writes the profile when the
 * process exits, so the emulator answers the next `GET /next` with a 500 and the loop exits.
 */
async function recordBytecodeOrder(binary: string, log: (line: string) => void): Promise<void> {
  const backends = startBenchBackends();
  try {
    for (const [index, events] of RUNS.entries()) {
      const out = resolve(ROOT, BYTECODE_ORDER_FILES[index] ?? "");
      const emulator = await startRuntimeApiEmulator({ record: false });
      try {
        const env = functionEnvironment({ env: {} } as unknown as Candidate, {
          runtimeApi: emulator.address,
          backendUrl: backends.cached.url,
          taskRoot: ROOT,
          path: process.env["PATH"] ?? "/usr/bin:/bin",
          skillId: LOCAL_SKILL_ID,
        });
        const child = spawnMeasured([binary], { env: { ...env, BUN_BYTECODE_ORDER_OUT: out }, cwd: ROOT });
        await emulator.waitForNext();
        for (const event of events) {
          const outcome = await emulator.invoke(event);
          if (outcome.kind !== "response") throw new Error(`${outcome.kind} while recording ${out}`);
        }
        emulator.injectFault({ on: "next", status: 500, times: 1 });
        const timer = setTimeout(() => child.kill("SIGKILL"), EXIT_TIMEOUT_MS);
        await child.exited;
        clearTimeout(timer);
        log(`${events.length} request(s) → ${BYTECODE_ORDER_FILES[index] ?? out}`);
      } finally {
        await emulator.stop();
      }
    }
  } finally {
    await backends.stop();
  }
}

if (import.meta.main) {
  await recordBytecodeOrder(resolve(ROOT, "dist/x86_64/bootstrap"), (line) => process.stderr.write(`${line}\n`));
}
