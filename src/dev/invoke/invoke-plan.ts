/**
 * `bun run invoke`: the pure half. Arguments become a plan (which binaries, which event, which
 * backends); the plan and the backends' URLs become the function's environment. `invoke.ts` does the I/O.
 */
import { parseArchOption, parseCliArgs, parseCountOption, UsageError } from "../base/cli-support.ts";
import type { Arch } from "../base/arch.ts";
import { EVENT_KINDS, isEventKind, LOCAL_SKILL_ID, type EventKind } from "../base/events.ts";
import { RECORDED_ACCESS_TOKEN } from "../base/fake-backends.ts";

/** Printed by `--help` and after a usage error. */
export const INVOKE_USAGE = `Usage: bun run invoke [options]

Sends one Alexa event to the compiled dist/<arch>/bootstrap under a local Lambda Runtime API and
prints what Alexa would say, the card, whether the session stays open, and Lambda's REPORT line.
Offline by default: TfL and the skill API answer from recordings on 127.0.0.1.

Event (default: --line victoria):
  --line NAME          status of a line as Alexa heard it ("victoria", "the DLR", "overground")
  --intent KIND        ${EVENT_KINDS.join(", ")}
  --token TOKEN        account-linking token for --intent commute (offline default: a recorded one)
  --event PATH         any event JSON file (its skill id becomes SKILL_ID)

Run:
  --arch ARCH          x86_64, arm64 or both (default: this host's); arm64 on x86_64 runs under qemu
  --repeat N           N invocations in one process: the first is the cold start, the rest warm (default 1)
  --concurrency N      a load run: N invocations in flight at once, printing throughput and p50/p99
                       latency (default --repeat 200); above 1 the function runs in Lambda Managed
                       Instances mode (AWS_LAMBDA_MAX_CONCURRENCY=N)
  --live               call the real TfL API (TFL_APP_ID/TFL_APP_KEY from the environment if set)
  --timeout SECONDS    function timeout, enforced like Lambda's (default 10)
  --memory MB          AWS_LAMBDA_FUNCTION_MEMORY_SIZE and the report's Memory Size (default 512)
  --skill-id ID        SKILL_ID given to the function (default: the id in the event)
  --dist DIR           where the builds are (default dist)

Output:
  --json               also print the raw response JSON
  --logs               also print the function's own log lines, between START and END
  --traces             export traces to a local OTLP receiver and print each invocation's spans as a tree
  --dry-run            print the plan (binaries, environment, event) and run nothing
  -h, --help           this text`;

/** The runtime's own cap on workers (MAX_WORKERS in src/runtime/loop.ts). */
const MAX_LOCAL_CONCURRENCY = 64;
/** Invocations sent with --concurrency when --repeat is not given: enough for a p99. */
const CONCURRENT_REPEAT = 200;

/** Where the event comes from. */
export type EventSource =
  | {
      readonly source: "kind";
      readonly kind: EventKind;
      readonly line?: string | undefined;
      readonly accessToken?: string | undefined;
    }
  | { readonly source: "file"; readonly path: string };

/** Everything `bun run invoke` will do. */
export interface InvokePlan {
  readonly command: "run";
  readonly archs: readonly Arch[];
  readonly event: EventSource;
  readonly repeat: number;
  /**
   * `--concurrency`: a load run with this many invocations in flight, reporting throughput and p50/p99;
   * above 1 the function runs in Managed Instances mode. Undefined: the classic one-event report.
   */
  readonly concurrency: number | undefined;
  readonly live: boolean;
  readonly json: boolean;
  readonly logs: boolean;
  /** Export traces to a local OTLP receiver and print the spans. */
  readonly traces: boolean;
  readonly dryRun: boolean;
  readonly timeoutMs: number;
  readonly memorySizeMb: number;
  readonly skillId: string | undefined;
  readonly distDir: string;
}

/** `--help`, or a plan. */
export type InvokeCommand = { readonly command: "help" } | InvokePlan;

