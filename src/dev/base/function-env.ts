/**
 * The function environment we recommend beside the zip (README, Configuration). JavaScriptCore reads
 * `BUN_JSC_*` only when the process starts, so this cannot be baked into `bootstrap`; the deploy
 * docs, the Docker run stage and our local emulation all set it, so what we measure is what runs.
 *
 * `BUN_JSC_useFTLJIT=0`: JSC's last JIT tier (FTL) compiles after thousands of warm invocations and
 * its scratch memory is a one-off 1-4 MiB step in peak RSS; measured without it, warm latency is
 * unchanged (status p50 0.556 vs 0.573 ms) and the 10,000-invocation soak has no step.
 */
export const RECOMMENDED_FUNCTION_ENV: Readonly<Record<string, string>> = Object.freeze({ BUN_JSC_useFTLJIT: "0" });
