/**
 * Concurrency mode (Lambda Managed Instances, AWS_LAMBDA_MAX_CONCURRENCY > 1), the newer Runtime API
 * headers (Invocation-Id, tenant id), the per-invocation deadline, the settings the runtime refuses and
 * errors nobody caught: in-process, against the emulator.
 */
import { describe, expect, test } from "bun:test";
import type { RecordedRequest, RuntimeApiEmulator } from "../../src/dev/base/emulator.ts";
import type { Handler, Init, InvocationContext } from "../../src/runtime/index.ts";
import { MAX_WORKERS, readWorkerCount } from "../../src/runtime/index.ts";
import { ExitCalled, runLoop, withEmulator } from "../helpers/runtime-harness.ts";

const noDeps: Init<undefined> = () => undefined;
const echo: Handler<undefined> = (event) => Promise.resolve(event);

function concurrentEnv(emulator: RuntimeApiEmulator, workers: number, extra: Record<string, string> = {}) {
  return { AWS_LAMBDA_RUNTIME_API: emulator.address, AWS_LAMBDA_MAX_CONCURRENCY: String(workers), ...extra };
}

function answersPerRequest(requests: readonly RecordedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) {
    const match = /\/invocation\/([^/]+)\/(response|error)$/.exec(request.path);
    if (request.method === "POST" && match?.[1] !== undefined) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  return counts;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("concurrency mode", () => {
  test("holds one GET /next per worker, and a slow handler holds only its own worker", async () => {
    await withEmulator(
      async (emulator) => {
        const gate = Promise.withResolvers<void>();
        const handler: Handler<undefined> = async (event) => {
          if ((event as { slow?: boolean }).slow === true) await gate.promise;
          return event;
        };
        const loop = runLoop(emulator, handler, noDeps, { env: concurrentEnv(emulator, 4) });
        await emulator.waitForParked(4);
        const slow = emulator.invoke({ slow: true });
        const quick = await Promise.all([emulator.invoke({ n: 1 }), emulator.invoke({ n: 2 })]);
        expect(quick.map((outcome) => (outcome.kind === "response" ? outcome.json : undefined))).toEqual([
          { n: 1 },
          { n: 2 },
        ]);
        gate.resolve();
        expect(await slow).toMatchObject({ kind: "response", json: { slow: true } });
        await loop.stop();
        expect(emulator.maxParked).toBe(4);
        expect(loop.log.records()).toContainEqual(
          expect.objectContaining({ event: "runtime.concurrency", workers: 4 }),
        );
      },
      { managedInstances: true },
    );
  });

  test("answers 300 overlapping invocations each with its own result, once, logging each line with its own requestId", async () => {
    await withEmulator(
      async (emulator) => {
        const handler: Handler<undefined> = async (event, context) => {
          const { marker } = event as { marker: string };
          context.log.info("test.start", { marker });
          await sleep(Math.floor(Math.random() * 5));
          context.log.info("test.end", { marker });
          return { marker, requestId: context.awsRequestId };
        };
        const loop = runLoop(emulator, handler, noDeps, {
          env: concurrentEnv(emulator, 8, { AWS_LAMBDA_LOG_FORMAT: "Text" }),
        });
        const outcomes = await Promise.all(
          Array.from({ length: 300 }, (_, index) =>
            emulator.invoke({ marker: `m-${index}` }, { requestId: `req-${index}` }),
          ),
        );
        await loop.stop();
        outcomes.forEach((outcome, index) => {
          expect(outcome).toMatchObject({
            kind: "response",
            json: { marker: `m-${index}`, requestId: `req-${index}` },
          });
        });
        const counts = answersPerRequest(emulator.requests);
        expect(counts.size).toBe(300);
        expect([...counts.values()].every((count) => count === 1)).toBe(true);
        // JSON although AWS_LAMBDA_LOG_FORMAT says Text: Managed Instances accept only JSON.
        const lines = loop.log.records().filter((record) => String(record.event).startsWith("test."));
        expect(lines).toHaveLength(600);
        for (const line of lines) expect(line.requestId).toBe(`req-${String(line.marker).slice(2)}`);
      },
      { managedInstances: true },
    );
  });

  test("keeps the trace id on the context and never in _X_AMZN_TRACE_ID", async () => {
    await withEmulator(
      async (emulator) => {
        const env = concurrentEnv(emulator, 3) as Record<string, string | undefined>;
        const seen: Array<{ traceId: string | undefined; variable: string | undefined }> = [];
        const loop = runLoop(
          emulator,
          async (_event, context) => {
            seen.push({ traceId: context.traceId, variable: env._X_AMZN_TRACE_ID });
            return null;
          },
          noDeps,
          { env },
        );
        await Promise.all([
          emulator.invoke({}, { traceId: "Root=1-aaaa;Sampled=1" }),
          emulator.invoke({}, { traceId: "Root=1-bbbb;Sampled=1" }),
        ]);
        await loop.stop();
        expect(seen.map((entry) => entry.traceId).sort()).toEqual(["Root=1-aaaa;Sampled=1", "Root=1-bbbb;Sampled=1"]);
        expect(seen.every((entry) => entry.variable === undefined)).toBe(true);
      },
      { managedInstances: true },
    );
  });

  test("posts Runtime.Timeout at the deadline for a handler that never settles, and serves on", async () => {
    await withEmulator(
      async (emulator) => {
        const handler: Handler<undefined> = (event) =>
          (event as { hang?: boolean }).hang === true ? new Promise(() => undefined) : Promise.resolve(event);
        const loop = runLoop(emulator, handler, noDeps, { env: concurrentEnv(emulator, 2) });
        const hung = await emulator.invoke({ hang: true }, { requestId: "hung", deadlineMs: Date.now() + 150 });
        const next = await emulator.invoke({ after: true });
        await loop.stop();
        expect(hung).toMatchObject({
          kind: "error",
          errorType: "Runtime.Timeout",
          body: { errorType: "Runtime.Timeout", stackTrace: [] },
        });
        expect(hung.durationMs).toBeGreaterThanOrEqual(100);
        expect(next).toMatchObject({ kind: "response", json: { after: true } });
      },
      { managedInstances: true },
    );
  });

  test("drops a result that arrives after the deadline: one answer per invocation, and a warning", async () => {
    await withEmulator(
      async (emulator) => {
        const late = Promise.withResolvers<void>();
        const handler: Handler<undefined> = async () => {
          await sleep(250);
          late.resolve();
          return { late: true };
        };
        const loop = runLoop(emulator, handler, noDeps, { env: concurrentEnv(emulator, 2) });
        const outcome = await emulator.invoke({}, { requestId: "slow-1", deadlineMs: Date.now() + 80 });
        await late.promise;
        await sleep(20);
        await loop.stop();
        expect(outcome).toMatchObject({ kind: "error", errorType: "Runtime.Timeout" });
        expect(answersPerRequest(emulator.requests).get("slow-1")).toBe(1);
        expect(loop.log.records()).toContainEqual(
          expect.objectContaining({ level: "WARN", event: "runtime.invocation.late", requestId: "slow-1" }),
        );
      },
      { managedInstances: true },
    );
  });

  test("ends the process when one worker loses the Runtime API", async () => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, echo, noDeps, { env: concurrentEnv(emulator, 3) });
      await emulator.waitForParked(3);
      emulator.injectFault({ on: "next", status: 500 });
      expect(await loop.exitCode()).toBe(1);
      expect(loop.log.records()).toContainEqual(
        expect.objectContaining({ level: "ERROR", event: "runtime.api.failed", status: 500 }),
      );
    });
  });
});

