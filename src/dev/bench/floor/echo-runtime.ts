/**
 * The floor: the smallest Bun-compiled Runtime API loop, answering every event with itself. The
 * benchmark compares the real bootstrap against this build; the process tests run it on both archs.
 */
import { startRuntime } from "../../../runtime/index.ts";
import type { Handler, Init } from "../../../runtime/index.ts";

/** Answers with the event it was given. */
export const echo: Handler<undefined> = (event) => Promise.resolve(event);

/** Nothing to prepare. */
const noInit: Init<undefined> = () => undefined;

/**
 * The bench's like-for-like floor for the skill's warm JIT policy (WARM_JIT_POLICY in src/main.ts) sets this; unset,
 * the floor keeps the runtime's default, JavaScriptCore's normal policy.
 */
export const FLOOR_WARM_JIT_POLICY_VARIABLE = "FLOOR_WARM_JIT_POLICY";

if (import.meta.main) {
  const warmJitPolicy = process.env[FLOOR_WARM_JIT_POLICY_VARIABLE];
  await startRuntime(echo, noInit, { warmJitPolicy: warmJitPolicy === undefined ? undefined : Number(warmJitPolicy) });
}
