import { describe, expect, test } from "bun:test";
import { createRuntimeApiClient, isConnectionReset } from "../../src/runtime/api-client.ts";
import type { RuntimeApiClient, RuntimeFetch } from "../../src/runtime/api-client.ts";
import { createLogger, RuntimeApiError } from "../../src/runtime/index.ts";
import { captureLog } from "../helpers/runtime-harness.ts";

interface Call {
  readonly url: string;
  readonly init: BunFetchRequestInit;
}

const DIAGNOSTIC = { errorMessage: "boom", errorType: "TypeError", stackTrace: ["at handler (main.ts:1:1)"] };

function resetError(): Error {
  return Object.assign(new TypeError("ECONNRESET: The socket connection was closed unexpectedly."), {
    code: "ECONNRESET",
  });
}

function refusedError(): Error {
  return Object.assign(new TypeError("ECONNREFUSED: Unable to connect."), { code: "ECONNREFUSED" });
}

/** A fetch stub that plays `script` in order (an Error is thrown, a Response returned) and records calls. */
function scripted(script: Array<Error | Response>): { fetch: RuntimeFetch; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: (url, init) => {
      calls.push({ url, init });
      const step = script.shift();
      if (step === undefined) return Promise.reject(new Error("unexpected extra call"));
      return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
    },
  };
}

function nextEvent(): Response {
  return new Response('{"ok":true}', { status: 200, headers: { "Lambda-Runtime-Aws-Request-Id": "id-1" } });
}

/** A GET /next answer whose body breaks off with a reset, as a socket the peer closed mid-body does. */
function bodyResetting(): Response {
  const body = new ReadableStream({
    start(controller) {
      controller.error(resetError());
    },
  });
  return new Response(body, { status: 200, headers: { "Lambda-Runtime-Aws-Request-Id": "id-1" } });
}

function accepted(): Response {
  return new Response('{"status":"OK"}', { status: 202 });
}

const endpoints: Array<[string, (client: RuntimeApiClient) => Promise<unknown>, () => Response, string]> = [
  [
    "GET /next",
    (client) => client.nextInvocation(),
    nextEvent,
    "http://127.0.0.1:9001/2018-06-01/runtime/invocation/next",
  ],
  [
    "POST /response",
    (client) => client.sendResponse("id-1", "{}"),
    accepted,
    "http://127.0.0.1:9001/2018-06-01/runtime/invocation/id-1/response",
  ],
  [
    "POST /error",
    (client) => client.sendInvocationError("id-1", DIAGNOSTIC, "Function.Type"),
    accepted,
    "http://127.0.0.1:9001/2018-06-01/runtime/invocation/id-1/error",
  ],
  [
    "POST /init/error",
    (client) => client.sendInitError(DIAGNOSTIC, "Runtime.InitError"),
    accepted,
    "http://127.0.0.1:9001/2018-06-01/runtime/init/error",
  ],
];

