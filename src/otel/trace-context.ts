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

/**
 * Reads `Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=…` (the `Lambda-Runtime-Trace-Id` header):
 * the W3C trace id is the 32 hex digits of Root, the parent span id is Parent. A missing or malformed
 * Root starts a new trace; a missing Parent leaves the root span without a parent. Fields may come in
 * any order, with white space around them; the first well-formed one of each name counts.
 *
 * Read by scanning, not with regular expressions: every traced invocation reads it, and the first
 * regular expression a process runs costs its cold start about 0.6 ms (README, Decisions D28).
 */
export function traceOriginFromXray(header: string | undefined, random: RandomIds): TraceOrigin {
  const { root, parent } = header === undefined ? NO_FIELDS : readXrayFields(header);
  // "1-" + 8 hex + "-" + 24 hex: the trace id is the two hex runs joined.
  const traceId = root === undefined ? "" : `${root.slice(2, 10)}${root.slice(11)}`.toLowerCase();
  if (traceId === "" || isAllZero(traceId)) return { traceId: random.traceId(), parentSpanId: undefined };
  return {
    traceId,
    parentSpanId: parent === undefined || isAllZero(parent) ? undefined : parent.toLowerCase(),
  };
}

const ROOT_FIELD = "Root=";
const PARENT_FIELD = "Parent=";
const NO_FIELDS: { readonly root: undefined; readonly parent: undefined } = { root: undefined, parent: undefined };

/** The values of the first well-formed Root and Parent fields, in one pass over the `;`-separated fields. */
function readXrayFields(header: string): { readonly root: string | undefined; readonly parent: string | undefined } {
  let root: string | undefined;
  let parent: string | undefined;
  for (let start = 0; start <= header.length;) {
    const semicolon = header.indexOf(";", start);
    const end = semicolon === -1 ? header.length : semicolon;
    const field = header.slice(start, end).trim();
    if (root === undefined && field.startsWith(ROOT_FIELD)) {
      const value = field.slice(ROOT_FIELD.length);
      if (isXrayRoot(value)) root = value;
    } else if (parent === undefined && field.startsWith(PARENT_FIELD)) {
      const value = field.slice(PARENT_FIELD.length);
      if (value.length === 16 && isHex(value, 0, 16)) parent = value;
    }
    start = end + 1;
  }
  return { root, parent };
}

/** `1-<8 hex>-<24 hex>`: version 1, the epoch seconds and the 96-bit identifier. */
function isXrayRoot(value: string): boolean {
  return (
    value.length === 35 &&
    value.startsWith("1-") &&
    isHex(value, 2, 10) &&
    value.charCodeAt(10) === 45 /* - */ &&
    isHex(value, 11, 35)
  );
}

/** True when every character of `text` from `from` up to `to` is a hex digit, of either case. */
function isHex(text: string, from: number, to: number): boolean {
  for (let index = from; index < to; index += 1) {
    const code = text.charCodeAt(index);
    const lower = code | 0x20; // A-F become a-f
    if (!((code >= 48 && code <= 57) || (lower >= 97 && lower <= 102))) return false;
  }
  return true;
}

function isAllZero(hex: string): boolean {
  for (let index = 0; index < hex.length; index += 1) if (hex.charCodeAt(index) !== 48) return false;
  return true;
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

const HEX_DIGITS = "0123456789abcdef";

/**
 * Random ids from Math.random, 32 bits at a time, as OpenTelemetry's JavaScript SDK makes them (its
 * RandomIdGenerator): an id must be unique, not secret. The first crypto.getRandomValues of a process
 * costs a traced cold start about 0.8 ms before the first answer, Math.random about 0.2 ms (measured
 * in a compiled executable). An all-zero id, which W3C Trace Context forbids, is drawn again.
 */
export function createRandomIds(random: () => number = Math.random): RandomIds {
  const hex = (digits: number): string => {
    for (;;) {
      let out = "";
      let zero = true;
      for (let drawn = 0; drawn < digits; drawn += 8) {
        const word = (random() * 0x1_0000_0000) >>> 0;
        if (word !== 0) zero = false;
        for (let shift = 28; shift >= 0; shift -= 4) out += HEX_DIGITS.charAt((word >>> shift) & 15);
      }
      if (!zero) return out;
    }
  };
  return { traceId: () => hex(32), spanId: () => hex(16) };
}