describe("AWS_LAMBDA_MAX_CONCURRENCY", () => {
  test.each([
    ["unset", undefined, 1],
    ["empty", " ", 1],
    ["1", "1", 1],
    ["8", "8", 8],
    [`above ${MAX_WORKERS}`, "1600", MAX_WORKERS],
  ])("%s gives %p worker(s)", (_name, value, workers) => {
    expect(readWorkerCount({ AWS_LAMBDA_MAX_CONCURRENCY: value })).toBe(workers);
  });

  test.each(["0", "-2", "four", "2.5"])("refuses %p as an init error naming the variable", async (value) => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, echo, noDeps, {
        env: { AWS_LAMBDA_RUNTIME_API: emulator.address, AWS_LAMBDA_MAX_CONCURRENCY: value },
      });
      expect(await loop.exitCode()).toBe(1);
      const error = await emulator.initError;
      expect(error.errorType).toBe("Runtime.ConfigError");
      expect(error.body).toMatchObject({ errorMessage: expect.stringMatching(/^AWS_LAMBDA_MAX_CONCURRENCY is /) });
    });
  });
});

describe("Lambda-Runtime-Invocation-Id", () => {
  test.each([
    ["a response", echo, "response"],
    ["an error", () => Promise.reject(new Error("no")), "error"],
  ] as const)("is echoed on %s", async (_name, handler, kind) => {
    await withEmulator(
      async (emulator) => {
        const loop = runLoop(emulator, handler, noDeps);
        const outcome = await emulator.invoke({}, { requestId: "with-id" });
        await loop.stop();
        expect(outcome.kind).toBe(kind);
        const delivered = emulator.requests.find((request) => request.path.endsWith(`/with-id/${kind}`));
        expect(delivered?.headers["lambda-runtime-invocation-id"]).toMatch(/^[0-9a-f-]{36}$/);
        expect(emulator.staleAnswers).toBe(0);
      },
      { invocationIds: true },
    );
  });

  test("is not sent when Lambda sent none", async () => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, echo, noDeps);
      await emulator.invoke({}, { requestId: "without-id" });
      await loop.stop();
      const post = emulator.requests.find((request) => request.method === "POST");
      expect(post?.headers["lambda-runtime-invocation-id"]).toBeUndefined();
    });
  });

  test("a 410 Gone for a stale answer is logged and the loop serves the next event", async () => {
    await withEmulator(
      async (emulator) => {
        const loop = runLoop(
          emulator,
          async (event) => {
            if ((event as { slow?: boolean }).slow === true) await sleep(150);
            return event;
          },
          noDeps,
        );
        const stale = await emulator.invoke({ slow: true }, { requestId: "stale-1", deadlineMs: Date.now() + 40 });
        const next = await emulator.invoke({ fresh: true });
        await loop.stop();
        expect(stale.kind).toBe("timeout");
        expect(next).toMatchObject({ kind: "response", json: { fresh: true } });
        expect(emulator.staleAnswers).toBe(1);
        expect(loop.log.records()).toContainEqual(
          expect.objectContaining({
            level: "WARN",
            event: "runtime.invocation.stale",
            status: 410,
            requestId: "stale-1",
          }),
        );
      },
      { invocationIds: true },
    );
  });
});