describe("createRuntimeApiClient", () => {
  test.each(endpoints)("calls %s at its URL with the idle timeout switched off", async (_name, call, answer, url) => {
    const stub = scripted([answer()]);
    await call(createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: stub.fetch }));
    expect(stub.calls).toHaveLength(1);
    expect(stub.calls[0]?.url).toBe(url);
    expect(stub.calls[0]?.init.timeout).toBe(false);
    expect(stub.calls[0]?.init.signal).toBeUndefined();
  });

  test.each(endpoints)("retries %s once after a connection reset and logs the reset", async (_name, call, answer) => {
    const stub = scripted([resetError(), answer()]);
    const capture = captureLog();
    const log = createLogger({ format: "json", level: "info", write: capture.write });
    await call(createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: stub.fetch, log }));
    expect(stub.calls).toHaveLength(2);
    expect(stub.calls[1]?.url).toBe(stub.calls[0]?.url ?? "");
    expect(capture.events()).toEqual(["runtime.api.reset"]);
  });

  test.each(endpoints)("gives up on %s after a second reset", async (_name, call) => {
    const stub = scripted([resetError(), resetError()]);
    const failure = call(createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: stub.fetch }));
    await expect(failure).rejects.toBeInstanceOf(RuntimeApiError);
    expect(stub.calls).toHaveLength(2);
  });

  test.each(endpoints)("does not retry %s when the connection is refused", async (_name, call) => {
    const stub = scripted([refusedError()]);
    const failure = call(createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: stub.fetch }));
    await expect(failure).rejects.toThrow(/ECONNREFUSED/);
    expect(stub.calls).toHaveLength(1);
  });

  test("sends the given error type header and the Lambda error content type; the body keeps its errorType", async () => {
    const stub = scripted([accepted()]);
    await createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: stub.fetch }).sendInvocationError(
      "id-1",
      DIAGNOSTIC,
      "Function.Type",
    );
    const headers = new Headers(stub.calls[0]?.init.headers);
    expect(headers.get("Content-Type")).toBe("application/vnd.aws.lambda.error+json");
    expect(headers.get("Lambda-Runtime-Function-Error-Type")).toBe("Function.Type");
    expect(headers.has("Lambda-Runtime-Invocation-Id")).toBe(false);
    expect(JSON.parse(String(stub.calls[0]?.init.body))).toEqual(DIAGNOSTIC);
  });

  test.each([
    ["POST /response", (client: RuntimeApiClient) => client.sendResponse("id-1", "{}", "nonce-1")],
    [
      "POST /error",
      (client: RuntimeApiClient) => client.sendInvocationError("id-1", DIAGNOSTIC, "Function.X", "nonce-1"),
    ],
  ])("echoes the Invocation-Id on %s when Lambda sent one", async (_name, call) => {
    const stub = scripted([accepted()]);
    await call(createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: stub.fetch }));
    expect(new Headers(stub.calls[0]?.init.headers).get("Lambda-Runtime-Invocation-Id")).toBe("nonce-1");
  });

  test("sends no Invocation-Id on /response when Lambda sent none", async () => {
    const stub = scripted([accepted()]);
    await createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: stub.fetch }).sendResponse("id-1", "{}");
    expect(new Headers(stub.calls[0]?.init.headers).has("Lambda-Runtime-Invocation-Id")).toBe(false);
  });

  test("retries GET /next once when the connection resets while the event body is read", async () => {
    const stub = scripted([bodyResetting(), nextEvent()]);
    const capture = captureLog();
    const log = createLogger({ format: "json", level: "info", write: capture.write });
    const next = await createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: stub.fetch, log }).nextInvocation();
    expect(next.body).toBe('{"ok":true}');
    expect(stub.calls).toHaveLength(2);
    expect(capture.events()).toEqual(["runtime.api.reset"]);
  });

  test.each([
    ["twice while reading the body", () => [bodyResetting(), bodyResetting()]],
    ["asking, then while reading the body", () => [resetError(), bodyResetting()]],
    ["while reading the body, then asking", () => [bodyResetting(), resetError()]],
  ])("gives up on GET /next after a second reset in a row: %s", async (_title, script) => {
    const stub = scripted(script());
    const failure = createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: stub.fetch }).nextInvocation();
    await expect(failure).rejects.toThrow(/failed again after a connection reset/);
    expect(stub.calls).toHaveLength(2);
  });

  test.each([400, 403, 410, 413, 404])(
    "returns a %d answer to a POST as a rejection instead of throwing",
    async (status) => {
      const stub = scripted([new Response('{"errorType":"X"}', { status })]);
      const rejection = await createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: stub.fetch }).sendResponse(
        "id-9",
        "{}",
      );
      expect(rejection).toEqual({
        status,
        path: "/2018-06-01/runtime/invocation/id-9/response",
        body: '{"errorType":"X"}',
      });
    },
  );

  test.each([500, 502])("throws a RuntimeApiError carrying the status when a POST is answered %d", async (status) => {
    const stub = scripted([new Response("down", { status })]);
    const failure = createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: stub.fetch }).sendResponse("id", "{}");
    await expect(failure).rejects.toMatchObject({ name: "RuntimeApiError", status });
  });

  test("passes the caller's AbortSignal to every call and rethrows its abort untouched", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const calls: Call[] = [];
    const client = createRuntimeApiClient({
      address: "127.0.0.1:9001",
      signal: controller.signal,
      fetch: (url, init) => {
        calls.push({ url, init });
        controller.abort(reason);
        return Promise.reject(reason);
      },
    });
    await expect(client.nextInvocation()).rejects.toBe(reason);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.init.signal).toBe(controller.signal);
  });
});

