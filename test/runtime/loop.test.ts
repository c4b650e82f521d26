import { describe, expect, test } from "bun:test";
import type { InvocationOutcome, RecordedRequest, RuntimeApiEmulator } from "../../src/dev/base/emulator.ts";
import {
  DEFAULT_FULL_COLLECTION_EVERY,
  type Handler,
  type Init,
  type InvocationContext,
  type RuntimeFetch,
  type RuntimeOptions,
} from "../../src/runtime/index.ts";
import { runLoop, withEmulator } from "../helpers/runtime-harness.ts";

const noDeps: Init<undefined> = () => undefined;
const echo: Handler<undefined> = (event) => Promise.resolve(event);
const ERROR_BODY_KEYS = ["errorMessage", "errorType", "stackTrace"];

class SkillIdMismatchError extends Error {
  override readonly name = "SkillIdMismatchError";
}

function posts(emulator: RuntimeApiEmulator): RecordedRequest[] {
  return emulator.requests.filter((request) => request.method === "POST");
}

function lastPost(emulator: RuntimeApiEmulator): RecordedRequest {
  const post = posts(emulator).at(-1);
  if (post === undefined) throw new Error("the runtime posted nothing");
  return post;
}

/** Fails the first event with `fail`, then echoes every later one. */
function failingOnce(fail: () => Promise<unknown>): Handler<undefined> {
  let calls = 0;
  return (event) => {
    calls += 1;
    return calls === 1 ? fail() : Promise.resolve(event);
  };
}

/** Rejects events marked `{ fail: true }` and echoes the others. */
const failWhenAsked: Handler<undefined> = (event) =>
  (event as { fail?: unknown }).fail === true ? Promise.reject(new Error("asked to fail")) : Promise.resolve(event);

/** Bun's fetch with no `preconnect`: the runtime then opens no connection ahead of GET /next. */
const withoutPreconnect: RuntimeFetch = (url, init) => fetch(url, init);

/** An outcome whose deadline is short, for answers the emulator is told to refuse. */
function soon(ms = 300): { deadlineMs: number } {
  return { deadlineMs: Date.now() + ms };
}

async function closedAddress(): Promise<string> {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const address = `127.0.0.1:${server.port}`;
  await server.stop(true);
  return address;
}

describe("a successful invocation", () => {
  test("polls GET /next, then posts the result as JSON to /invocation/{id}/response", async () => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, async (event) => ({ echoed: event }), noDeps);
      const outcome = await emulator.invoke({ line: "victoria" }, { requestId: "req-ok-1" });
      await emulator.waitForNext();
      await loop.stop();

      expect(outcome).toMatchObject({
        kind: "response",
        requestId: "req-ok-1",
        json: { echoed: { line: "victoria" } },
      });
      expect(requestsSoFar(emulator)).toEqual([
        "GET /2018-06-01/runtime/invocation/next",
        "POST /2018-06-01/runtime/invocation/req-ok-1/response",
        "GET /2018-06-01/runtime/invocation/next",
      ]);
      const post = lastPost(emulator);
      expect(post.headers["content-type"]).toBe("application/json");
      expect(post.body).toBe('{"echoed":{"line":"victoria"}}');
    });
  });

  test.each([
    ["undefined", undefined, "null"],
    ["null", null, "null"],
    ["a string", "plain", '"plain"'],
    ["a number", 42, "42"],
    ["an empty object", {}, "{}"],
  ] as const)("posts %s as %s", async (_name, result, body) => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, () => Promise.resolve(result), noDeps);
      const outcome = await emulator.invoke({});
      await loop.stop();
      expect(outcome).toMatchObject({ kind: "response", body });
    });
  });

  test("serves several events in a row on the same loop", async () => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, echo, noDeps);
      const bodies: string[] = [];
      for (const event of [{ n: 1 }, { n: 2 }, ["three"], "four-as-json-string"]) {
        const outcome = await emulator.invoke(event, { rawBody: JSON.stringify(event) });
        bodies.push(outcome.kind === "response" ? outcome.body : outcome.kind);
      }
      await loop.stop();
      expect(bodies).toEqual(['{"n":1}', '{"n":2}', '["three"]', '"four-as-json-string"']);
    });
  });

  test("posts a response of exactly 6,291,556 bytes, counting UTF-8 bytes rather than characters", async () => {
    await withEmulator(async (emulator) => {
      // Two quotes plus 3,145,777 two-byte characters: exactly the limit.
      const loop = runLoop(emulator, () => Promise.resolve("é".repeat(3_145_777)), noDeps);
      const outcome = await emulator.invoke({});
      await loop.stop();
      expect(outcome.kind).toBe("response");
      expect(Buffer.byteLength(lastPost(emulator).body)).toBe(6_291_556);
    });
  });
});

