/**
 * Traces through the compiled binary: with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a receiver on
 * loopback, each invocation is exported in one POST before its answer is posted, continues the
 * X-Ray trace from Lambda-Runtime-Trace-Id, carries the alexa.* attributes, and TfL and the skill
 * API receive a traceparent naming their client span. Off (no endpoint, or OTEL_SDK_DISABLED=true)
 * nothing is sent and no traceparent leaves the function; a failing receiver never fails an answer.
 */
import { describe, expect } from "bun:test";
import type { Arch as LambdaArch } from "../../src/dev/base/arch.ts";
import {
  attributesOf,
  startFakeOtlpReceiver,
  type FakeOtlpReceiver,
  type ReceivedSpan,
} from "../../src/dev/base/fake-otlp-receiver.ts";
import { startReliabilityBackends, type ReliabilityBackends } from "../../src/dev/soak/backends.ts";
import { functionEnv, outputOf, startFunction, type FunctionUnderTest } from "../../src/dev/soak/binary.ts";
import type { InvokeOptions } from "../../src/dev/base/emulator.ts";
import { baseEvent, RELIABILITY_SKILL_ID, TOKENS } from "../../src/dev/soak/events.ts";
import { setAt, type Json } from "../../src/dev/soak/json-tree.ts";
import { testIfRunnable } from "../dev/helpers/builds.ts";
import { stopAfterAll } from "../helpers/stop-after-all.ts";

const XRAY_TRACE = "5759e988bd862e3fe1be46a994272793";
const XRAY_PARENT = "53995c3f42cd8ad8";
const TRACE_HEADER = `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${XRAY_PARENT};Sampled=1`;
const OTLP_KEY = "otlp-header-key-marker-61d0";

const stopLater = stopAfterAll();

function runnable(arch: LambdaArch) {
  return testIfRunnable(arch, "trace e2e tests");
}

function commuteEvent(): Json {
  let event = baseEvent("commute");
  event = setAt(event, ["session", "user", "accessToken"], TOKENS.favourites);
  return setAt(event, ["context", "System", "user", "accessToken"], TOKENS.favourites);
}

/**
 * One invocation, returned once the runtime asks for the next event: the export runs after the answer
 * is posted and before that GET /next, so by then it has arrived (or failed).
 */
async function answered(fn: FunctionUnderTest, event: unknown, options?: InvokeOptions) {
  const outcome = await fn.invoke(event, options);
  if (outcome.kind !== "exited") await fn.emulator.waitForNext();
  return outcome;
}

