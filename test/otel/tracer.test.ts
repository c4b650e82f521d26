import { afterAll, describe, expect, test } from "bun:test";
import {
  createRandomIds,
  createTracer,
  formatTraceparent,
  traceOriginFromXray,
  type RandomIds,
  type TracerOptions,
} from "../../src/otel/index.ts";
import { attributesOf, startFakeOtlpReceiver, type FakeOtlpReceiver } from "../../src/dev/base/fake-otlp-receiver.ts";
import { closedPort } from "../helpers/http-server.ts";

const receivers: FakeOtlpReceiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
});

function receiver(): FakeOtlpReceiver {
  const started = startFakeOtlpReceiver();
  receivers.push(started);
  return started;
}

function recordingLog() {
  const lines: Array<{ level: string; event: string; fields: Record<string, unknown> | undefined }> = [];
  return {
    lines,
    warn: (event: string, fields?: Record<string, unknown>) => lines.push({ level: "warn", event, fields }),
    info: (event: string, fields?: Record<string, unknown>) => lines.push({ level: "info", event, fields }),
  };
}

function options(url: string, extra: Partial<TracerOptions> = {}): TracerOptions {
  return {
    url,
    headers: { "x-api-key": "otlp-key-marker" },
    resource: { "service.name": "london-travel", "service.version": "0.1.0" },
    scopeName: "london-travel",
    scopeVersion: "0.1.0",
    invocationSpanName: "london-travel-x86_64",
    ...extra,
  };
}

const FACTS = {
  traceHeader: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
  invocationId: "req-1",
  functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:lt",
};

