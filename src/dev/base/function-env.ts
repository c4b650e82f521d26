import { UsageError } from "./cli-support.ts";

/**
 * The function environment the deploy docs set beside the zip (README, Configuration). JavaScriptCore
 * reads `BUN_JSC_*` only when the process starts, so this cannot be baked into `bootstrap`; the deploy
 * docs, the Docker run stage and our local emulation all set it, so what we measure is what runs.
 *
 * `BUN_JSC_useFTLJIT=0`: JSC's last JIT tier (FTL) off. It saved a one-off 1-4 MiB step in peak RSS
 * when the skill compiled its hot paths; under the skill's warm JIT policy (README, Decisions D29)
 * nothing reaches FTL, so today it changes nothing (35.0 against 35.1 MiB in the bench) and stays as a
 * safeguard for an entry that chooses a policy that compiles.
 */
export const RECOMMENDED_FUNCTION_ENV: Readonly<Record<string, string>> = Object.freeze({ BUN_JSC_useFTLJIT: "0" });

/** The URLs of the local fakes, or undefined for `--live`. */
export interface BackendUrls {
  readonly tflApiUrl: string;
  readonly skillApiUrl: string;
}

// Passed through from the caller's environment when set: credentials for --live and log settings.
const PASSED_THROUGH = ["AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL", "LOG_LEVEL"] as const;
const LIVE_ONLY = ["TFL_APP_ID", "TFL_APP_KEY"] as const;

/**
 * The function's own configuration (on top of the Lambda variables spawnBootstrap sets): the fakes'
 * URLs offline, TfL's default and the caller's TfL credentials live, and the skill id to verify.
 */
export function buildFunctionEnv(
  plan: { readonly live: boolean; readonly memorySizeMb: number },
  backends: BackendUrls | undefined,
  skillId: string | undefined,
  callerEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  // The function as we recommend deploying it, so local figures are the ones Lambda would show.
  const env: Record<string, string> = {
    ...RECOMMENDED_FUNCTION_ENV,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(plan.memorySizeMb),
  };
  if (skillId === undefined) {
    env["VERIFY_SKILL_ID"] = "false";
  } else {
    env["SKILL_ID"] = skillId;
    env["VERIFY_SKILL_ID"] = "true";
  }
  if (!plan.live) {
    if (backends === undefined) {
      throw new UsageError("an offline run needs the local TfL and skill API fakes");
    }
    env["TFL_API_URL"] = backends.tflApiUrl;
    env["SKILL_API_URL"] = backends.skillApiUrl;
  }
  for (const name of [...PASSED_THROUGH, ...(plan.live ? LIVE_ONLY : [])]) {
    const value = callerEnv[name];
    if (value !== undefined && value.length > 0) {
      env[name] = value;
    }
  }
  return env;
}