describe("the invocation context", () => {
  test("carries the request headers and the function's environment", async () => {
    await withEmulator(async (emulator) => {
      let seen: InvocationContext | undefined;
      let remaining = -1;
      const env = {
        AWS_LAMBDA_RUNTIME_API: emulator.address,
        AWS_LAMBDA_FUNCTION_NAME: "london-travel-test",
        AWS_LAMBDA_FUNCTION_VERSION: "7",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
        AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/london-travel-test",
        AWS_LAMBDA_LOG_STREAM_NAME: "2026/03/14/[7]abc",
      };
      const loop = runLoop(
        emulator,
        async (_event, context) => {
          seen = context;
          remaining = context.getRemainingTimeInMillis();
          return null;
        },
        noDeps,
        { env },
      );
      const deadlineMs = Date.now() + 20_000;
      await emulator.invoke(
        {},
        {
          requestId: "ctx-1",
          deadlineMs,
          traceId: "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1",
          headers: {
            "Lambda-Runtime-Client-Context": '{"client":{"app_title":"London Travel"}}',
            "Lambda-Runtime-Cognito-Identity": '{"cognitoIdentityId":"eu-west-2:1234"}',
          },
        },
      );
      await loop.stop();

      expect(seen).toMatchObject({
        awsRequestId: "ctx-1",
        deadlineMs,
        invokedFunctionArn: "arn:aws:lambda:eu-west-2:000000000000:function:london-travel-local",
        traceId: "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1",
        clientContext: { client: { app_title: "London Travel" } },
        identity: { cognitoIdentityId: "eu-west-2:1234" },
        functionName: "london-travel-test",
        functionVersion: "7",
        memoryLimitInMB: 256,
        logGroupName: "/aws/lambda/london-travel-test",
        logStreamName: "2026/03/14/[7]abc",
      });
      expect(remaining).toBeGreaterThan(15_000);
      expect(remaining).toBeLessThanOrEqual(20_000);
    });
  });

  test("leaves optional context fields undefined when Lambda sends no such header or variable", async () => {
    await withEmulator(async (emulator) => {
      let seen: InvocationContext | undefined;
      const loop = runLoop(
        emulator,
        async (_event, context) => {
          seen = context;
          return null;
        },
        noDeps,
      );
      await emulator.invoke({}, { headers: { "Lambda-Runtime-Client-Context": "not json" } });
      await loop.stop();
      expect(seen?.traceId).toBeUndefined();
      expect(seen?.clientContext).toBeUndefined();
      expect(seen?.identity).toBeUndefined();
      expect(seen?.functionName).toBeUndefined();
      expect(seen?.memoryLimitInMB).toBeUndefined();
    });
  });

  test("reports no remaining time, not a negative one, once the deadline has passed", async () => {
    await withEmulator(async (emulator) => {
      let remaining = -1;
      const loop = runLoop(
        emulator,
        async (_event, context) => {
          remaining = context.getRemainingTimeInMillis();
          return null;
        },
        noDeps,
      );
      await emulator.invoke({}, { deadlineMs: Date.now() + 60_000, headers: { "Lambda-Runtime-Deadline-Ms": "1000" } });
      await loop.stop();
      expect(remaining).toBe(0);
    });
  });

  test("gives the handler a logger whose lines carry the request id", async () => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(
        emulator,
        async (_event, context) => {
          context.log.info("skill.handled", { intent: "StatusIntent" });
          return null;
        },
        noDeps,
      );
      await emulator.invoke({}, { requestId: "log-1" });
      await loop.stop();
      expect(loop.log.records()).toContainEqual(
        expect.objectContaining({ level: "INFO", requestId: "log-1", event: "skill.handled", intent: "StatusIntent" }),
      );
    });
  });

  test("sets _X_AMZN_TRACE_ID from each event and deletes it when the header is absent", async () => {
    await withEmulator(async (emulator) => {
      const env: Record<string, string | undefined> = {
        AWS_LAMBDA_RUNTIME_API: emulator.address,
        _X_AMZN_TRACE_ID: "Root=stale",
      };
      const seen: Array<string | undefined> = [];
      const loop = runLoop(
        emulator,
        async () => {
          seen.push(env._X_AMZN_TRACE_ID);
          return null;
        },
        noDeps,
        { env },
      );
      await emulator.invoke({});
      await emulator.invoke({}, { traceId: "Root=1-aaaa;Sampled=0" });
      await emulator.invoke({}, { traceId: null });
      await loop.stop();
      expect(seen).toEqual([undefined, "Root=1-aaaa;Sampled=0", undefined]);
      expect("_X_AMZN_TRACE_ID" in env).toBe(false);
    });
  });

  test("treats an empty Lambda-Runtime-Trace-Id as absent, deleting _X_AMZN_TRACE_ID rather than setting it to ''", async () => {
    await withEmulator(async (emulator) => {
      const env: Record<string, string | undefined> = { AWS_LAMBDA_RUNTIME_API: emulator.address };
      const seen: Array<{ variable: boolean; traceId: string | undefined }> = [];
      const loop = runLoop(
        emulator,
        async (_event, context) => {
          seen.push({ variable: "_X_AMZN_TRACE_ID" in env, traceId: context.traceId });
          return null;
        },
        noDeps,
        { env },
      );
      await emulator.invoke({}, { traceId: "Root=1-bbbb;Sampled=1" });
      await emulator.invoke({}, { traceId: "" });
      await loop.stop();
      expect(seen).toEqual([
        { variable: true, traceId: "Root=1-bbbb;Sampled=1" },
        { variable: false, traceId: undefined },
      ]);
    });
  });
});

