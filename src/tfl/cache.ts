/**
 * The TfL answer cache (README, Decisions D12): entries live for TfL's own `Cache-Control` freshness
 * (max-age minus Age), capped at 60 s, so a warm function does not ask TfL the same question twice
 * within that window. Bounded in size; the oldest entry goes first. One cache per client instance.
 * When several invocations run at once (Lambda Managed Instances) and miss the same key together,
 * the single flight below lets one upstream call answer all of them.
 */

/** A small bounded cache with per-entry lifetimes on an injected clock. */
export interface ResponseCache<T> {
  get(key: string): T | undefined;
  /** Stores `value` for `lifetimeMs`; a lifetime of 0 or less stores nothing. */
  set(key: string, value: T, lifetimeMs: number): void;
  readonly size: number;
}

/** Tunables of the cache. */
export interface ResponseCacheOptions {
  readonly now: () => number;
  /** Most entries kept; default 64. */
  readonly maxEntries?: number | undefined;
}

/** Upper bound on how long any TfL answer is reused (README, Decisions D12). */
export const MAX_CACHE_SECONDS = 60;
const DEFAULT_MAX_ENTRIES = 64;

/**
 * Creates an empty cache; Map insertion order doubles as age order for eviction. The Map is made by
 * the first answer stored: the client is built at init, and a launch request, which calls nobody,
 * then never makes one (a process's first Map costs its cold start about 0.2 ms; README, Decisions D28).
 */
export function createResponseCache<T>(options: ResponseCacheOptions): ResponseCache<T> {
  const maxEntries = Math.max(0, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  let entries: Map<string, { readonly value: T; readonly expiresAt: number }> | undefined;

  return {
    get(key) {
      if (entries === undefined) return undefined;
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (options.now() >= entry.expiresAt) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value, lifetimeMs) {
      if (!(lifetimeMs > 0) || maxEntries === 0) return;
      entries ??= new Map();
      entries.delete(key);
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      entries.set(key, { value, expiresAt: options.now() + lifetimeMs });
    },
    get size() {
      return entries?.size ?? 0;
    },
  };
}

/**
 * How long (ms) an answer may be reused: max-age minus Age, at most `capSeconds`; 0 when the
 * answer says no-store or no-cache, or has no max-age.
 */
export function cacheLifetimeMs(headers: Headers, capSeconds: number = MAX_CACHE_SECONDS): number {
  const cacheControl = headers.get("cache-control");
  if (cacheControl === null) return 0;
  let maxAge: number | undefined;
  for (const part of cacheControl.split(",")) {
    const [rawName = "", rawValue] = part.split("=", 2);
    const name = rawName.trim().toLowerCase();
    if (name === "no-store" || name === "no-cache") return 0;
    if (name === "max-age" && rawValue !== undefined) {
      const value = rawValue.trim().replace(/^"(.*)"$/, "$1");
      if (!/^\d+$/.test(value)) return 0;
      maxAge = Number(value);
    }
  }
  if (maxAge === undefined) return 0;
  const ageHeader = headers.get("age")?.trim();
  const age = ageHeader !== undefined && /^\d+$/.test(ageHeader) ? Number(ageHeader) : 0;
  const seconds = Math.min(maxAge - age, capSeconds);
  return seconds > 0 ? seconds * 1000 : 0;
}

/**
 * Shares one call per key among callers that ask while it is in flight. A settled call is forgotten at
 * once: results are reused afterwards only through the cache (whose lifetimes TfL decides) and a
 * failure is never reused, so the next caller after a failure makes a fresh call.
 */
export interface SingleFlight<T> {
  /** `call()` if no call for `key` is in flight, else the promise of the one that is. */
  run(key: string, call: () => Promise<T>): Promise<T>;
  /** Whether a call for `key` is in flight now (the caller will join it). */
  has(key: string): boolean;
}

/** Creates an empty single flight; one per client instance, next to its cache; its Map made by the first call. */
export function createSingleFlight<T>(): SingleFlight<T> {
  let inFlight: Map<string, Promise<T>> | undefined;
  return {
    run(key, call) {
      const calls = (inFlight ??= new Map());
      const pending = calls.get(key);
      if (pending !== undefined) return pending;
      const started = call().finally(() => calls.delete(key));
      calls.set(key, started);
      return started;
    },
    has(key) {
      return inFlight?.has(key) ?? false;
    },
  };
}
