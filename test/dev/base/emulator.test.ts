import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { startRuntimeApiEmulator } from "../../../src/dev/base/emulator.ts";
import { MAX_RESPONSE_BYTES } from "../../../src/runtime/index.ts";
import type { InvocationOutcome, RuntimeApiEmulator } from "../../../src/dev/base/emulator.ts";

let emulator: RuntimeApiEmulator;

beforeEach(async () => {
  emulator = await startRuntimeApiEmulator({ timeoutMs: 5_000 });
});

afterEach(async () => {
  await emulator.stop();
});

function url(path: string): string {
  return `http://${emulator.address}/2018-06-01/runtime/${path}`;
}

function next(): Promise<Response> {
  return fetch(url("invocation/next"), { timeout: false });
}

function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url(path), { method: "POST", body, headers, timeout: false });
}

/** Resolves once the emulator sees no live GET /next (waitForNext no longer resolves at once). */
async function untilNoLivePoll(): Promise<void> {
  for (let tries = 0; Bun.peek.status(emulator.waitForNext()) === "fulfilled"; tries += 1) {
    if (tries >= 500) throw new Error("the emulator still counts an abandoned GET /next as waiting after 5 s");
    await Bun.sleep(10);
  }
}

/** Takes the next event and returns its request id. */
async function take(): Promise<string> {
  const response = await next();
  await response.arrayBuffer();
  return response.headers.get("Lambda-Runtime-Aws-Request-Id") ?? "";
}

