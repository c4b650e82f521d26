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

if (import.meta.main) await startRuntime(echo, noInit);
