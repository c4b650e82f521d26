/**
 * Public surface of the TfL client room.
 */
export { cacheLifetimeMs, createResponseCache, createSingleFlight, MAX_CACHE_SECONDS } from "./cache.ts";
export type { ResponseCache, ResponseCacheOptions, SingleFlight } from "./cache.ts";
export { createTflClient } from "./client.ts";
export type { TflCacheOptions, TflClient, TflClientOptions } from "./client.ts";
export type { Disruption, Line, LineStatus } from "./schemas.ts";