describe("GET /next", () => {
  test("binds to 127.0.0.1 on a free port", () => {
    expect(emulator.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  test("delivers a queued event with Lambda's headers and no trace header by default", async () => {
    const before = Date.now();
    void emulator.invoke({ line: "bakerloo" }, { requestId: "req-a" });
    const response = await next();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"line":"bakerloo"}');
    expect(response.headers.get("Lambda-Runtime-Aws-Request-Id")).toBe("req-a");
    expect(response.headers.get("Lambda-Runtime-Invoked-Function-Arn")).toBe(
      "arn:aws:lambda:eu-west-2:000000000000:function:london-travel-local",
    );
    expect(response.headers.get("Content-Type")).toBe("application/json");
    const deadline = Number(response.headers.get("Lambda-Runtime-Deadline-Ms"));
    expect(deadline).toBeGreaterThanOrEqual(before + 5_000);
    expect(deadline).toBeLessThan(Date.now() + 5_100);
    for (const absent of [
      "Lambda-Runtime-Trace-Id",
      "Lambda-Runtime-Client-Context",
      "Lambda-Runtime-Cognito-Identity",
    ]) {
      expect(response.headers.has(absent)).toBe(false);
    }
  });

  test("sends the trace id, client context and Cognito identity only when given", async () => {
    void emulator.invoke(
      {},
      {
        traceId: "Root=1-5759e988-bd862e3fe1be46a994272793",
        deadlineMs: 4_102_444_800_000,
        headers: { "Lambda-Runtime-Client-Context": "{}", "Lambda-Runtime-Cognito-Identity": '{"id":"x"}' },
      },
    );
    const response = await next();
    expect(response.headers.get("Lambda-Runtime-Trace-Id")).toBe("Root=1-5759e988-bd862e3fe1be46a994272793");
    expect(response.headers.get("Lambda-Runtime-Deadline-Ms")).toBe("4102444800000");
    expect(response.headers.get("Lambda-Runtime-Client-Context")).toBe("{}");
    expect(response.headers.get("Lambda-Runtime-Cognito-Identity")).toBe('{"id":"x"}');
  });

  test.each([
    ["an object as JSON", { a: [1, "two"] }, undefined, '{"a":[1,"two"]}'],
    ["a string as its raw bytes", "not { json", undefined, "not { json"],
    ["rawBody over the event", { ignored: true }, new TextEncoder().encode('{"raw":1}'), '{"raw":1}'],
  ] as const)("sends %s", async (_name, event, rawBody, body) => {
    void emulator.invoke(event, rawBody === undefined ? {} : { rawBody });
    expect(await (await next()).text()).toBe(body);
  });

  test("long-polls until an event is queued", async () => {
    let answered = false;
    const pending = next().then((response) => {
      answered = true;
      return response;
    });
    await emulator.waitForNext();
    await Bun.sleep(50);
    expect(answered).toBe(false);
    void emulator.invoke({ late: true });
    expect(await (await pending).json()).toEqual({ late: true });
  });

  test("gives an event to a live poll rather than to one whose client went away", async () => {
    const controller = new AbortController();
    const abandoned = fetch(url("invocation/next"), { signal: controller.signal, timeout: false }).catch(
      () => "aborted",
    );
    await emulator.waitForNext();
    controller.abort();
    expect(await abandoned).toBe("aborted");
    // A fixed sleep races the server noticing the closed socket on a loaded machine; wait until the
    // emulator no longer counts the abandoned poll as waiting (waitForNext then stays pending).
    await untilNoLivePoll();
    const live = next();
    await emulator.waitForNext();
    void emulator.invoke({ for: "live" });
    expect(await (await live).json()).toEqual({ for: "live" });
  });

  test("waitForNext resolves only once the runtime is blocked in GET /next", async () => {
    let ready = false;
    const waiting = emulator.waitForNext().then(() => {
      ready = true;
    });
    await Bun.sleep(20);
    expect(ready).toBe(false);
    const poll = next();
    await waiting;
    expect(ready).toBe(true);
    void emulator.invoke({});
    await (await poll).text();
  });
});

test("the emulator's payload limit is Lambda's documented 6 MiB + 100 bytes, not just the runtime's constant", () => {
  // The emulator shares MAX_RESPONSE_BYTES with src/runtime; this literal keeps an independent check on it.
  expect(MAX_RESPONSE_BYTES).toBe(6 * 1024 * 1024 + 100);
});

describe("POST /invocation/{id}/response", () => {
  test("accepts the answer with 202 and resolves the invocation with it", async () => {
    const before = performance.now();
    const outcome = emulator.invoke({ q: 1 });
    const id = await take();
    // The runtime "works" for 40 ms: the reported duration must cover that and fit inside the whole call.
    await Bun.sleep(40);
    const answer = await post(`invocation/${id}/response`, '{"version":"1.0"}', { "Content-Type": "application/json" });
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ status: "OK" });
    expect(await outcome).toMatchObject({
      kind: "response",
      requestId: id,
      body: '{"version":"1.0"}',
      json: { version: "1.0" },
    });
    const whole = performance.now() - before;
    // Timers may fire a millisecond early; the bounds are the sleep and the call around it, not a speed.
    expect((await outcome).durationMs).toBeGreaterThanOrEqual(38);
    expect((await outcome).durationMs).toBeLessThanOrEqual(whole);
  });

  test("answers 400 InvalidRequestID for an id it never handed out", async () => {
    const answer = await post("invocation/never-issued/response", "{}");
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ errorType: "InvalidRequestID" });
  });

  test("answers 403 InvalidStateTransition to a second answer for the same id", async () => {
    const outcome = emulator.invoke({});
    const id = await take();
    expect((await post(`invocation/${id}/response`, "1")).status).toBe(202);
    const second = await post(`invocation/${id}/error`, "{}");
    expect(second.status).toBe(403);
    expect(await second.json()).toMatchObject({ errorType: "InvalidStateTransition" });
    expect(await outcome).toMatchObject({ kind: "response", body: "1" });
  });

  test.each([
    ["accepts a body of exactly", MAX_RESPONSE_BYTES, 202, "response"],
    ["answers 413 to one byte over", MAX_RESPONSE_BYTES + 1, 413, "error"],
  ] as const)("%s 6,291,556 bytes", async (_name, size, status, kind) => {
    const outcome = emulator.invoke({});
    const id = await take();
    const answer = await post(`invocation/${id}/response`, new Uint8Array(size).fill(0x31));
    expect(answer.status).toBe(status);
    expect((await outcome).kind).toBe(kind);
  });

  test("fails an oversized answer with Function.ResponseSizeTooLarge, as Lambda tells the caller", async () => {
    const outcome = emulator.invoke({});
    const id = await take();
    const answer = await post(`invocation/${id}/response`, "x".repeat(MAX_RESPONSE_BYTES + 10));
    expect(await answer.json()).toMatchObject({ errorType: "RequestEntityTooLarge" });
    expect(await outcome).toMatchObject({
      kind: "error",
      errorType: "Function.ResponseSizeTooLarge",
      body: { errorType: "Function.ResponseSizeTooLarge" },
    });
    expect((await post(`invocation/${id}/response`, "{}")).status).toBe(403);
  });
});