describe("timers", () => {
  /** Counts the timers armed while it is installed and how many are still pending. */
  function trackTimers(): { pending: () => number; armed: () => number; restore: () => void } {
    const realSetTimeout = globalThis.setTimeout;
    const realSetInterval = globalThis.setInterval;
    const realClearTimeout = globalThis.clearTimeout;
    const realClearInterval = globalThis.clearInterval;
    const realAbortTimeout = AbortSignal.timeout;
    const live = new Set<unknown>();
    let armed = 0;
    const track = <T extends (...args: never[]) => unknown>(real: T, once: boolean): T =>
      ((callback: (...args: unknown[]) => void, ...rest: unknown[]) => {
        armed += 1;
        const wrapped = (...args: unknown[]): void => {
          if (once) live.delete(timer);
          callback(...args);
        };
        const timer = (real as unknown as (...args: unknown[]) => unknown)(wrapped, ...rest);
        live.add(timer);
        return timer;
      }) as unknown as T;
    const untrack = <T extends (...args: never[]) => unknown>(real: T): T =>
      ((timer: unknown) => {
        live.delete(timer);
        (real as unknown as (timer: unknown) => void)(timer);
      }) as unknown as T;
    globalThis.setTimeout = track(realSetTimeout, true);
    globalThis.setInterval = track(realSetInterval, false);
    globalThis.clearTimeout = untrack(realClearTimeout);
    globalThis.clearInterval = untrack(realClearInterval);
    AbortSignal.timeout = (ms: number): AbortSignal => {
      armed += 1;
      live.add(Symbol("AbortSignal.timeout"));
      return realAbortTimeout.call(AbortSignal, ms);
    };
    return {
      pending: () => live.size,
      armed: () => armed,
      restore: () => {
        globalThis.setTimeout = realSetTimeout;
        globalThis.setInterval = realSetInterval;
        globalThis.clearTimeout = realClearTimeout;
        globalThis.clearInterval = realClearInterval;
        AbortSignal.timeout = realAbortTimeout;
      },
    };
  }

  test("leaves no timer armed once an answer or an error has been posted (the sandbox may freeze then)", async () => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, failWhenAsked, noDeps);
      await emulator.waitForNext();
      const timers = trackTimers();
      try {
        // The emulator arms one deadline timer per invocation and clears it when the answer arrives;
        // anything else still pending once the outcome is known was armed by the loop.
        for (const event of [{ n: 1 }, { fail: true }, { n: 2 }]) {
          const outcome = await emulator.invoke(event);
          expect(outcome.kind).toBe(event.fail === true ? "error" : "response");
          await emulator.waitForNext();
          expect(timers.pending()).toBe(0);
        }
        expect(timers.armed()).toBe(3);
      } finally {
        timers.restore();
        await loop.stop();
      }
    });
  });
});

/** Lambda-Runtime-Function-Error-Type for each body errorType below: dotted as is, else Function.<name>. */
const HEADER_OF: Readonly<Record<string, string>> = {
  SkillIdMismatchError: "Function.SkillIdMismatch",
  TypeError: "Function.Type",
  RangeError: "Function.Range",
};

