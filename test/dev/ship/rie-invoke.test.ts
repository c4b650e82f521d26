import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { invokeRie, main, type RieDeps } from "../../../src/dev/ship/rie-invoke.ts";
import { captureIo } from "../helpers/capture-io.ts";

const VALID_ANSWER = await Bun.file(join(import.meta.dir, "../../fixtures/ship/launch-response.json")).text();
const SKILL = "amzn1.ask.skill.5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716";

/** What the stand-in emulator answers next, and the events it got. */
const emulator: { answer: { status: number; body: string }; received: unknown[] } = {
  answer: { status: 200, body: VALID_ANSWER },
  received: [],
};
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    if (request.method !== "POST" || new URL(request.url).pathname !== "/2015-03-31/functions/function/invocations") {
      return new Response("not found", { status: 404 });
    }
    emulator.received.push(await request.json());
    return new Response(emulator.answer.body, {
      status: emulator.answer.status,
      headers: { "content-type": "application/json" },
    });
  },
});
const URL_ = `http://127.0.0.1:${server.port}/2015-03-31/functions/function/invocations`;

afterAll(() => server.stop(true));

/** Real fetch after `refusals` connection failures, on a fake clock that `sleep` advances. */
function flakyDeps(refusals: number): RieDeps & { slept: number[] } {
  let clock = 0;
  let failures = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    fetch: async (url, init) => {
      if (failures < refusals) {
        failures += 1;
        throw new TypeError("Unable to connect. Is the computer able to access the url?");
      }
      return fetch(url, init);
    },
  };
}

describe("invokeRie", () => {
  test("posts the event and returns the emulator's answer", async () => {
    emulator.answer = { status: 200, body: VALID_ANSWER };
    const result = await invokeRie(URL_, { hello: "rie" }, { timeoutMs: 5000, retryDelayMs: 100 }, flakyDeps(0));
    expect(result).toEqual({ status: 200, body: VALID_ANSWER, retries: 0 });
    expect(emulator.received.at(-1)).toEqual({ hello: "rie" });
  });

  test("retries while the container is starting", async () => {
    const deps = flakyDeps(3);
    const result = await invokeRie(URL_, {}, { timeoutMs: 5000, retryDelayMs: 250 }, deps);
    expect(result.retries).toBe(3);
    expect(deps.slept).toEqual([250, 250, 250]);
  });

  test("gives up after the timeout with the last connection error", async () => {
    const error = await invokeRie(URL_, {}, { timeoutMs: 1000, retryDelayMs: 300 }, flakyDeps(100)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error instanceof Error ? error.message : "").toBe(
      `no answer from ${URL_} within 1000 ms (4 attempts): Unable to connect. Is the computer able to access the url?`,
    );
  });
});

describe("rie-invoke CLI", () => {
  test("sends our launch request with SKILL_ID and accepts a valid answer", async () => {
    emulator.answer = { status: 200, body: VALID_ANSWER };
    const captured = captureIo({ SKILL_ID: SKILL });
    expect(await main(["--url", URL_, "--timeout", "5"], captured.io, flakyDeps(1))).toBe(0);
    expect(captured.out.join("")).toContain("✓ valid launch response after 1 retries: “Hello from London Travel.");
    const event = emulator.received.at(-1) as {
      request: { type: string };
      context: { System: { application: { applicationId: string } } };
    };
    expect(event.request.type).toBe("LaunchRequest");
    expect(event.context.System.application.applicationId).toBe(SKILL);
  });

  test.each([
    [
      "an init error",
      { status: 200, body: JSON.stringify({ errorType: "Runtime.ExitError", errorMessage: "exit status 1" }) },
      "Runtime.ExitError",
    ],
    ["a server error", { status: 502, body: "bad gateway" }, "the emulator answered HTTP 502"],
    [
      "an answer that ends the session",
      { status: 200, body: VALID_ANSWER.replace('"shouldEndSession": false', '"shouldEndSession": true') },
      "response.shouldEndSession",
    ],
  ])("exits 1 on %s", async (_title, reply, message) => {
    emulator.answer = reply;
    const captured = captureIo();
    expect(await main(["--url", URL_], captured.io, flakyDeps(0))).toBe(1);
    expect(captured.err.join("")).toContain(message);
  });

  test.each([[["--timeout", "0"]], [["--timeout", "soon"]], [["--url", "not a url"]], [["--what"]]])(
    "exits 2 for %p",
    async (argv) => {
      const captured = captureIo();
      expect(await main(argv, captured.io, flakyDeps(0))).toBe(2);
      expect(captured.err.join("")).toContain("Usage: bun run src/dev/ship/rie-invoke.ts");
    },
  );
});
