/**
 * Sends our launch request to a container built from Dockerfile.cross's run stage (the AWS base
 * image's runtime interface emulator on port 8080) and checks the answer like a deploy does. Retries
 * while the container is still starting, so CI can call it straight after `docker run --detach`.
 */
import * as v from "valibot";
import { processIo, runShipCli, ShipError, UsageError, type CliIo } from "./cli.ts";
import { buildLaunchEvent, launchTemplate, readSkillId } from "./launch-event.ts";
import { spokenText, verifyLaunchResponse } from "./verify-launch-response.ts";

/** The AWS Runtime Interface Emulator's invoke path, with the usual `-p 9000:8080` mapping. */
const DEFAULT_RIE_URL = "http://localhost:9000/2015-03-31/functions/function/invocations";

/** What the emulator answered. */
export interface RieAnswer {
  readonly status: number;
  readonly body: string;
  /** How many connection attempts failed before this one. */
  readonly retries: number;
}

/** The clock, the sleeper and fetch, injectable for tests. */
export interface RieDeps {
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

/**
 * POSTs `event` to `url`; while the connection is refused (the container is starting) it retries every
 * `retryDelayMs` until `timeoutMs` has passed, then throws `ShipError` with the last error.
 */
export async function invokeRie(
  url: string,
  event: unknown,
  options: { readonly timeoutMs: number; readonly retryDelayMs: number },
  deps: RieDeps,
): Promise<RieAnswer> {
  const deadline = deps.now() + options.timeoutMs;
  let retries = 0;
  for (;;) {
    try {
      const response = await deps.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(Math.max(1, deadline - deps.now())),
      });
      return { status: response.status, body: await response.text(), retries };
    } catch (error) {
      if (deps.now() + options.retryDelayMs >= deadline) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ShipError(
          `no answer from ${url} within ${options.timeoutMs} ms (${retries + 1} attempts): ${reason}`,
        );
      }
      retries += 1;
      await deps.sleep(options.retryDelayMs);
    }
  }
}

/** Printed by `--help` and after a usage error. */
const RIE_USAGE = `Usage: bun run src/dev/ship/rie-invoke.ts [options]

Sends a LaunchRequest to a running Dockerfile.cross container (the Lambda runtime interface emulator)
and checks the answer: valid Alexa response, SSML speech, session kept open. Exits 1 otherwise.

  docker run --rm -p 9000:8080 -e SKILL_ID=amzn1.ask.skill.… london-travel:arm64
  bun run src/dev/ship/rie-invoke.ts --skill-id amzn1.ask.skill.…

Options:
  --url URL          the invoke URL (default: ${DEFAULT_RIE_URL})
  --skill-id ID      the skill id the container's SKILL_ID expects (default: $SKILL_ID, else the fixture's)
  --timeout SECONDS  how long to wait for the container (default: 60)
  -h, --help         this text`;

/** The CLI. */
export async function main(argv: readonly string[], io: CliIo, deps: RieDeps = realDeps()): Promise<number> {
  return runShipCli(
    {
      argv,
      io,
      usage: RIE_USAGE,
      options: {
        url: { type: "string", default: DEFAULT_RIE_URL },
        "skill-id": { type: "string" },
        timeout: { type: "string", default: "60" },
      },
    },
    async ({ values }) => {
      const seconds = Number(values.timeout);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
        throw new UsageError(`--timeout must be a number of seconds from 1 to 600, not "${values.timeout}"`);
      }
      if (!v.is(v.pipe(v.string(), v.url()), values.url)) {
        throw new UsageError(`--url must be a URL, not "${values.url}"`);
      }
      const template = launchTemplate();
      const skillId = readSkillId(values["skill-id"] ?? io.env["SKILL_ID"]);
      const event = buildLaunchEvent(template, { skillId, now: new Date(), newId: () => crypto.randomUUID() });
      const answer = await invokeRie(values.url, event, { timeoutMs: seconds * 1000, retryDelayMs: 1000 }, deps);
      let payload: unknown = answer.body;
      try {
        payload = JSON.parse(answer.body) as unknown;
      } catch {
        // Not JSON: the verdict below says so.
      }
      const problems = [
        ...(answer.status === 200 ? [] : [`the emulator answered HTTP ${answer.status}`]),
        ...verifyLaunchResponse(payload).problems,
      ];
      if (problems.length > 0) {
        throw new ShipError(
          `not a valid launch response from ${values.url}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}\nbody: ${answer.body.slice(0, 2000)}`,
        );
      }
      io.out(`✓ valid launch response after ${answer.retries} retries: “${spokenText(payload)}”`);
      return 0;
    },
  );
}

function realDeps(): RieDeps {
  return {
    fetch: (url, init) => fetch(url, init),
    sleep: (ms) => Bun.sleep(ms),
    now: () => Date.now(),
  };
}

if (import.meta.main) {
  process.exitCode = await main(Bun.argv.slice(2), processIo());
}