describe("a failed invocation", () => {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;

  test.each([
    [
      "an Error subclass with a pinned name",
      () => Promise.reject(new SkillIdMismatchError("The skill id does not match")),
      "SkillIdMismatchError",
      "The skill id does not match",
    ],
    ["a rejected TypeError", () => Promise.reject(new TypeError("bad input")), "TypeError", "bad input"],
    [
      "a synchronous throw",
      () => {
        throw new RangeError("sync");
      },
      "RangeError",
      "sync",
    ],
    ["a thrown string", () => Promise.reject("plain words"), "Runtime.NonErrorThrown", "plain words"],
    ["a thrown undefined", () => Promise.reject(undefined), "Runtime.NonErrorThrown", "undefined"],
    ["a thrown object", () => Promise.reject({ code: 42 }), "Runtime.NonErrorThrown", '{"code":42}'],
    [
      "a BigInt result",
      () => Promise.resolve({ big: 1n }),
      "Runtime.UnserializableResponse",
      expect.stringContaining("cannot be serialised"),
    ],
    [
      "a cyclic result",
      () => Promise.resolve(cycle),
      "Runtime.UnserializableResponse",
      expect.stringContaining("cannot be serialised"),
    ],
    [
      "a result over 6,291,556 bytes",
      () => Promise.resolve("x".repeat(6_291_555)),
      "Runtime.ResponseTooLarge",
      "The response is 6291557 bytes; Lambda accepts at most 6291556",
    ],
  ] as const)(
    "reports %s to /invocation/{id}/error and serves the next event",
    async (_name, handler, errorType, errorMessage) => {
      await withEmulator(async (emulator) => {
        const loop = runLoop(emulator, failingOnce(handler), noDeps);
        const failed = await emulator.invoke({ first: true }, { requestId: "fail-1" });
        const next = await emulator.invoke({ second: true });
        await loop.stop();

        const header = HEADER_OF[errorType] ?? errorType;
        expect(failed).toMatchObject({ kind: "error", requestId: "fail-1", errorType: header });
        const post = posts(emulator)[0];
        expect(post?.path).toBe("/2018-06-01/runtime/invocation/fail-1/error");
        expect(post?.headers["content-type"]).toBe("application/vnd.aws.lambda.error+json");
        expect(post?.headers["lambda-runtime-function-error-type"]).toBe(header);
        const body = JSON.parse(post?.body ?? "{}") as Record<string, unknown>;
        expect(Object.keys(body).sort()).toEqual(ERROR_BODY_KEYS);
        expect(body).toMatchObject({ errorType, errorMessage });
        expect(body.stackTrace).toEqual([]);
        expect(next).toMatchObject({ kind: "response", json: { second: true } });
        expect(loop.log.records()).toContainEqual(
          expect.objectContaining({
            level: "ERROR",
            requestId: "fail-1",
            event: "runtime.invocation.failed",
            errorType: header,
          }),
        );
      });
    },
  );

  test("posts an empty stackTrace: the compiled binary's minified frames name nothing", async () => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, () => Promise.reject(new Error("first line\nsecond line")), noDeps);
      const outcome = await emulator.invoke({});
      await loop.stop();
      const body = (outcome as Extract<InvocationOutcome, { kind: "error" }>).body as { stackTrace: string[] };
      expect(body.stackTrace).toEqual([]);
    });
  });

  test("reports an event that is not JSON as Runtime.InvalidEvent without calling the handler", async () => {
    await withEmulator(async (emulator) => {
      let calls = 0;
      const loop = runLoop(
        emulator,
        async () => {
          calls += 1;
          return null;
        },
        noDeps,
      );
      const outcome = await emulator.invoke("{not json", { requestId: "bad-event" });
      await loop.stop();
      expect(outcome).toMatchObject({
        kind: "error",
        errorType: "Runtime.InvalidEvent",
        body: { errorType: "Runtime.InvalidEvent", errorMessage: "The event body is not JSON" },
      });
      expect(calls).toBe(0);
    });
  });

  test("writes the failure log line before posting the error, in case the sandbox freezes after the post", async () => {
    await withEmulator(async (emulator) => {
      const postsWhenLogged: number[] = [];
      const loop = runLoop(emulator, () => Promise.reject(new Error("late")), noDeps, {
        write: (line) => {
          if (line.includes("runtime.invocation.failed")) postsWhenLogged.push(posts(emulator).length);
        },
      });
      await emulator.invoke({});
      await loop.stop();
      expect(postsWhenLogged).toEqual([0]);
    });
  });

  test("redacts secrets from the error posted to Lambda and from the log", async () => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(
        emulator,
        () => Promise.reject(new Error("GET /Line?app_key=key-from-env&token=other-key failed")),
        noDeps,
        { redact: ["key-from-env", "other-key"] },
      );
      await emulator.invoke({});
      await loop.stop();
      const post = lastPost(emulator);
      expect(JSON.parse(post.body)).toMatchObject({
        errorMessage: "GET /Line?app_key=[redacted]&token=[redacted] failed",
      });
      expect(loop.log.lines.join("\n")).not.toMatch(/key-from-env|other-key/);
    });
  });
});