describe("Lambda-Runtime-Aws-Tenant-Id", () => {
  test.each([
    ["one at a time", 1],
    ["in concurrency mode", 4],
  ])("is on the context and in every line of that invocation, %s", async (_name, workers) => {
    await withEmulator(
      async (emulator) => {
        const seen: Array<string | undefined> = [];
        const loop = runLoop(
          emulator,
          async (_event, context: InvocationContext) => {
            seen.push(context.tenantId);
            context.log.info("test.line");
            return null;
          },
          noDeps,
          { env: concurrentEnv(emulator, workers) },
        );
        await emulator.invoke({}, { requestId: "t-1", tenantId: "tenant-blue" });
        await emulator.invoke({}, { requestId: "t-2" });
        await loop.stop();
        expect(seen).toEqual(["tenant-blue", undefined]);
        const lines = loop.log.records().filter((record) => record.event === "test.line");
        expect(lines[0]).toMatchObject({ requestId: "t-1", tenantId: "tenant-blue" });
        expect(lines[1]?.requestId).toBe("t-2");
        expect(lines[1] !== undefined && "tenantId" in lines[1]).toBe(false);
      },
      { managedInstances: true },
    );
  });
});

describe("BUN_CONFIG_VERBOSE_FETCH", () => {
  test.each(["true", "1", "curl"])(
    "=%s is switched off before any request and refused as an init error naming it",
    async (value) => {
      await withEmulator(async (emulator) => {
        const env: Record<string, string | undefined> = {
          AWS_LAMBDA_RUNTIME_API: emulator.address,
          BUN_CONFIG_VERBOSE_FETCH: value,
        };
        let initCalls = 0;
        const loop = runLoop(
          emulator,
          echo,
          () => {
            initCalls += 1;
            return undefined;
          },
          { env },
        );
        expect(await loop.exitCode()).toBe(1);
        const error = await emulator.initError;
        expect(error.errorType).toBe("Runtime.ConfigError");
        expect(error.body).toMatchObject({
          errorType: "RuntimeSettingError",
          errorMessage: expect.stringMatching(/^BUN_CONFIG_VERBOSE_FETCH makes Bun print/),
        });
        expect(env.BUN_CONFIG_VERBOSE_FETCH).toBe("false");
        expect(initCalls).toBe(0);
      });
    },
  );

  test.each(["false", "0", ""])("=%p is left alone", async (value) => {
    await withEmulator(async (emulator) => {
      const loop = runLoop(emulator, echo, noDeps, {
        env: { AWS_LAMBDA_RUNTIME_API: emulator.address, BUN_CONFIG_VERBOSE_FETCH: value },
      });
      expect(await emulator.invoke({ ok: 1 })).toMatchObject({ kind: "response", json: { ok: 1 } });
      await loop.stop();
    });
  });
});

