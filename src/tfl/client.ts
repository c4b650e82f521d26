/**
 * The TfL Unified API client: three GETs (line status by id, line status by mode, disruptions by
 * mode), credentials in the query only when configured, answers validated (shape, and that they
 * answer the question asked) and cached for TfL's own freshness window. Ids and modes are checked
 * before they reach a URL.
 */
import * as v from "valibot";
import {
  attemptsOf,
  BudgetExceededError,
  createJsonClient,
  describeError,
  InvalidRequestArgumentError,
  UpstreamSchemaError,
} from "../http/index.ts";
import type { Budget, FetchLike, Logger, RetryOptions } from "../http/index.ts";
import { cacheLifetimeMs, createResponseCache, createSingleFlight, MAX_CACHE_SECONDS } from "./cache.ts";
import { disruptionsSchema, linesSchema } from "./schemas.ts";
import type { Disruption, Line } from "./schemas.ts";

/** Built once at init from the configuration. */
export interface TflClientOptions {
  /** Absolute base URL with a trailing slash, e.g. "https://api.tfl.gov.uk/". */
  readonly baseUrl: string;
  /** Sent as `app_id` when set and non-empty. */
  readonly appId?: string | undefined;
  /** Sent as `app_key` when set and non-empty; never logged. */
  readonly appKey?: string | undefined;
  readonly userAgent: string;
  readonly log: Logger;
  readonly fetch?: FetchLike | undefined;
  /** Clock (epoch ms) for budgets and the cache; defaults to `Date.now`. */
  readonly now?: (() => number) | undefined;
  readonly retry?: RetryOptions | undefined;
  readonly cache?: TflCacheOptions | undefined;
  /** Largest accepted body; default 2 MiB. */
  readonly maxBodyBytes?: number | undefined;
}

/** Cache bounds; the defaults suit production. */
export interface TflCacheOptions {
  /** Most answers kept (default 64; 0 turns caching off). */
  readonly maxEntries?: number | undefined;
  /** Cap on TfL's max-age, in seconds (default and maximum 60). */
  readonly maxAgeSeconds?: number | undefined;
}

/** The TfL calls the skill makes (structurally the skill's TflPort). */
export interface TflClient {
  /** GET Line/{ids}/Status */
  getLineStatuses(ids: readonly string[], budget: Budget): Promise<readonly Line[]>;
  /** GET Line/Mode/{modes}/Status */
  getModeStatuses(modes: readonly string[], budget: Budget): Promise<readonly Line[]>;
  /** GET Line/Mode/{modes}/Disruption */
  getModeDisruptions(modes: readonly string[], budget: Budget): Promise<readonly Disruption[]>;
}

const SAFE_SEGMENT = /^[a-z0-9-]+$/;
const MAX_IDS = 32;