describe("init", () => {
  test("gives init the logger and calls the handler with what init returned", async () => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(
        emulator,
        async (_event, _context, deps: { greeting: string }) => deps.greeting,
        async (log) => {
          log.info("app.init.done");
          return { greeting: "hello" };
        },
      );
      const outcome = await emulator.invoke({});
      await loop.stop();
      expect(outcome).toMatchObject({ kind: "response", json: "hello" });
      expect(loop.log.events()).toContain("app.init.done");
    });
  });

  test("posts a failed init to /runtime/init/error and exits with code 1 without polling for events", async () => {
    await withEmulator(async (emulator) => {
      class ConfigError extends Error {
        override readonly name = "ConfigError";
        readonly variable = "TFL_API_URL";
      }
      let handlerCalls = 0;
      const loop = runLoop(
        emulator,
        async () => {
          handlerCalls += 1;
          return null;
        },
        () => {
          throw new ConfigError("TFL_API_URL is not a URL");
        },
      );
      expect(await loop.exitCode()).toBe(1);
      expect(await emulator.initError).toMatchObject({
        errorType: "Runtime.ConfigError",
        body: { errorType: "ConfigError", errorMessage: "TFL_API_URL is not a URL" },
      });
      expect(requestsSoFar(emulator)).toEqual(["POST /2018-06-01/runtime/init/error"]);
      const post = lastPost(emulator);
      expect(post.headers["content-type"]).toBe("application/vnd.aws.lambda.error+json");
      expect(post.headers["lambda-runtime-function-error-type"]).toBe("Runtime.ConfigError");
      expect(Object.keys(JSON.parse(post.body) as object).sort()).toEqual(ERROR_BODY_KEYS);
      expect(handlerCalls).toBe(0);
      expect(loop.log.records()).toContainEqual(
        expect.objectContaining({ level: "ERROR", event: "runtime.init.failed" }),
      );
    });
  });

  test("reports a bad AWS_LAMBDA_LOG_LEVEL as an init error naming the variable, without running init", async () => {
    await withEmulator(async (emulator) => {
      let initCalls = 0;
      const countingInit: Init<undefined> = () => {
        initCalls += 1;
        return undefined;
      };
      const loop = runLoop(emulator, echo, countingInit, {
        env: { AWS_LAMBDA_RUNTIME_API: emulator.address, AWS_LAMBDA_LOG_LEVEL: "chatty" },
      });
      expect(await loop.exitCode()).toBe(1);
      const error = await emulator.initError;
      expect(error.errorType).toBe("Runtime.ConfigError");
      expect(error.body).toMatchObject({ errorType: "LogConfigError" });
      expect((error.body as { errorMessage: string }).errorMessage).toStartWith("AWS_LAMBDA_LOG_LEVEL is ");
      expect(initCalls).toBe(0);
    });
  });

  test("exits with code 1 when AWS_LAMBDA_RUNTIME_API is not set", async () => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, echo, noDeps, { env: {} });
      expect(await loop.exitCode()).toBe(1);
      expect(loop.log.records()[0]).toMatchObject({ event: "runtime.init.failed" });
    });
  });
});