describe("POST /invocation/{id}/error and /init/error", () => {
  test("resolves the invocation with the error type header and the parsed body", async () => {
    const outcome = emulator.invoke({});
    const id = await take();
    const body = { errorMessage: "nope", errorType: "TypeError", stackTrace: ["at x"] };
    const answer = await post(`invocation/${id}/error`, JSON.stringify(body), {
      "Lambda-Runtime-Function-Error-Type": "TypeError",
      "Lambda-Runtime-Function-XRay-Error-Cause": '{"exceptions":[]}',
    });
    expect(answer.status).toBe(202);
    expect(await outcome).toMatchObject({ kind: "error", requestId: id, errorType: "TypeError", body });
    const recorded = emulator.requests.at(-1);
    expect(recorded?.headers["lambda-runtime-function-xray-error-cause"]).toBe('{"exceptions":[]}');
  });

  test("reports a null error type and the raw text when the runtime sends neither header nor JSON", async () => {
    const outcome = emulator.invoke({});
    const id = await take();
    await post(`invocation/${id}/error`, "plain text");
    expect(await outcome).toMatchObject({ kind: "error", errorType: null, body: "plain text" });
  });

  test("resolves initError and fails every queued invocation with it", async () => {
    const queued = emulator.invoke({ first: true }, { requestId: "queued-1" });
    const body = { errorMessage: "bad config", errorType: "ConfigError", stackTrace: [] };
    const answer = await post("init/error", JSON.stringify(body), {
      "Lambda-Runtime-Function-Error-Type": "ConfigError",
    });
    expect(answer.status).toBe(202);
    expect(await emulator.initError).toEqual({ errorType: "ConfigError", body });
    expect(await queued).toMatchObject({ kind: "error", requestId: "queued-1", errorType: "ConfigError", body });
  });
});

describe("the deadline", () => {
  test("ends an unanswered invocation as a timeout, not before its deadline, and refuses a late answer with 403", async () => {
    const deadlineMs = Date.now() + 100;
    const outcome = emulator.invoke({}, { deadlineMs });
    const id = await take();
    const result: InvocationOutcome = await outcome;
    expect(result).toMatchObject({ kind: "timeout", requestId: id });
    // durationMs counts from delivery, which a loaded machine delays; the deadline itself is fixed.
    // (Timers and Date.now can disagree by a millisecond or two.)
    expect(Date.now()).toBeGreaterThanOrEqual(deadlineMs - 5);
    expect((await post(`invocation/${id}/response`, "{}")).status).toBe(403);
  });

  test("uses the function timeout from the options when the invoke gives no deadline", async () => {
    const quick = await startRuntimeApiEmulator({ timeoutMs: 50 });
    try {
      const outcome = quick.invoke({});
      await (await fetch(`http://${quick.address}/2018-06-01/runtime/invocation/next`)).text();
      expect((await outcome).kind).toBe("timeout");
    } finally {
      await quick.stop();
    }
  });
});