/** Parses `bun run invoke` arguments; throws {@link UsageError} for anything it cannot act on. */
export function parseInvokeArgs(argv: readonly string[], hostArch: Arch): InvokeCommand {
  const { values } = parseCliArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      line: { type: "string" },
      intent: { type: "string" },
      token: { type: "string" },
      event: { type: "string" },
      arch: { type: "string" },
      repeat: { type: "string" },
      concurrency: { type: "string" },
      live: { type: "boolean" },
      timeout: { type: "string" },
      memory: { type: "string" },
      "skill-id": { type: "string" },
      dist: { type: "string" },
      json: { type: "boolean" },
      logs: { type: "boolean" },
      traces: { type: "boolean" },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) {
    return { command: "help" };
  }
  const live = values.live === true;
  const concurrency =
    values.concurrency === undefined
      ? undefined
      : parseCountOption("concurrency", values.concurrency, 1, 1, MAX_LOCAL_CONCURRENCY);
  return {
    command: "run",
    archs: parseArchOption(values.arch, hostArch),
    event: parseEventSource(values, live),
    repeat: parseCountOption("repeat", values.repeat, concurrency === undefined ? 1 : CONCURRENT_REPEAT, 1, 10_000),
    concurrency,
    live,
    json: values.json === true,
    logs: values.logs === true,
    traces: values.traces === true,
    dryRun: values["dry-run"] === true,
    timeoutMs: parseCountOption("timeout", values.timeout, 10, 1, 900) * 1000,
    memorySizeMb: parseCountOption("memory", values.memory, 512, 128, 10_240),
    skillId: values["skill-id"],
    distDir: values.dist ?? "dist",
  };
}

function parseEventSource(
  values: {
    line?: string | undefined;
    intent?: string | undefined;
    token?: string | undefined;
    event?: string | undefined;
  },
  live: boolean,
): EventSource {
  if (values.event !== undefined) {
    if (values.line !== undefined || values.intent !== undefined || values.token !== undefined) {
      throw new UsageError("--event cannot be combined with --line, --intent or --token");
    }
    return { source: "file", path: values.event };
  }
  const intent = values.intent ?? "status";
  if (!isEventKind(intent)) {
    throw new UsageError(`--intent must be one of ${EVENT_KINDS.join(", ")}, not "${intent}"`);
  }
  if (values.line !== undefined && intent !== "status") {
    throw new UsageError(`--line goes with --intent status, not --intent ${intent}`);
  }
  if (values.token !== undefined && intent !== "commute") {
    throw new UsageError(`--token goes with --intent commute, not --intent ${intent}`);
  }
  if (intent === "status") {
    return { source: "kind", kind: intent, line: values.line ?? "victoria" };
  }
  if (intent === "commute") {
    // Offline, a recorded linked account answers; live, only a real token can.
    const accessToken = values.token ?? (live ? undefined : RECORDED_ACCESS_TOKEN);
    return { source: "kind", kind: intent, accessToken };
  }
  return { source: "kind", kind: intent };
}

/**
 * What `--traces` adds to the function's environment: the local receiver as the OTLP endpoint, and
 * a longer export wait than the deployed default (arm64 runs under qemu here).
 */
export function traceEnv(endpoint: string): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_SERVICE_NAME: "london-travel-local",
    OTEL_EXPORTER_OTLP_TIMEOUT: "2000",
  };
}

/** The skill id an event carries (`context.System.application`, then `session.application`). */
export function skillIdOfEvent(event: unknown): string | undefined {
  const read = (...path: string[]): unknown =>
    path.reduce<unknown>(
      (node, key) => (typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined),
      event,
    );
  const candidates = [
    read("context", "System", "application", "applicationId"),
    read("session", "application", "applicationId"),
  ];
  return candidates.find((value): value is string => typeof value === "string" && value.length > 0);
}

/** The skill id the function verifies: `--skill-id`, else the event's own, else ours for built events. */
export function chooseSkillId(plan: Pick<InvokePlan, "skillId" | "event">, event: unknown): string | undefined {
  if (plan.skillId !== undefined) {
    return plan.skillId;
  }
  return plan.event.source === "file" ? skillIdOfEvent(event) : LOCAL_SKILL_ID;
}

/** Copies env for printing with secrets replaced, for `--dry-run`. */
export function redactEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, /KEY|SECRET|TOKEN|PASSWORD/i.test(name) ? "[redacted]" : value]),
  );
}