/** Creates the client and its cache; call once at init and reuse across invocations. */
export function createTflClient(options: TflClientOptions): TflClient {
  const now = options.now ?? Date.now;
  // Pushed, not filtered: no built-in array method runs before the first answer (README, Decisions D28).
  const secrets: string[] = [];
  const credentials: Record<string, string> = {};
  // The peer sends app_id before app_key; keep that order.
  if (isNonEmpty(options.appId)) credentials["app_id"] = options.appId;
  if (isNonEmpty(options.appKey)) credentials["app_key"] = options.appKey;
  if (isNonEmpty(options.appKey)) secrets.push(options.appKey);
  if (isNonEmpty(options.appId)) secrets.push(options.appId);
  const searchParams = Object.keys(credentials).length > 0 ? credentials : undefined;

  const http = createJsonClient({
    baseUrl: options.baseUrl,
    userAgent: options.userAgent,
    fetch: options.fetch,
    now,
    retry: options.retry,
    maxBodyBytes: options.maxBodyBytes,
    secrets,
  });
  const cache = createResponseCache<readonly unknown[]>({ now, maxEntries: options.cache?.maxEntries });
  const flights = createSingleFlight<readonly unknown[]>();
  const maxAgeSeconds = Math.min(MAX_CACHE_SECONDS, Math.max(0, options.cache?.maxAgeSeconds ?? MAX_CACHE_SECONDS));

  async function get<const TSchema extends v.GenericSchema<unknown, readonly unknown[]>>(
    segments: readonly string[],
    schema: TSchema,
    budget: Budget,
    answers: (data: v.InferOutput<TSchema>) => string | undefined = () => undefined,
  ): Promise<v.InferOutput<TSchema>> {
    const path = segments.map(encodeURIComponent).join("/");
    const operation = `GET ${segments.join("/")}`;
    const started = now();
    const log = budget.log ?? options.log;

    const cached = cache.get(path);
    if (cached !== undefined) {
      log.debug("tfl.request", { operation, status: 200, durationMs: 0, attempts: 0, cached: true });
      return cached as v.InferOutput<TSchema>;
    }
    // Concurrent invocations asking the same question share the call in flight, which runs under the
    // first caller's budget; only that caller logs the outcome. A caller that joins it still gives up
    // by its own deadline, which may be earlier than the first caller's.
    const joining = flights.has(path);
    if (joining) log.debug("tfl.request.joined", { operation });
    const shared = flights.run(path, async () => {
      try {
        const result = await http.getJson({ path, operation, schema, budget, searchParams });
        // A well-formed answer to another question is still a failure, and must never be cached.
        const problem = answers(result.data);
        if (problem !== undefined) throw new UpstreamSchemaError(operation, problem, result.status, result.attempts);
        const lifetimeMs = cacheLifetimeMs(result.headers, maxAgeSeconds);
        if (lifetimeMs > 0) cache.set(path, deepFreeze(result.data), lifetimeMs);
        log.debug("tfl.request", {
          operation,
          status: result.status,
          durationMs: now() - started,
          attempts: result.attempts,
          cached: false,
        });
        return result.data;
      } catch (error) {
        log.warn("tfl.request.failed", {
          operation,
          durationMs: now() - started,
          attempts: attemptsOf(error),
          error: describeError(error, secrets),
        });
        throw error;
      }
    });
    return (await (joining
      ? withinDeadline(shared, budget.deadline - now(), operation)
      : shared)) as v.InferOutput<TSchema>;
  }

  return {
    // Only the lines asked about are answered: a line TfL adds unasked is dropped (and logged), never read out.
    getLineStatuses: async (ids, budget) =>
      onlyAsked(
        await get(["Line", joinSafe(ids, "line id"), "Status"], linesSchema(), budget, (lines) =>
          missingLines(ids, lines),
        ),
        (line) => ids.includes(line.id),
        budget.log ?? options.log,
      ),
    getModeStatuses: async (modes, budget) =>
      onlyAsked(
        await get(["Line", "Mode", joinSafe(modes, "mode"), "Status"], linesSchema(), budget, (lines) =>
          lines.some((line) => isOfModes(line, modes)) ? undefined : "no lines for the mode",
        ),
        (line) => isOfModes(line, modes),
        budget.log ?? options.log,
      ),
    getModeDisruptions: async (modes, budget) =>
      get(["Line", "Mode", joinSafe(modes, "mode"), "Disruption"], disruptionsSchema(), budget),
  };
}

/** The joined call's answer, or BudgetExceededError once this caller's own budget has run out. */
function withinDeadline<T>(shared: Promise<T>, remainingMs: number, operation: string): Promise<T> {
  if (remainingMs <= 0) return Promise.reject(new BudgetExceededError(operation, 0, 0));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new BudgetExceededError(operation, remainingMs, 0)), remainingMs);
  });
  return Promise.race([shared, expired]).finally(() => clearTimeout(timer));
}

/** A line of one of the modes asked; a line without a `modeName` is taken at TfL's word. */
function isOfModes(line: Line, modes: readonly string[]): boolean {
  return line.modeName === undefined || modes.includes(line.modeName);
}

/** The lines that answer the question; the rest are logged by id (`[a-z0-9-]`-checked ids only) and dropped. */
function onlyAsked(lines: readonly Line[], asked: (line: Line) => boolean, log: Logger): readonly Line[] {
  if (lines.every(asked)) return lines;
  const extra = lines.filter((line) => !asked(line));
  log.warn("tfl.answer.unasked", { ids: extra.map((line) => line.id.slice(0, 64)) });
  return lines.filter(asked);
}

/** Names the asked-for lines TfL left out (ids are `[a-z0-9-]`, safe to show); undefined if none. */
function missingLines(ids: readonly string[], lines: readonly Line[]): string | undefined {
  const answered = new Set(lines.map((line) => line.id));
  const missing = ids.filter((id) => !answered.has(id));
  return missing.length === 0 ? undefined : `no status for line ${missing.map((id) => `"${id}"`).join(", ")}`;
}

/** Joins ids with "," after checking each is `[a-z0-9-]+`: nothing else ever reaches a TfL URL. */
function joinSafe(values: readonly string[], what: string): string {
  if (values.length === 0 || values.length > MAX_IDS) {
    throw new InvalidRequestArgumentError(`Expected 1 to ${MAX_IDS} TfL ${what}s, got ${values.length}`);
  }
  values.forEach((value, index) => {
    // The value itself is not echoed: it may be text a user spoke.
    if (typeof value !== "string" || !SAFE_SEGMENT.test(value)) {
      throw new InvalidRequestArgumentError(`TfL ${what} at index ${index} is not made of [a-z0-9-]`);
    }
  });
  return values.join(",");
}

function isNonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== "";
}

/** Cached answers are shared by every later caller, so nobody may change them. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
