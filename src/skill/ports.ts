/**
 * What the skill needs from the outside world, declared structurally so `src/skill` never imports
 * another room. `src/main.ts` passes objects that match these shapes (the TfL and skill-API clients).
 */

/** Structured logger: one line per event. */
export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** One entry of TfL's `lineStatuses`; only the fields the skill reads. */
export interface TflLineStatus {
  readonly statusSeverity: number;
  readonly statusSeverityDescription?: string | undefined;
  readonly reason?: string | null | undefined;
  readonly validityPeriods?: ReadonlyArray<{ readonly isNow?: boolean | undefined }> | undefined;
}

/** One line from TfL's status endpoints. */
export interface TflLine {
  readonly id: string;
  readonly name: string;
  readonly lineStatuses: ReadonlyArray<TflLineStatus>;
}

/** One item from TfL's disruption endpoint; only `description` is spoken. */
export interface TflDisruption {
  readonly description: string;
}

/** What one downstream call may spend, and where it reports. */
export interface Budget {
  /** Epoch ms by which the call must finish, so Alexa hears the apology in time. */
  readonly deadline: number;
  /** The invocation's logger, so the client's lines carry the invocation's requestId. */
  readonly log: Logger;
  /** Where the client records its call when tracing is on; the skill only passes it along. */
  readonly trace?: TracePort | undefined;
}

/** Starts a client span for one downstream call; its `traceparent` goes out with the request. */
export interface TracePort {
  startClientSpan(
    operation: string,
    url: string,
  ): { readonly traceparent: string; end(status: number | undefined, error: unknown): void };
}

/** The TfL Unified API calls the intents make. */
export interface TflPort {
  /** GET /Line/{ids}/Status */
  getLineStatuses(ids: readonly string[], budget: Budget): Promise<readonly TflLine[]>;
  /** GET /Line/Mode/{modes}/Status */
  getModeStatuses(modes: readonly string[], budget: Budget): Promise<readonly TflLine[]>;
  /** GET /Line/Mode/{modes}/Disruption */
  getModeDisruptions(modes: readonly string[], budget: Budget): Promise<readonly TflDisruption[]>;
}

/** Result of the account-linking preferences call; a 401 is an answer, not a failure. */
export type PreferencesResult =
  { readonly kind: "ok"; readonly favoriteLines: readonly string[] } | { readonly kind: "unauthorized" };

/** The London Travel website's preferences API (account linking). */
export interface PreferencesPort {
  getPreferences(accessToken: string, budget: Budget): Promise<PreferencesResult>;
}

/** Everything the skill depends on, built once at init. */
export interface SkillDeps {
  readonly tfl: TflPort;
  readonly preferences: PreferencesPort;
  readonly skillId: string | undefined;
  readonly verifySkillId: boolean;
}

/** Per-invocation data: a logger carrying the request id and the budget end (epoch ms). */
export interface SkillInvocation {
  readonly log: Logger;
  readonly deadline: number;
  /** Present when tracing is on; handed to every port call. */
  readonly trace?: TracePort | undefined;
}