describe("traceOriginFromXray", () => {
  const fixed: RandomIds = { traceId: () => "f".repeat(32), spanId: () => "e".repeat(16) };
  /** A new trace from the random source: what a missing or malformed Root gives. */
  const NEW_TRACE = { traceId: "f".repeat(32), parentSpanId: undefined };
  /** The trace of FACTS.traceHeader, continued from its Parent. */
  const CONTINUED = { traceId: "5759e988bd862e3fe1be46a994272793", parentSpanId: "53995c3f42cd8ad8" };
  /** The same trace, without a parent span. */
  const NO_PARENT = { traceId: "5759e988bd862e3fe1be46a994272793", parentSpanId: undefined };
  test.each([
    [
      "Root, Parent and Sampled",
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
      CONTINUED,
    ],
    [
      "another order, upper-case hex",
      "Sampled=0;Parent=53995C3F42CD8AD8;Root=1-5759E988-BD862E3FE1BE46A994272793",
      CONTINUED,
    ],
    ["Root alone", "Root=1-5759e988-bd862e3fe1be46a994272793", NO_PARENT],
    ["no header", undefined, NEW_TRACE],
    ["a garbled Root", "Root=1-5759e988-bd86;Parent=53995c3f42cd8ad8", NEW_TRACE],
    ["a version other than 1", "Root=2-5759e988-bd862e3fe1be46a994272793", NEW_TRACE],
    [
      "white space around the fields",
      " Root=1-5759e988-bd862e3fe1be46a994272793 ;\tParent=53995c3f42cd8ad8 ; Sampled=1",
      CONTINUED,
    ],
    [
      "a garbled Root before a well-formed one",
      "Root=1-5759e988-bd86;Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8",
      CONTINUED,
    ],
    [
      "a Root with a character that is not hex",
      "Root=1-5759e988-bd862e3fe1be46a99427279g;Parent=53995c3f42cd8ad8",
      NEW_TRACE,
    ],
    [
      "a Root with a control character that is a digit's code without bit 0x20",
      "Root=1-5759e988-bd862e3fe1be46a99427279\u0013;Parent=53995c3f42cd8ad8",
      NEW_TRACE,
    ],
    ["a Root with text after the id", "Root=1-5759e988-bd862e3fe1be46a994272793x;Parent=53995c3f42cd8ad8", NEW_TRACE],
    ["a lower-case field name, which X-Ray does not write", "root=1-5759e988-bd862e3fe1be46a994272793", NEW_TRACE],
    ["an all-zero Root", "Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8", NEW_TRACE],
    ["a garbled Parent", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8a", NO_PARENT],
    ["an empty header", "", NEW_TRACE],
    ["an all-zero Parent", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000", NO_PARENT],
  ])("reads %s", (_title, header, expected) => {
    expect(traceOriginFromXray(header, fixed)).toEqual(expected);
  });

  test("formats traceparent as version 00, sampled", () => {
    expect(formatTraceparent("5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8")).toBe(
      "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01",
    );
  });

  test("random ids take 32 bits per draw, most significant digit first, and an all-zero id is drawn again", () => {
    const draws = [0, 0, 0.5, 0.25, 0, 0, 0, 0.75];
    const ids = createRandomIds(() => draws.shift() ?? 0.0625);
    // Span id: 0, 0 is all zero, so two more draws: 0.5 → 80000000, 0.25 → 40000000.
    expect(ids.spanId()).toBe("8000000040000000");
    // Trace id: 0, 0, 0, 0.75 → not all zero.
    expect(ids.traceId()).toBe("000000000000000000000000c0000000");
    expect(ids.spanId()).toBe("1000000010000000");
  });

  test("random ids are hex of the right length and differ", () => {
    const ids = createRandomIds();
    const traces = new Set(Array.from({ length: 100 }, () => ids.traceId()));
    const spans = new Set(Array.from({ length: 100 }, () => ids.spanId()));
    expect(traces.size).toBe(100);
    expect(spans.size).toBe(100);
    for (const id of traces) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of spans) expect(id).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("createTracer", () => {
  test("attributes added to an ended span before the flush are exported with it", async () => {
    const otlp = receiver();
    const tracer = createTracer(options(`${otlp.endpoint}/v1/traces`));
    const trace = tracer.startInvocation(FACTS);
    const request = trace.root.startChild("Skill Request", { early: "yes" });
    request.end();
    request.addAttributes({ "alexa.request.type": "IntentRequest", skipped: undefined });
    await trace.flush(recordingLog(), 1_000);

    const skill = otlp.spans().find((span) => span.name === "Skill Request");
    expect(skill === undefined ? undefined : attributesOf(skill)).toEqual({
      early: "yes",
      "alexa.request.type": "IntentRequest",
    });
  });

  test("one POST per invocation with every span, the headers and the resource", async () => {
    const otlp = receiver();
    const tracer = createTracer(options(`${otlp.endpoint}/v1/traces`));
    const trace = tracer.startInvocation(FACTS);
    const request = trace.root.startChild("Skill Request", {
      "alexa.request.type": "LaunchRequest",
      ignored: undefined,
    });
    const call = request.startClientSpan(
      "GET Line/victoria/Status",
      "https://api.tfl.gov.uk/Line/victoria/Status?app_key=secret-key",
    );
    call.end(200, undefined);
    request.end();
    await trace.flush(recordingLog(), 1_000);

    expect(otlp.exports.length).toBe(1);
    const [received] = otlp.exports;
    expect(received?.headers["x-api-key"]).toBe("otlp-key-marker");
    expect(received?.headers["content-type"]).toBe("application/json");
    expect(received?.resource).toEqual({ "service.name": "london-travel", "service.version": "0.1.0" });
    const spans = received?.spans ?? [];
    expect(spans.map((span) => [span.name, span.kind])).toEqual([
      ["GET Line/victoria/Status", 3],
      ["Skill Request", 1],
      ["london-travel-x86_64", 2],
    ]);
    const [client, skill, root] = spans;
    expect(root?.parentSpanId).toBe("53995c3f42cd8ad8");
    expect(skill?.parentSpanId).toBe(root?.spanId);
    expect(client?.parentSpanId).toBe(skill?.spanId);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set(["5759e988bd862e3fe1be46a994272793"]));
    expect(attributesOf(root ?? spans[0]!)).toEqual({
      "faas.invocation_id": "req-1",
      "cloud.resource_id": FACTS.functionArn,
      "faas.coldstart": true,
    });
    expect(attributesOf(skill!)).toEqual({ "alexa.request.type": "LaunchRequest" });
    expect(attributesOf(client!)).toEqual({
      "http.request.method": "GET",
      "url.full": "https://api.tfl.gov.uk/Line/victoria/Status",
      "server.address": "api.tfl.gov.uk",
      "server.port": 443,
      "http.response.status_code": 200,
    });
    expect(JSON.stringify(spans)).not.toContain("secret-key");
    for (const span of spans) expect(BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano)).toBe(true);
  });

  test("request text in attributes is capped at 256 characters; an operation without a method is a GET", async () => {
    const otlp = receiver();
    const tracer = createTracer(options(`${otlp.endpoint}/v1/traces`));
    const trace = tracer.startInvocation(FACTS);
    const request = trace.root.startChild("Skill Request", {
      "alexa.request.intent.slots": "v".repeat(1_000_000),
      "alexa.request.type": "IntentRequest",
    });
    request.startClientSpan("Preferences", "https://londontravel.example/api/preferences").end(200, undefined);
    request.end();
    await trace.flush(recordingLog(), 1_000);
    const spans = otlp.exports[0]?.spans ?? [];
    const skill = spans.find((span) => span.name === "Skill Request");
    expect(attributesOf(skill!)).toEqual({
      "alexa.request.intent.slots": `${"v".repeat(256)}…truncated`,
      "alexa.request.type": "IntentRequest",
    });
    expect(attributesOf(spans.find((span) => span.name === "Preferences")!)["http.request.method"]).toBe("GET");
  });

  test("the client span's traceparent names the client span itself", () => {
    const tracer = createTracer(options("http://127.0.0.1:9/v1/traces"));
    const trace = tracer.startInvocation(FACTS);
    const call = trace.root.startClientSpan("GET x", "http://127.0.0.1:9/x");
    expect(call.traceparent).toMatch(/^00-5759e988bd862e3fe1be46a994272793-[0-9a-f]{16}-01$/);
    expect(call.traceparent).not.toBe(trace.root.traceparent);
  });

  test("only the first invocation is a cold start; each invocation is its own batch", async () => {
    const otlp = receiver();
    const tracer = createTracer(options(`${otlp.endpoint}/v1/traces`));
    for (let index = 0; index < 3; index += 1) {
      await tracer.startInvocation({ ...FACTS, invocationId: `req-${index}` }).flush(recordingLog(), 1_000);
    }
    expect(otlp.exports.map((received) => received.spans.length)).toEqual([1, 1, 1]);
    expect(otlp.spans().map((span) => attributesOf(span)["faas.coldstart"])).toEqual([true, false, false]);
  });

  test("failures mark spans with the error's class and status, never its message", async () => {
    const otlp = receiver();
    const tracer = createTracer(options(`${otlp.endpoint}/v1/traces`));
    const trace = tracer.startInvocation(FACTS);
    trace.root.startClientSpan("GET api/preferences", "http://127.0.0.1:1/api/preferences").end(401, undefined);
    trace.root
      .startClientSpan("GET Line/x/Status", "http://127.0.0.1:1/Line/x/Status")
      .end(undefined, new TypeError("connect ECONNREFUSED 127.0.0.1:1 app_key=secret"));
    trace.root.fail(new RangeError("secret detail"));
    await trace.flush(recordingLog(), 1_000);
    const text = JSON.stringify(otlp.spans());
    expect(text).not.toContain("secret");
    const byName = Object.fromEntries(otlp.spans().map((span) => [span.name, span]));
    expect(byName["GET api/preferences"]?.status).toEqual({ code: 2, message: "401" });
    expect(byName["GET Line/x/Status"]?.status).toEqual({ code: 2, message: "TypeError" });
    expect(byName["london-travel-x86_64"]?.status).toEqual({ code: 2, message: "RangeError" });
  });

  test("a span left open is ended by the flush", async () => {
    const otlp = receiver();
    const trace = createTracer(options(`${otlp.endpoint}/v1/traces`)).startInvocation(FACTS);
    trace.root.startChild("Skill Request", {});
    await trace.flush(recordingLog(), 1_000);
    expect(
      otlp
        .spans()
        .map((span) => span.name)
        .sort(),
    ).toEqual(["Skill Request", "london-travel-x86_64"]);
  });

  test("an export failure is logged once per outage, with no URL or header, and never thrown", async () => {
    const otlp = receiver();
    const tracer = createTracer(options(`${otlp.endpoint}/v1/traces?key=url-secret`));
    const log = recordingLog();
    otlp.fail(503);
    for (let index = 0; index < 3; index += 1) await tracer.startInvocation(FACTS).flush(log, 1_000);
    otlp.fail(undefined);
    await tracer.startInvocation(FACTS).flush(log, 1_000);
    otlp.fail(500);
    await tracer.startInvocation(FACTS).flush(log, 1_000);
    expect(log.lines).toEqual([
      { level: "warn", event: "otel.export.failed", fields: { status: 503, spans: 1 } },
      { level: "info", event: "otel.export.recovered", fields: { spans: 1 } },
      { level: "warn", event: "otel.export.failed", fields: { status: 500, spans: 1 } },
    ]);
    expect(JSON.stringify(log.lines)).not.toContain("secret");
    expect(JSON.stringify(log.lines)).not.toContain("otlp-key-marker");
  });

  test("a receiver that never answers costs at most the timeout", async () => {
    const otlp = receiver();
    otlp.fail(0);
    const log = recordingLog();
    const tracer = createTracer(options(`${otlp.endpoint}/v1/traces`));
    const started = performance.now();
    await tracer.startInvocation(FACTS).flush(log, 150);
    const took = performance.now() - started;
    expect(took).toBeLessThan(1_500);
    expect(log.lines).toEqual([
      { level: "warn", event: "otel.export.failed", fields: { reason: "no answer within 150 ms", spans: 1 } },
    ]);
  });

  test("nothing listening: logged by error code", async () => {
    const port = await closedPort();
    const log = recordingLog();
    await createTracer(options(`http://127.0.0.1:${port}/v1/traces`))
      .startInvocation(FACTS)
      .flush(log, 500);
    expect(log.lines[0]?.event).toBe("otel.export.failed");
    expect(String(log.lines[0]?.fields?.["reason"])).toMatch(/^([A-Z]+|network error)$/);
  });

  test("no time left: nothing is sent", async () => {
    const otlp = receiver();
    await createTracer(options(`${otlp.endpoint}/v1/traces`))
      .startInvocation(FACTS)
      .flush(recordingLog(), 0);
    expect(otlp.exports).toEqual([]);
  });
});
