/**
 * Trace and span ids: continuing Lambda's X-Ray trace header, minting random ids, and the W3C
 * `traceparent` header sent downstream.
 */

/** Where an invocation's trace continues from. */
export interface TraceOrigin {
  /** 32 lower-case hex digits. */
  readonly traceId: string;
  /** 16 hex digits of the caller's span, or undefined for a new trace. */
  readonly parentSpanId: string | undefined;
}

const XRAY_ROOT = /(?:^|;)\s*Root=1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24})\s*(?:;|$)/;
const XRAY_PARENT = /(?:^|;)\s*Parent=([0-9a-fA-F]{16})\s*(?:;|$)/;
const ALL_ZERO = /^0+$/;

/**
 * Reads `Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=…` (the `Lambda-Runtime-Trace-Id` header):
 * the W3C trace id is the 32 hex digits of Root, the parent span id is Parent. A missing or malformed
 * Root starts a new trace; a missing Parent leaves the root span without a parent.
 */
export function traceOriginFromXray(header: string | undefined, random: RandomIds): TraceOrigin {
  const root = header === undefined ? null : XRAY_ROOT.exec(header);
  const traceId = root === null ? "" : `${root[1]}${root[2]}`.toLowerCase();
  if (traceId === "" || ALL_ZERO.test(traceId)) return { traceId: random.traceId(), parentSpanId: undefined };
  const parent = header === undefined ? null : XRAY_PARENT.exec(header);
  const parentSpanId = parent?.[1]?.toLowerCase();
  return {
    traceId,
    parentSpanId: parentSpanId === undefined || ALL_ZERO.test(parentSpanId) ? undefined : parentSpanId,
  };
}

/** `00-<trace id>-<span id>-01`: every span we start is recorded and exported, so it is sampled. */
export function formatTraceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}

/** Random non-zero ids. */
export interface RandomIds {
  traceId(): string;
  spanId(): string;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** Ids from the platform's cryptographic random source, through one reused buffer. */
export function createRandomIds(): RandomIds {
  const bytes = new Uint8Array(16);
  const hex = (length: number): string => {
    for (;;) {
      crypto.getRandomValues(bytes);
      let out = "";
      let zero = true;
      for (let index = 0; index < length; index += 1) {
        const byte = bytes[index] ?? 0;
        if (byte !== 0) zero = false;
        out += HEX[byte];
      }
      if (!zero) return out;
    }
  };
  return { traceId: () => hex(16), spanId: () => hex(8) };
}