describe("preconnect", () => {
  test("asks the fetch to open a connection to the Runtime API's origin and sends nothing", () => {
    const opened: string[] = [];
    const stub = scripted([]);
    const fetchWithPreconnect = Object.assign(stub.fetch, { preconnect: (url: string) => void opened.push(url) });
    createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: fetchWithPreconnect }).preconnect();
    expect(opened).toEqual(["http://127.0.0.1:9001/"]);
    expect(stub.calls).toEqual([]);
  });

  test("does nothing with a fetch that cannot preconnect (Node.js's, or a stub)", () => {
    const stub = scripted([]);
    expect(() => createRuntimeApiClient({ address: "127.0.0.1:9001", fetch: stub.fetch }).preconnect()).not.toThrow();
    expect(stub.calls).toEqual([]);
  });

  test("never throws for an unusable address: the first request reports it", async () => {
    const client = createRuntimeApiClient({ address: "not a host" });
    expect(() => client.preconnect()).not.toThrow();
    await expect(client.nextInvocation()).rejects.toMatchObject({
      name: "RuntimeApiError",
      message: expect.stringContaining("GET /2018-06-01/runtime/invocation/next failed"),
    });
  });

  test("opens the TCP connection before any request, and GET /next is sent on it (Bun's fetch)", async () => {
    const opened: number[] = [];
    const requestLines: Array<{ connection: number; line: string }> = [];
    const server = Bun.listen<{ id: number }>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(socket) {
          socket.data = { id: opened.length + 1 };
          opened.push(socket.data.id);
        },
        data(socket, bytes) {
          requestLines.push({ connection: socket.data.id, line: String(bytes).split("\r\n")[0] ?? "" });
          socket.write("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: id-1\r\nContent-Length: 2\r\n\r\n{}");
        },
      },
    });
    try {
      const client = createRuntimeApiClient({ address: `127.0.0.1:${server.port}` });
      client.preconnect();
      for (let waited = 0; opened.length === 0 && waited < 2_000; waited += 10) await Bun.sleep(10);
      expect(opened).toEqual([1]);
      expect(requestLines).toEqual([]);
      const next = await client.nextInvocation();
      expect(next.body).toBe("{}");
      expect(requestLines).toEqual([{ connection: 1, line: "GET /2018-06-01/runtime/invocation/next HTTP/1.1" }]);
      expect(opened).toEqual([1]);
    } finally {
      server.stop(true);
    }
  });
});

describe("isConnectionReset", () => {
  test.each([
    ["Bun's ECONNRESET", true, resetError()],
    ["an EPIPE", true, Object.assign(new Error("broken pipe"), { code: "EPIPE" })],
    ["a closed socket message", true, new Error("socket closed")],
    ["a refused connection", false, refusedError()],
    ["a timeout", false, Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })],
    ["a string", false, "ECONNRESET"],
    ["undefined", false, undefined],
  ] as const)("says whether %s is a reset worth retrying (%p)", (_name, expected, error) => {
    expect(isConnectionReset(error)).toBe(expected);
  });
});