describe("Runtime API answers", () => {
  test.each([
    ["response", 400],
    ["response", 403],
    ["response", 413],
    ["error", 400],
    ["error", 403],
  ] as const)("logs a POST to /%s answered %d and goes on to serve the next event", async (on, status) => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, failWhenAsked, noDeps);
      await emulator.waitForNext();
      emulator.injectFault({ on, status });
      const refused = await emulator.invoke({ fail: on === "error" }, { ...soon(), requestId: "refused-1" });
      const next = await emulator.invoke({ after: true });
      await loop.stop();

      expect(refused.kind).toBe("timeout");
      expect(next).toMatchObject({ kind: "response", json: { after: true } });
      expect(loop.log.records()).toContainEqual(
        expect.objectContaining({
          level: "ERROR",
          event: "runtime.api.rejected",
          requestId: "refused-1",
          status,
          path: `/2018-06-01/runtime/invocation/refused-1/${on}`,
        }),
      );
    });
  });

  test.each([
    ["next", 500],
    ["next", 403],
    ["next", 404],
    ["response", 500],
    ["response", 503],
    ["error", 500],
  ] as const)("exits with code 1 when %s answers %d", async (on, status) => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, failWhenAsked, noDeps);
      await emulator.waitForNext();
      emulator.injectFault({ on, status });
      if (on !== "next") void emulator.invoke({ fail: on === "error" }, soon());
      expect(await loop.exitCode()).toBe(1);
      expect(loop.log.records()).toContainEqual(
        expect.objectContaining({ level: "ERROR", event: "runtime.api.failed", status }),
      );
    });
  });

  test("exits at once when GET /next gets a 500, before any event is queued", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ on: "next", status: 500 });
      const started = performance.now();
      const loop = runLoop(emulator, echo, noDeps);
      expect(await loop.exitCode()).toBe(1);
      expect(performance.now() - started).toBeLessThan(1_000);
    });
  });

  test.each(["next", "response", "error"] as const)(
    "retries a connection reset on %s once and carries on",
    async (on) => {
      await withEmulator(async (emulator) => {
        // Without the preconnect: Bun itself resends a request reset on a reused pooled connection.
        const loop = runLoop(emulator, failWhenAsked, noDeps, { fetch: withoutPreconnect });
        await emulator.waitForNext();
        emulator.injectFault({ on, drop: true });
        const outcome = await emulator.invoke({ fail: on === "error" });
        const after = await emulator.invoke({ fail: on === "error" });
        await loop.stop();
        expect(outcome.kind).toBe(on === "error" ? "error" : "response");
        expect(after.kind).toBe(on === "error" ? "error" : "response");
        expect(loop.log.records()).toContainEqual(
          expect.objectContaining({ level: "WARN", event: "runtime.api.reset" }),
        );
      });
    },
  );

  test.each(["next", "response", "error"] as const)("exits with code 1 when %s is reset twice in a row", async (on) => {
    await withEmulator(async (emulator) => {
      // Without the preconnect, whose connection Bun's pool can hold besides GET /next's: a request
      // reset on a reused pooled connection is resent by Bun itself, which would hide one reset.
      const loop = runLoop(emulator, failWhenAsked, noDeps, { fetch: withoutPreconnect });
      await emulator.waitForNext();
      emulator.injectFault({ on, drop: true, times: 2 });
      if (on !== "next") void emulator.invoke({ fail: on === "error" }, soon());
      expect(await loop.exitCode()).toBe(1);
      expect(loop.log.events()).toContain("runtime.api.failed");
    });
  });

  test("opens the Runtime API connection before init runs, then serves through it", async () => {
    await withEmulator(async (emulator) => {
      const order: string[] = [];
      const preconnecting = Object.assign((url: string, init: BunFetchRequestInit) => fetch(url, init), {
        preconnect: (url: string) => {
          order.push(`preconnect ${url}`);
          fetch.preconnect(url);
        },
      });
      const init: Init<undefined> = () => {
        order.push(`init after ${emulator.requests.length} requests`);
        return undefined;
      };
      const loop = runLoop(emulator, echo, init, { fetch: preconnecting });
      expect(await emulator.invoke({ n: 1 })).toMatchObject({ kind: "response", json: { n: 1 } });
      await loop.stop();
      expect(order).toEqual([`preconnect http://${emulator.address}/`, "init after 0 requests"]);
    });
  });

  test("exits with code 1 after a single attempt when the connection is refused", async () => {
    const address = await closedAddress();
    let attempts = 0;
    const counting: RuntimeFetch = (url, init) => {
      attempts += 1;
      return fetch(url, init);
    };
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, echo, noDeps, { env: { AWS_LAMBDA_RUNTIME_API: address }, fetch: counting });
      expect(await loop.exitCode()).toBe(1);
      expect(attempts).toBe(1);
    });
  });

  test("exits with code 1 when an event comes without Lambda-Runtime-Aws-Request-Id", async () => {
    const withoutId: RuntimeFetch = () =>
      Promise.resolve(new Response("{}", { status: 200, headers: { "Lambda-Runtime-Deadline-Ms": "1" } }));
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, echo, noDeps, { fetch: withoutId });
      expect(await loop.exitCode()).toBe(1);
      expect(JSON.stringify(loop.log.records())).toContain("without Lambda-Runtime-Aws-Request-Id");
    });
  });

  test("stops when its AbortSignal is aborted, rejecting with the reason rather than exiting", async () => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, echo, noDeps);
      await emulator.waitForNext();
      await loop.stop();
      expect(await loop.ended).toMatchObject({ message: "test stopped the loop" });
      expect(loop.log.lines).toEqual([]);
    });
  });
});

