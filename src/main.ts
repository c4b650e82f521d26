/**
 * The composition root and the only compiled entry: configuration, the TfL and account-linking
 * clients, the Alexa skill and the Lambda runtime loop meet here and nowhere else.
 */
import { version } from "../package.json" with { type: "json" };
import { loadConfig, secretsInEnvironment } from "./config.ts";
import { startRuntime } from "./runtime/index.ts";
import type { Handler, Init } from "./runtime/index.ts";
import { handleAlexaRequest } from "./skill/index.ts";
import type { SkillDeps } from "./skill/index.ts";
import { createSkillApiClient } from "./skill-api/index.ts";
import { createTflClient } from "./tfl/index.ts";

/** Downstream calls must end this long before Lambda's deadline, so the apology can still be posted. */
const DEADLINE_MARGIN_MS = 500;
/** Alexa gives up on a skill after 8 s; leave a second to build and post the answer. */
const ALEXA_PATIENCE_MS = 7_000;

/** When every downstream call of one invocation must have finished (README, Decisions D12). */
export function downstreamDeadline(lambdaDeadlineMs: number, arrivalMs: number): number {
  return Math.min(lambdaDeadlineMs - DEADLINE_MARGIN_MS, arrivalMs + ALEXA_PATIENCE_MS);
}

/** Builds the skill's dependencies once per sandbox; a bad setting throws and becomes an init error. */
export const init: Init<SkillDeps> = (log) => {
  const config = loadConfig(process.env);
  const userAgent = `london-travel/${version}`;
  return {
    tfl: createTflClient({
      baseUrl: config.tflApiUrl,
      appId: config.tflAppId,
      appKey: config.tflAppKey,
      userAgent,
      log,
    }),
    preferences: createSkillApiClient({ baseUrl: config.skillApiUrl, userAgent, log }),
    skillId: config.skillId,
    verifySkillId: config.verifySkillId,
  };
};

/** One Alexa request: InvalidRequestError and SkillIdMismatchError reach Lambda as invocation errors. */
export const handle: Handler<SkillDeps> = (event, context, deps) =>
  handleAlexaRequest(event, { log: context.log, deadline: downstreamDeadline(context.deadlineMs, Date.now()) }, deps);

if (import.meta.main) await startRuntime(handle, init, { redact: secretsInEnvironment(process.env) });
