/**
 * Test-only build entry, never shipped (build.ts compiles src/main.ts alone): the real skill and
 * runtime, plus two events that fail where nobody can catch them, so the tests can check through a
 * compiled binary what the runtime does with an uncaught exception or an unhandled rejection. Both
 * carry the TfL key in their message, which must never reach the output.
 */
import { handle, serve, type AppDeps } from "../../main.ts";
import type { Handler } from "../../runtime/index.ts";

/** `{"uncaught": "exception"}` or `{"uncaught": "rejection"}`; any other event goes to the skill. */
export const handleOrFail: Handler<AppDeps> = (event, context, deps) => {
  const kind = typeof event === "object" && event !== null ? (event as { uncaught?: unknown }).uncaught : undefined;
  const message = `nobody caught this: app_key=${process.env["TFL_APP_KEY"] ?? ""}`;
  if (kind === "exception") {
    setTimeout(() => {
      throw new Error(message);
    }, 1);
    return new Promise(() => undefined);
  }
  if (kind === "rejection") {
    void Promise.reject(new Error(message));
    return new Promise(() => undefined);
  }
  return handle(event, context, deps);
};

if (import.meta.main) await serve(handleOrFail);
