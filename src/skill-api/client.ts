/**
 * The account-linking preferences client: one GET with the user's bearer token, no cache. A 401 is
 * an answer ("link your account again"), not a failure. The token never reaches a log or an error.
 */
import { attemptsOf, createJsonClient, describeError, UpstreamError } from "../http/index.ts";
import type { Budget, FetchLike, Logger, RetryOptions } from "../http/index.ts";
import { preferencesSchema } from "./schemas.ts";

/** Built once at init from the configuration. */
export interface SkillApiClientOptions {
  /** Absolute base URL with a trailing slash, e.g. "https://londontravel.martincostello.com/". */
  readonly baseUrl: string;
  readonly userAgent: string;
  readonly log: Logger;
  readonly fetch?: FetchLike | undefined;
  /** Clock (epoch ms) for budgets; defaults to `Date.now`. */
  readonly now?: (() => number) | undefined;
  readonly retry?: RetryOptions | undefined;
  /** Largest accepted body; default 2 MiB. */
  readonly maxBodyBytes?: number | undefined;
}

/** Result of the preferences call (structurally the skill's PreferencesResult). */
export type PreferencesResult =
  { readonly kind: "ok"; readonly favoriteLines: readonly string[] } | { readonly kind: "unauthorized" };

/** The preferences call the skill makes (structurally the skill's PreferencesPort). */
export interface SkillApiClient {
  getPreferences(accessToken: string, budget: Budget): Promise<PreferencesResult>;
}

const OPERATION = "GET api/preferences";
const PATH = "api/preferences";
// RFC 7230 header values are visible ASCII; anything else cannot be a token the API issued, and
// must not reach Headers (whose error messages could echo it).
const TOKEN_SHAPE = /^[\x21-\x7e]+$/;

/** Creates the client; call once at init and reuse across invocations. */
export function createSkillApiClient(options: SkillApiClientOptions): SkillApiClient {
  const now = options.now ?? Date.now;
  const http = createJsonClient({
    baseUrl: options.baseUrl,
    userAgent: options.userAgent,
    fetch: options.fetch,
    now,
    retry: options.retry,
    maxBodyBytes: options.maxBodyBytes,
  });

  async function getPreferences(accessToken: string, budget: Budget): Promise<PreferencesResult> {
    const log = budget.log ?? options.log;
    if (typeof accessToken !== "string" || !TOKEN_SHAPE.test(accessToken)) {
      log.debug("skillApi.request.skipped", { operation: OPERATION, reason: "access token is empty or malformed" });
      return { kind: "unauthorized" };
    }
    const secrets = [accessToken];
    const started = now();
    try {
      const result = await http.getJson({
        path: PATH,
        operation: OPERATION,
        schema: preferencesSchema(),
        budget,
        headers: { authorization: `Bearer ${accessToken}` },
        secrets,
      });
      log.debug("skillApi.request", {
        operation: OPERATION,
        status: result.status,
        durationMs: now() - started,
        attempts: result.attempts,
      });
      return { kind: "ok", favoriteLines: result.data?.favoriteLines ?? [] };
    } catch (error) {
      const durationMs = now() - started;
      if (error instanceof UpstreamError && error.status === 401) {
        log.debug("skillApi.request", { operation: OPERATION, status: 401, durationMs, attempts: error.attempts });
        return { kind: "unauthorized" };
      }
      log.warn("skillApi.request.failed", {
        operation: OPERATION,
        durationMs,
        attempts: attemptsOf(error),
        error: describeError(error, secrets),
      });
      throw error;
    }
  }

  return { getPreferences };
}