async function tracedFunction(arch: LambdaArch, extra: Record<string, string> = {}) {
  const otlp: FakeOtlpReceiver = startFakeOtlpReceiver();
  stopLater(otlp.stop);
  const backends: ReliabilityBackends = startReliabilityBackends();
  stopLater(backends.stop);
  const fn = await startFunction({
    arch,
    backends,
    env: functionEnv(backends, {
      AWS_LAMBDA_FUNCTION_NAME: "london-travel-e2e",
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${OTLP_KEY}`,
      OTEL_SERVICE_NAME: "LondonTravel.Skill",
      // qemu is slow: give the export room so the test sees it, not the timeout.
      OTEL_EXPORTER_OTLP_TIMEOUT: "3000",
      ...extra,
    }),
  });
  stopLater(fn.stop);
  return { otlp, backends, fn };
}

function byName(spans: readonly ReceivedSpan[], name: string): ReceivedSpan {
  const span = spans.find((candidate) => candidate.name === name);
  if (span === undefined) throw new Error(`no span named ${name} in ${spans.map((s) => s.name).join(", ")}`);
  return span;
}

for (const arch of ["x86_64", "arm64"] as const) {
  describe(`traces (${arch})`, () => {
    runnable(arch)(
      "a status request: exported after the answer and before the next event, continuing X-Ray, with alexa.* and a TfL client span",
      async () => {
        const { otlp, backends, fn } = await tracedFunction(arch);
        const outcome = await answered(fn, baseEvent("statusResolved"), {
          traceId: TRACE_HEADER,
          requestId: "req-status",
        });
        expect(outcome.kind).toBe("response");
        // Flushed after the answer was posted and before the runtime asked for the next event.
        expect(otlp.exports.length).toBe(1);
        const spans = otlp.exports[0]?.spans ?? [];
        expect(spans.length).toBe(3);
        const root = byName(spans, "london-travel-e2e");
        const request = byName(spans, "Skill Request");
        const tfl = byName(spans, "GET Line/victoria/Status");
        expect(spans.every((span) => span.traceId === XRAY_TRACE)).toBe(true);
        expect(root.parentSpanId).toBe(XRAY_PARENT);
        expect(root.kind).toBe(2);
        expect(request.parentSpanId).toBe(root.spanId);
        expect(tfl.parentSpanId).toBe(request.spanId);
        expect(tfl.kind).toBe(3);
        expect(attributesOf(root)).toMatchObject({ "faas.invocation_id": "req-status", "faas.coldstart": true });
        expect(attributesOf(request)).toMatchObject({
          "alexa.request.type": "IntentRequest",
          "alexa.request.intent.name": "StatusIntent",
          "alexa.context.system.application.id": RELIABILITY_SKILL_ID,
        });
        expect(attributesOf(tfl)).toMatchObject({ "http.request.method": "GET", "http.response.status_code": 200 });
        expect(String(attributesOf(tfl)["url.full"])).not.toContain("app_key");
        const resource = otlp.exports[0]?.resource ?? {};
        expect(resource).toMatchObject({
          "service.name": "LondonTravel.Skill",
          "cloud.provider": "aws",
          "cloud.platform": "aws_lambda",
          "faas.name": "london-travel-e2e",
          "process.runtime.name": "bun",
          "host.arch": arch === "x86_64" ? "amd64" : "arm64",
        });
        expect(otlp.exports[0]?.headers["x-api-key"]).toBe(OTLP_KEY);
        const tflRequest = backends.requests.find((seen) => seen.server === "tfl");
        expect(tflRequest?.headers["traceparent"]).toBe(`00-${XRAY_TRACE}-${tfl.spanId}-01`);
        await fn.stop();
        expect(outputOf(fn)).not.toContain(OTLP_KEY);
      },
      60_000,
    );

    runnable(arch)(
      "a receiver answering 503 never fails an answer, and the failure is logged once",
      async () => {
        const { otlp, fn } = await tracedFunction(arch);
        otlp.fail(503);
        for (let index = 0; index < 3; index += 1) {
          expect((await answered(fn, baseEvent("statusResolved"))).kind).toBe("response");
        }
        expect(otlp.exports.length).toBe(3);
        await fn.stop();
        const failures = fn.process
          .stdout()
          .split("\n")
          .filter((line) => line.includes("otel.export.failed"));
        expect(failures.length).toBe(1);
        expect(failures[0]).toContain('"status":503');
      },
      60_000,
    );
  });
}

describe("traces (x86_64)", () => {
  const e2e = runnable("x86_64");

  e2e(
    "commute: the skill API and TfL both receive traceparent; a new trace without X-Ray header",
    async () => {
      const { otlp, backends, fn } = await tracedFunction("x86_64");
      expect((await answered(fn, commuteEvent())).kind).toBe("response");
      const spans = otlp.spans();
      const preferences = byName(spans, "GET api/preferences");
      const root = spans.find((span) => span.kind === 2);
      expect(root?.parentSpanId).toBeUndefined();
      expect(root?.traceId).toMatch(/^[0-9a-f]{32}$/);
      const skillApi = backends.requests.find((seen) => seen.server === "skillApi");
      expect(skillApi?.headers["traceparent"]).toBe(`00-${root?.traceId}-${preferences.spanId}-01`);
      const tflCalls = backends.requests.filter((seen) => seen.server === "tfl");
      expect(tflCalls.length).toBeGreaterThan(0);
      for (const call of tflCalls) expect(call.headers["traceparent"]).toStartWith(`00-${root?.traceId}-`);
      await fn.stop();
    },
    30_000,
  );

  e2e(
    "an invocation error is exported too, its spans marked failed",
    async () => {
      const { otlp, fn } = await tracedFunction("x86_64");
      const other = setAt(
        setAt(baseEvent("launch"), ["context", "System", "application", "applicationId"], "amzn1.ask.skill.other"),
        ["session", "application", "applicationId"],
        "amzn1.ask.skill.other",
      );
      const outcome = await answered(fn, other);
      expect(outcome.kind === "error" ? outcome.errorType : outcome.kind).toBe("Function.SkillIdMismatch");
      const request = byName(otlp.spans(), "Skill Request");
      expect(request.status).toEqual({ code: 2, message: "SkillIdMismatchError" });
      await fn.stop();
    },
    30_000,
  );

  e2e.each([
    ["OTEL_SDK_DISABLED=true", { OTEL_SDK_DISABLED: "true" }],
    ["no endpoint", { OTEL_EXPORTER_OTLP_ENDPOINT: "" }],
  ])(
    "off with %s: nothing exported, no traceparent sent",
    async (_title, extra) => {
      const { otlp, backends, fn } = await tracedFunction("x86_64", extra);
      expect((await answered(fn, baseEvent("statusResolved"), { traceId: TRACE_HEADER })).kind).toBe("response");
      expect((await answered(fn, commuteEvent())).kind).toBe("response");
      expect(otlp.exports).toEqual([]);
      expect(backends.requests.length).toBeGreaterThan(0);
      for (const seen of backends.requests) expect(seen.headers["traceparent"]).toBeUndefined();
      await fn.stop();
    },
    30_000,
  );

  e2e(
    "a bad OTEL_EXPORTER_OTLP_HEADERS is an init error naming it, without its value",
    async () => {
      const backends = startReliabilityBackends();
      stopLater(backends.stop);
      const fn = await startFunction({
        backends,
        env: functionEnv(backends, {
          OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9",
          OTEL_EXPORTER_OTLP_HEADERS: `${OTLP_KEY}-without-equals`,
        }),
        expectInitFailure: true,
      });
      stopLater(fn.stop);
      const init = await fn.emulator.initError;
      expect(init.errorType).toBe("Runtime.ConfigError");
      expect((init.body as { errorType?: unknown }).errorType).toBe("ConfigError");
      expect(JSON.stringify(init.body)).toContain("OTEL_EXPORTER_OTLP_HEADERS");
      await fn.stop();
      expect(outputOf(fn)).not.toContain(OTLP_KEY);
    },
    30_000,
  );
});
