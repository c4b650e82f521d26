/**
 * Our hand-written OTLP/JSON against the OpenTelemetry project's own protobuf definitions: the
 * static protobufjs module generated from opentelemetry-proto that `@opentelemetry/otlp-transformer`
 * 0.57 ships (a dev dependency, never bundled). Every field we send must survive a trip through the
 * official message types (JSON → message → protobuf bytes → message → JSON) unchanged: a misspelt
 * field, a wrong type or a wrong enum would be dropped or rejected there.
 */
import { describe, expect, test } from "bun:test";
import root from "@opentelemetry/otlp-transformer/build/src/generated/root.js";
import { createTracer, type TraceLogger } from "../../src/otel/index.ts";

interface ProtoType {
  verify(object: unknown): string | null;
  fromObject(object: unknown): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}

const ExportTraceServiceRequest = (
  root as unknown as {
    opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtoType } } } } };
  }
).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const ID_FIELDS = new Set(["traceId", "spanId", "parentSpanId"]);

/** OTLP/JSON writes ids as hex where the protobuf JSON mapping has base64 bytes; swap them. */
function mapIds(value: unknown, convert: (id: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => mapIds(item, convert));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, ID_FIELDS.has(key) ? convert(item) : mapIds(item, convert)]),
  );
}

const hexToBytes = (id: unknown): Uint8Array => Uint8Array.from(Buffer.from(String(id), "hex"));
const bytesToHex = (id: unknown): string => Buffer.from(id as Uint8Array).toString("hex");

const quiet: TraceLogger = { warn() {}, info() {} };

/** Runs one invocation with every kind of span and attribute we emit; returns the POSTed body. */
async function exportedBody(): Promise<string> {
  let body = "";
  const tracer = createTracer({
    url: "http://127.0.0.1:4318/v1/traces",
    headers: { "x-api-key": "k" },
    resource: { "service.name": "london-travel", "faas.max_memory": 268435456, "cloud.region": "eu-west-1" },
    scopeName: "london-travel",
    scopeVersion: "0.1.0",
    invocationSpanName: "london-travel-arm64",
    fetch: async (_url, init) => {
      body = String(init.body);
      return new Response("{}", { status: 200 });
    },
  });
  const trace = tracer.startInvocation({
    traceHeader: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    invocationId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:london-travel-arm64:live",
  });
  const request = trace.root.startChild("Skill Request", {
    "alexa.request.type": "IntentRequest",
    "alexa.request.intent.slots": ["LINE=victoria"],
  });
  request
    .startClientSpan("GET Line/victoria/Status", "https://api.tfl.gov.uk/Line/victoria/Status")
    .end(200, undefined);
  const failed = request.startClientSpan("GET api/preferences", "https://prefs.example/api/preferences");
  failed.end(
    503,
    new (class UpstreamError extends Error {
      override readonly name = "UpstreamError";
    })("status 503"),
  );
  request.end();
  await trace.flush(quiet, 250);
  return body;
}

describe("OTLP/JSON against opentelemetry-proto's ExportTraceServiceRequest", () => {
  test("verifies and survives a protobuf round trip field for field", async () => {
    const sent = JSON.parse(await exportedBody()) as Record<string, unknown>;
    const asProto = mapIds(sent, hexToBytes);
    // fromObject reads the JSON mapping (int64 as decimal strings); verify then checks the message's types.
    const message = ExportTraceServiceRequest.fromObject(asProto);
    expect(ExportTraceServiceRequest.verify(message)).toBeNull();
    const bytes = ExportTraceServiceRequest.encode(message).finish();
    const back = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), {
      longs: String,
      enums: Number,
      bytes: Uint8Array,
      defaults: false,
    });
    expect(mapIds(back, bytesToHex)).toEqual(sent);
  });

  test("ids have the lengths the protocol requires and spans name their parents", async () => {
    const sent = JSON.parse(await exportedBody()) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, string>> }> }>;
    };
    const spans = sent.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    expect(spans.length).toBe(4);
    for (const span of spans) {
      expect(span["traceId"]).toBe("5759e988bd862e3fe1be46a994272793");
      expect(span["spanId"]).toMatch(/^[0-9a-f]{16}$/);
      expect(span["parentSpanId"]).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  test("a field the schema does not know is caught by the round trip (the check can fail)", async () => {
    const sent = JSON.parse(await exportedBody()) as Record<string, unknown>;
    const broken = JSON.parse(JSON.stringify(sent).replace('"startTimeUnixNano"', '"startTimeUnixNanos"'));
    const bytes = ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject(mapIds(broken, hexToBytes)),
    ).finish();
    const back = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), {
      longs: String,
      enums: Number,
      bytes: Uint8Array,
      defaults: false,
    });
    expect(mapIds(back, bytesToHex)).not.toEqual(broken);
  });
});
