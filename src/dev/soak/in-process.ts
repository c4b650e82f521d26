/**
 * The skill as production wires it (the real TfL and skill-API clients, the real handler), built
 * in this process and pointed at loopback backends, with every outbound URL recorded. The fuzzer,
 * the downstream-fault and the injection tests drive it.
 */
import { handleAlexaRequest, InvalidRequestError, SkillIdMismatchError } from "../../skill/index.ts";
import type { SkillDeps } from "../../skill/index.ts";
import { createSkillApiClient } from "../../skill-api/index.ts";
import { createTflClient } from "../../tfl/index.ts";
import type { Logger } from "./capture-log.ts";
import { RELIABILITY_SKILL_ID } from "./events.ts";

/** Marker values: if one of these shows up in any output, a secret leaked. */
export const SECRET_MARKERS = Object.freeze({
  tflAppKey: "REL-APPKEY-7f3c9e1d2b",
  tflAppId: "rel-appid-4a8b",
  /** An access token Alexa passes for a linked account (also sent as a Bearer header). */
  accessToken: "REL-ACCESSTOKEN-c5e2a9f0",
  /** `context.System.apiAccessToken`, which the skill never needs. */
  alexaApiAccessToken: "REL-ALEXAAPITOKEN-913be0",
});

/** How one event ended. */
export type Outcome =
  | { readonly kind: "response"; readonly response: unknown; readonly ms: number }
  | { readonly kind: "invocationError"; readonly error: Error; readonly ms: number }
  | { readonly kind: "unexpectedError"; readonly error: unknown; readonly ms: number }
  | { readonly kind: "noAnswer"; readonly ms: number };

/** The skill in this process. */
export interface InProcessSkill {
  readonly deps: SkillDeps;
  /** Every URL the clients fetched, in order. */
  readonly outbound: string[];
  /** Answers one event with the given budget (ms from now); never rejects. */
  answer(event: unknown, options?: { budgetMs?: number; guardMs?: number }): Promise<Outcome>;
}

/** Options for {@link createInProcessSkill}. */
export interface InProcessSkillOptions {
  readonly tflUrl: string;
  readonly skillApiUrl: string;
  readonly log: Logger;
  readonly appKey?: string | undefined;
  readonly appId?: string | undefined;
  readonly skillId?: string | undefined;
  readonly verifySkillId?: boolean | undefined;
  /** Retry tunables for the clients (tests shorten the backoff). */
  readonly retry?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number } | undefined;
}

/** Builds the clients and deps exactly as `src/main.ts` does, with a recording fetch. */
export function createInProcessSkill(options: InProcessSkillOptions): InProcessSkill {
  const outbound: string[] = [];
  const fetch = (input: Request, init?: RequestInit): Promise<Response> => {
    outbound.push(input.url);
    return globalThis.fetch(input, init);
  };
  const userAgent = "london-travel/reliability";
  const deps: SkillDeps = {
    tfl: createTflClient({
      baseUrl: options.tflUrl,
      appId: options.appId ?? SECRET_MARKERS.tflAppId,
      appKey: options.appKey ?? SECRET_MARKERS.tflAppKey,
      userAgent,
      log: options.log,
      fetch,
      retry: options.retry,
    }),
    preferences: createSkillApiClient({
      baseUrl: options.skillApiUrl,
      userAgent,
      log: options.log,
      fetch,
      retry: options.retry,
    }),
    skillId: options.skillId ?? RELIABILITY_SKILL_ID,
    verifySkillId: options.verifySkillId ?? true,
  };

  async function answer(event: unknown, answerOptions: { budgetMs?: number; guardMs?: number } = {}): Promise<Outcome> {
    const started = performance.now();
    const budgetMs = answerOptions.budgetMs ?? 7_000;
    const guardMs = answerOptions.guardMs ?? budgetMs + 3_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const guard = new Promise<"noAnswer">((resolve) => {
      timer = setTimeout(() => resolve("noAnswer"), guardMs);
    });
    try {
      const result = await Promise.race([
        handleAlexaRequest(event, { log: options.log, deadline: Date.now() + budgetMs }, deps),
        guard,
      ]);
      const ms = performance.now() - started;
      return result === "noAnswer" ? { kind: "noAnswer", ms } : { kind: "response", response: result, ms };
    } catch (error) {
      const ms = performance.now() - started;
      if (error instanceof InvalidRequestError || error instanceof SkillIdMismatchError) {
        return { kind: "invocationError", error, ms };
      }
      return { kind: "unexpectedError", error, ms };
    } finally {
      clearTimeout(timer);
    }
  }

  return { deps, outbound, answer };
}