describe("errors nobody caught", () => {
  test.each([
    ["uncaughtException", "runtime.uncaughtException"],
    ["unhandledRejection", "runtime.unhandledRejection"],
  ])("%s: one redacted line with the invocation's requestId, then exit 1", async (signalName, event) => {
    await withEmulator(async (emulator) => {
      const raised = Promise.withResolvers<unknown>();
      const handler: Handler<undefined> = () => {
        // From a timer callback, as a forgotten callback would throw: the requestId must still be found.
        setTimeout(() => {
          try {
            loop.process.emit(signalName, new Error("boom with sekret-value-42 inside"));
          } catch (exit) {
            raised.resolve(exit);
          }
        }, 1);
        // Settles once the report is out, so the single loop can be stopped.
        return raised.promise.then(() => null);
      };
      const loop = runLoop(emulator, handler, noDeps, { redact: ["sekret-value-42"] });
      void emulator.invoke({}, { requestId: "uncaught-1" });
      const exit = await raised.promise;
      await loop.stop();
      expect(exit).toBeInstanceOf(ExitCalled);
      expect((exit as ExitCalled).code).toBe(1);
      const lines = loop.log.lines.filter((line) => line.includes(event));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
        level: "ERROR",
        event,
        requestId: "uncaught-1",
        error: { name: "Error", message: "boom with [redacted] inside" },
      });
    });
  });

  test("finds the requestId of the right invocation among overlapping ones", async () => {
    await withEmulator(
      async (emulator) => {
        const raised = Promise.withResolvers<void>();
        const handler: Handler<undefined> = async (event) => {
          if ((event as { explode?: boolean }).explode !== true) return new Promise(() => undefined);
          await sleep(5);
          setTimeout(() => {
            try {
              loop.process.emit("uncaughtException", new Error("bang"));
            } catch {
              raised.resolve();
            }
          }, 1);
          return new Promise(() => undefined);
        };
        const loop = runLoop(emulator, handler, noDeps, { env: concurrentEnv(emulator, 4) });
        void emulator.invoke({}, { requestId: "quiet-1" });
        void emulator.invoke({ explode: true }, { requestId: "loud-1" });
        void emulator.invoke({}, { requestId: "quiet-2" });
        await raised.promise;
        await loop.stop();
        const line = loop.log.records().find((record) => record.event === "runtime.uncaughtException");
        expect(line?.requestId).toBe("loud-1");
      },
      { managedInstances: true },
    );
  });

  test("without the invocation's context, names the only invocation in flight, and none of several", async () => {
    await withEmulator(
      async (emulator) => {
        const started: string[] = [];
        const loop = runLoop(
          emulator,
          (_event, context) => {
            started.push(context.awsRequestId);
            return new Promise(() => undefined);
          },
          noDeps,
          { env: concurrentEnv(emulator, 4) },
        );
        const reported = (): unknown[] =>
          loop.log
            .records()
            .filter((record) => record.event === "runtime.unhandledRejection")
            .map((record) => record.requestId);
        const emitOutside = (): void => {
          // From the test's own context, as Bun calls unhandledRejection listeners: no store.
          expect(() => loop.process.emit("unhandledRejection", new Error("lost"))).toThrow(ExitCalled);
        };
        void emulator.invoke({}, { requestId: "alone-1" });
        while (started.length < 1) await sleep(2);
        emitOutside();
        void emulator.invoke({}, { requestId: "crowd-2" });
        while (started.length < 2) await sleep(2);
        emitOutside();
        await loop.stop();
        expect(reported()).toEqual(["alone-1", undefined]);
      },
      { managedInstances: true },
    );
  });
});