describe("after the answer", () => {
  test("runs the context's afterResponse tasks once the answer is posted, before asking for the next event", async () => {
    await withEmulator(async (emulator) => {
      const seenByTask: string[][] = [];
      const { promise: release, resolve } = Promise.withResolvers<void>();
      const loop = runLoop(
        emulator,
        async (event, context) => {
          context.afterResponse(async () => {
            seenByTask.push(requestsSoFar(emulator));
            await release;
          });
          context.afterResponse(() => Promise.reject(new Error("the export failed")));
          return event;
        },
        noDeps,
      );
      // The caller has its answer while the first task is still waiting.
      const outcome = await emulator.invoke({ n: 1 }, { requestId: "req-after-1" });
      expect(outcome).toMatchObject({ kind: "response", body: '{"n":1}' });
      await Bun.sleep(30);
      expect(emulator.requests.filter((request) => request.method === "GET")).toHaveLength(1);
      resolve();
      await emulator.waitForNext();
      await loop.stop();
      expect(seenByTask).toEqual([
        ["GET /2018-06-01/runtime/invocation/next", "POST /2018-06-01/runtime/invocation/req-after-1/response"],
      ]);
      // A failing task is logged, and the loop goes on to the next event.
      expect(loop.log.records()).toContainEqual(
        expect.objectContaining({ level: "WARN", event: "runtime.afterResponse.failed", requestId: "req-after-1" }),
      );
      expect(emulator.requests.filter((request) => request.method === "GET")).toHaveLength(2);
    });
  });
});

/**
 * Twelve events echoed by four workers (concurrency mode) under `options`; resolves with their outcomes
 * once the loop has had time to finish its after-answer work and is stopped.
 */
async function echoTwelveOnFourWorkers(
  emulator: RuntimeApiEmulator,
  options: RuntimeOptions,
): Promise<InvocationOutcome[]> {
  const loop = runLoop(emulator, echo, noDeps, {
    env: { AWS_LAMBDA_RUNTIME_API: emulator.address, AWS_LAMBDA_MAX_CONCURRENCY: "4" },
    ...options,
  });
  const outcomes = await Promise.all(Array.from({ length: 12 }, (_, n) => emulator.invoke({ n })));
  await Bun.sleep(20);
  await loop.stop();
  return outcomes;
}

describe("the entry's choices", () => {
  const rejected: [string, RuntimeOptions, string][] = [
    ...[0, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY].map((value): [string, RuntimeOptions, string] => [
      `warmJitPolicy ${value}`,
      { warmJitPolicy: value },
      `RangeError: warmJitPolicy must be a finite number of at least 1, not ${value}`,
    ]),
    ...[0, 2.5, -1, Number.NaN, Number.NEGATIVE_INFINITY].map((value): [string, RuntimeOptions, string] => [
      `fullCollectionEvery ${value}`,
      { fullCollectionEvery: value },
      `RangeError: fullCollectionEvery must be a whole number of at least 1 or Infinity, not ${value}`,
    ]),
  ];

  test.each(rejected)("rejects %s before init runs or any request is made", async (_label, choice, message) => {
    await withEmulator(async (emulator) => {
      let initRan = false;
      const loop = runLoop(
        emulator,
        echo,
        () => {
          initRan = true;
          return undefined;
        },
        choice,
      );
      const reason = await loop.ended;
      expect(reason).toBeInstanceOf(RangeError);
      expect(String(reason)).toBe(message);
      expect(initRan).toBe(false);
      expect(emulator.requests).toEqual([]);
    });
  });
});

describe("the periodic full garbage collection", () => {
  /** Records each collection with the Runtime API requests made before it. */
  function collectionSpy(emulator: RuntimeApiEmulator): { collectGarbage: () => void; requestsBefore: string[][] } {
    const requestsBefore: string[][] = [];
    return {
      requestsBefore,
      collectGarbage: () => requestsBefore.push(requestsSoFar(emulator)),
    };
  }

  test("runs after every Nth posted answer or invocation error, before the next GET /next", async () => {
    await withEmulator(async (emulator) => {
      const spy = collectionSpy(emulator);
      const loop = runLoop(emulator, failWhenAsked, noDeps, {
        collectGarbage: spy.collectGarbage,
        fullCollectionEvery: 3,
      });
      const events = [{ n: 1 }, { fail: true }, { n: 3 }, { n: 4 }, { n: 5 }, { fail: true }, { n: 7 }];
      for (const [index, event] of events.entries()) await emulator.invoke(event, { requestId: `req-gc-${index + 1}` });
      await emulator.waitForNext();
      await loop.stop();
      // After the 3rd and the 6th answer, each time with that answer's POST the last request made.
      expect(spy.requestsBefore.map((requests) => requests.at(-1))).toEqual([
        "POST /2018-06-01/runtime/invocation/req-gc-3/response",
        "POST /2018-06-01/runtime/invocation/req-gc-6/error",
      ]);
    });
  });

  test.each([
    [`by default, once ${DEFAULT_FULL_COLLECTION_EVERY} answers are posted`, undefined, 1],
    ["never with Infinity", Number.POSITIVE_INFINITY, 0],
  ])("runs %s", async (_title, fullCollectionEvery, after) => {
    await withEmulator(async (emulator) => {
      const spy = collectionSpy(emulator);
      const loop = runLoop(emulator, echo, noDeps, { collectGarbage: spy.collectGarbage, fullCollectionEvery });
      for (let n = 1; n < DEFAULT_FULL_COLLECTION_EVERY; n += 1) await emulator.invoke({ n });
      expect(spy.requestsBefore).toHaveLength(0);
      await emulator.invoke({ n: DEFAULT_FULL_COLLECTION_EVERY });
      await emulator.waitForNext();
      await loop.stop();
      expect(spy.requestsBefore).toHaveLength(after);
    });
  });

  test("counts the answers of every worker in concurrency mode", async () => {
    await withEmulator(async (emulator) => {
      const spy = collectionSpy(emulator);
      const outcomes = await echoTwelveOnFourWorkers(emulator, {
        collectGarbage: spy.collectGarbage,
        fullCollectionEvery: 5,
      });
      expect(outcomes.every((outcome) => outcome.kind === "response")).toBe(true);
      expect(spy.requestsBefore).toHaveLength(2);
    });
  });
});