describe("injected faults", () => {
  test.each([
    ["next", 500],
    ["response", 500],
    ["error", 502],
  ] as const)("answers %s with %d the given number of times, without handling the request", async (on, status) => {
    emulator.injectFault({ on, status, times: 2 });
    if (on === "next") {
      expect((await next()).status).toBe(status);
      expect((await next()).status).toBe(status);
      void emulator.invoke({ served: true });
      expect(await (await next()).json()).toEqual({ served: true });
      return;
    }
    const outcome = emulator.invoke({});
    const id = await take();
    expect((await post(`invocation/${id}/${on}`, "{}")).status).toBe(status);
    expect((await post(`invocation/${id}/${on}`, "{}")).status).toBe(status);
    expect((await post(`invocation/${id}/${on}`, "{}")).status).toBe(202);
    expect((await outcome).kind).toBe(on === "response" ? "response" : "error");
  });

  test("gives a GET /next already waiting the fault at once", async () => {
    const waiting = next();
    await emulator.waitForNext();
    emulator.injectFault({ on: "next", status: 500 });
    expect((await waiting).status).toBe(500);
  });

  test.each(["next", "response", "error"] as const)(
    "drops the connection on %s (the client sees ECONNRESET)",
    async (on) => {
      emulator.injectFault({ on, drop: true });
      let id = "any";
      if (on !== "next") {
        void emulator.invoke({});
        id = await take();
      }
      const attempt = on === "next" ? next() : post(`invocation/${id}/${on}`, "{}");
      await expect(attempt).rejects.toMatchObject({ code: "ECONNRESET" });
    },
  );

  test("records every request, faulted ones included", async () => {
    const before = Date.now();
    emulator.injectFault({ on: "response", status: 500 });
    void emulator.invoke({});
    const id = await take();
    await post(`invocation/${id}/response`, "first");
    await post(`invocation/${id}/response`, "second");
    expect(emulator.requests.map((request) => [request.method, request.path, request.body])).toEqual([
      ["GET", "/2018-06-01/runtime/invocation/next", ""],
      ["POST", `/2018-06-01/runtime/invocation/${id}/response`, "first"],
      ["POST", `/2018-06-01/runtime/invocation/${id}/response`, "second"],
    ]);
    // Stamped when each arrived: in order, and inside this test.
    const stamps = emulator.requests.map((request) => request.at);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(stamps[0]).toBeGreaterThanOrEqual(before);
    expect(stamps.at(-1)).toBeLessThanOrEqual(Date.now());
  });
});

describe("other requests", () => {
  test.each([
    ["an unknown path", "GET", "invocation/abc/unknown", 404],
    ["a POST to /next", "POST", "invocation/next", 405],
    ["a GET of a response path", "GET", "invocation/abc/response", 405],
  ] as const)("answers %s with %d", async (_name, method, path, status) => {
    const response = await fetch(url(path), { method, timeout: false });
    expect(response.status).toBe(status);
  });

  test("stop() closes a GET /next that is still waiting", async () => {
    const waiting = next();
    await emulator.waitForNext();
    await emulator.stop();
    // The parked request ends with a connection error, not an answer of any status.
    const ended = await waiting.then(
      (response) => `answered ${response.status}`,
      (error: unknown) => (error instanceof Error ? "rejected" : `rejected with ${String(error)}`),
    );
    expect(ended).toBe("rejected");
    emulator = await startRuntimeApiEmulator();
  });
});

describe("record: false", () => {
  test("answers as usual but keeps no request", async () => {
    const quiet = await startRuntimeApiEmulator({ record: false });
    try {
      const base = `http://${quiet.address}/2018-06-01/runtime/`;
      const answered = quiet.invoke({ hello: "world" }, { requestId: "quiet-1" });
      const next = await fetch(`${base}invocation/next`, { timeout: false });
      expect(await next.json()).toEqual({ hello: "world" });
      await fetch(`${base}invocation/quiet-1/response`, { method: "POST", body: '{"ok":true}', timeout: false });
      expect(await answered).toMatchObject({ kind: "response", requestId: "quiet-1", json: { ok: true } });
      expect(quiet.requests).toEqual([]);
    } finally {
      await quiet.stop();
    }
  });
});

