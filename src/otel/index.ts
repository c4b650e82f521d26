/**
 * The tracing client room: spans for one invocation, exported over OTLP/HTTP as JSON. HTTP only;
 * `src/main.ts` feeds it the invocation's facts and the skill's request attributes.
 */
export { createTracer } from "./tracer.ts";
export type {
  ActiveSpan,
  ClientSpan,
  ExportFetch,
  InvocationFacts,
  InvocationTrace,
  TraceLogger,
  Tracer,
  TracerOptions,
} from "./tracer.ts";
export type { AttributeValue, Attributes } from "./otlp-json.ts";
export { createRandomIds, formatTraceparent, traceOriginFromXray } from "./trace-context.ts";
export type { RandomIds, TraceOrigin } from "./trace-context.ts";
