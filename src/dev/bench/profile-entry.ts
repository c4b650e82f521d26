/**
 * `bun run bench --profile` runs the skill from source through this entry under `--cpu-prof-md`:
 * main's own init and handler, exiting after PROFILE_INVOCATIONS answers so Bun writes the profile,
 * and printing JavaScriptCore's heap statistics first. Never compiled into `bootstrap`.
 */
import { heapStats } from "bun:jsc";
import { handle, init, type AppDeps } from "../../main.ts";
import { startRuntime, type Handler } from "../../runtime/index.ts";

/** main's handler, counting answers; after the `limit`th the process reports and exits. */
function countAnswers(limit: number): Handler<AppDeps> {
  let done = 0;
  return async (event, context, deps) => {
    const answer = await handle(event, context, deps);
    done += 1;
    if (done >= limit) reportAndExit(done);
    return answer;
  };
}

function reportAndExit(done: number): void {
  const heap = heapStats();
  const memory = process.memoryUsage();
  process.stderr.write(
    `bench.profile.heap ${JSON.stringify({
      invocations: done,
      heapSize: heap.heapSize,
      heapCapacity: heap.heapCapacity,
      extraMemorySize: heap.extraMemorySize,
      objectCount: heap.objectCount,
      rss: memory.rss,
      topTypes: Object.entries(heap.objectTypeCounts)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8),
    })}\n`,
  );
  // After the answer is posted: the bench is waiting for it before it waits for the exit.
  setTimeout(() => process.exit(0), 20);
}

await startRuntime(countAnswers(Number(process.env["PROFILE_INVOCATIONS"] ?? "2000")), init);