describe("the newer headers and concurrent mode", () => {
  async function withOptions(
    options: Parameters<typeof startRuntimeApiEmulator>[0],
    body: (other: RuntimeApiEmulator) => Promise<void>,
  ): Promise<void> {
    const other = await startRuntimeApiEmulator(options);
    try {
      await body(other);
    } finally {
      await other.stop();
    }
  }

  function nextFrom(other: RuntimeApiEmulator): Promise<Response> {
    return fetch(`http://${other.address}/2018-06-01/runtime/invocation/next`, { timeout: false });
  }

  function answer(other: RuntimeApiEmulator, id: string, headers: Record<string, string>): Promise<Response> {
    return fetch(`http://${other.address}/2018-06-01/runtime/invocation/${id}/response`, {
      method: "POST",
      body: "{}",
      headers,
      timeout: false,
    });
  }

  test("sends the tenant id only when the invoke gives one", async () => {
    const outcome = emulator.invoke({}, { requestId: "tenant-1", tenantId: "blue" });
    const response = await next();
    await response.arrayBuffer();
    expect(response.headers.get("Lambda-Runtime-Aws-Tenant-Id")).toBe("blue");
    expect(response.headers.get("Lambda-Runtime-Invocation-Id")).toBeNull();
    await post("invocation/tenant-1/response", "{}");
    await outcome;
  });

  test("hands out a fresh Invocation-Id per delivery and refuses an answer echoing another with 410", async () => {
    await withOptions({ invocationIds: true }, async (other) => {
      const outcome = other.invoke({}, { requestId: "id-1" });
      const response = await nextFrom(other);
      await response.arrayBuffer();
      const invocationId = response.headers.get("Lambda-Runtime-Invocation-Id");
      expect(invocationId).toMatch(/^[0-9a-f-]{36}$/);
      expect((await answer(other, "id-1", { "Lambda-Runtime-Invocation-Id": "someone-else" })).status).toBe(410);
      expect((await answer(other, "id-1", { "Lambda-Runtime-Invocation-Id": invocationId ?? "" })).status).toBe(202);
      expect(await outcome).toMatchObject({ kind: "response" });
      expect(other.staleAnswers).toBe(1);
    });
  });

  test("refuses an answer after the deadline with 410 when it hands out Invocation-Ids", async () => {
    await withOptions({ invocationIds: true }, async (other) => {
      const outcome = other.invoke({}, { requestId: "late-1", deadlineMs: Date.now() + 30 });
      const response = await nextFrom(other);
      await response.arrayBuffer();
      expect(await outcome).toMatchObject({ kind: "timeout" });
      const invocationId = response.headers.get("Lambda-Runtime-Invocation-Id") ?? "";
      expect((await answer(other, "late-1", { "Lambda-Runtime-Invocation-Id": invocationId })).status).toBe(410);
    });
  });

  test("in concurrent mode holds several GET /next at once, matches answers by id and enforces no deadline", async () => {
    await withOptions({ managedInstances: true }, async (other) => {
      const polls = [nextFrom(other), nextFrom(other), nextFrom(other)];
      await other.waitForParked(3);
      expect(other.maxParked).toBe(3);
      const outcomes = [
        other.invoke({ n: 0 }, { requestId: "c-0", deadlineMs: Date.now() + 10 }),
        other.invoke({ n: 1 }, { requestId: "c-1" }),
        other.invoke({ n: 2 }, { requestId: "c-2" }),
      ];
      const ids = await Promise.all(
        polls.map(async (poll) => {
          const response = await poll;
          await response.arrayBuffer();
          return response.headers.get("Lambda-Runtime-Aws-Request-Id") ?? "";
        }),
      );
      expect(ids.sort()).toEqual(["c-0", "c-1", "c-2"]);
      await Bun.sleep(40);
      // Past c-0's deadline and answered in reverse order: each outcome is still its own answer.
      for (const id of ["c-2", "c-1", "c-0"]) {
        await fetch(`http://${other.address}/2018-06-01/runtime/invocation/${id}/response`, {
          method: "POST",
          body: JSON.stringify({ id }),
          timeout: false,
        });
      }
      const settled = await Promise.all(outcomes);
      expect(settled.map((outcome) => (outcome.kind === "response" ? outcome.json : outcome.kind))).toEqual([
        { id: "c-0" },
        { id: "c-1" },
        { id: "c-2" },
      ]);
    });
  });
});