describe("the start-up JIT policy", () => {
  /** Records each setJitPolicy call with the Runtime API requests made before it. */
  function jitPolicySpy(emulator: RuntimeApiEmulator): {
    setJitPolicy: (scale: number) => void;
    calls: { scale: number; requestsBefore: string[] }[];
  } {
    const calls: { scale: number; requestsBefore: string[] }[] = [];
    return {
      calls,
      setJitPolicy: (scale) => calls.push({ scale, requestsBefore: requestsSoFar(emulator) }),
    };
  }

  test.each([
    ["the first answer", { n: 1 }, "response"],
    ["the first invocation error", { fail: true }, "error"],
  ] as const)("is restored to 1 once, right after %s is posted", async (_name, firstEvent, endpoint) => {
    await withEmulator(async (emulator) => {
      const spy = jitPolicySpy(emulator);
      const loop = runLoop(emulator, failWhenAsked, noDeps, { setJitPolicy: spy.setJitPolicy });
      await emulator.invoke(firstEvent, { requestId: "req-jit-1" });
      await emulator.invoke({ n: 2 }, { requestId: "req-jit-2" });
      await emulator.invoke({ n: 3 }, { requestId: "req-jit-3" });
      await emulator.waitForNext();
      await loop.stop();
      expect(spy.calls).toEqual([
        {
          scale: 1,
          requestsBefore: [
            "GET /2018-06-01/runtime/invocation/next",
            `POST /2018-06-01/runtime/invocation/req-jit-1/${endpoint}`,
          ],
        },
      ]);
    });
  });

  test("is set to the entry's warm policy instead of 1 when the entry chooses one", async () => {
    await withEmulator(async (emulator) => {
      const spy = jitPolicySpy(emulator);
      const loop = runLoop(emulator, echo, noDeps, { setJitPolicy: spy.setJitPolicy, warmJitPolicy: 128 });
      await emulator.invoke({ n: 1 }, { requestId: "req-warm-1" });
      await emulator.invoke({ n: 2 }, { requestId: "req-warm-2" });
      await emulator.waitForNext();
      await loop.stop();
      expect(spy.calls.map((call) => call.scale)).toEqual([128]);
      expect(spy.calls[0]?.requestsBefore.at(-1)).toBe("POST /2018-06-01/runtime/invocation/req-warm-1/response");
    });
  });

  test("is not touched before the first event: init and the wait for it keep the start-up policy", async () => {
    await withEmulator(async (emulator) => {
      const spy = jitPolicySpy(emulator);
      const loop = runLoop(emulator, echo, noDeps, { setJitPolicy: spy.setJitPolicy });
      await emulator.waitForNext();
      await Bun.sleep(20);
      await loop.stop();
      expect(spy.calls).toEqual([]);
    });
  });

  test("is restored once in concurrency mode, however many workers answer", async () => {
    await withEmulator(async (emulator) => {
      const spy = jitPolicySpy(emulator);
      const outcomes = await echoTwelveOnFourWorkers(emulator, { setJitPolicy: spy.setJitPolicy });
      expect(outcomes.every((outcome) => outcome.kind === "response")).toBe(true);
      expect(spy.calls.map((call) => call.scale)).toEqual([1]);
      expect(spy.calls[0]?.requestsBefore.some((request) => request.startsWith("POST "))).toBe(true);
    });
  });
});

/** The Runtime API requests the emulator has received so far, as "METHOD path". */
function requestsSoFar(emulator: RuntimeApiEmulator): string[] {
  return emulator.requests.map((request) => `${request.method} ${request.path}`);
}
