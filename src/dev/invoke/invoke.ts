/**
 * `bun run invoke`: sends one Alexa event to the compiled bootstrap under the local Runtime API and
 * prints what Alexa would say, the card, the session, and Lambda's REPORT line. The thin I/O shell
 * around invoke-plan.ts; `--help` lists the options.
 */
import { hostArch, qemuAvailable } from "../base/bootstrap-process.ts";
import { binaryPath, checkRunnable } from "../base/builds.ts";
import { processIo, runCli, UsageError, type LocalCliDeps } from "../base/cli-support.ts";
import type { Arch } from "../base/arch.ts";
import { buildFunctionEnv } from "../base/function-env.ts";
import { buildEvent, requestNameOf } from "../base/events.ts";
import { startFakeBackends, type FakeBackends } from "../base/fake-backends.ts";
import { invokeConcurrently } from "./invoke-concurrent.ts";
import { renderSpanTree, startFakeOtlpReceiver, type FakeOtlpReceiver } from "../base/fake-otlp-receiver.ts";
import {
  chooseSkillId,
  INVOKE_USAGE,
  parseInvokeArgs,
  redactEnv,
  traceEnv,
  type EventSource,
  type InvokePlan,
} from "./invoke-plan.ts";
import { renderAlexaResponse } from "./render-response.ts";
import { formatReportLine } from "../base/report-line.ts";
import { createLocalFunction, emulationFor, type LocalInvocation } from "../base/session.ts";
import { summarise } from "../base/stats.ts";

/** What the CLI reads from its surroundings; tests pass their own. */
export type InvokeDeps = LocalCliDeps;

interface LoadedEvent {
  /** Sent as is: an object is JSON-encoded, a string (an event file) is the raw body. */
  readonly send: () => unknown;
  readonly parsed: unknown;
  readonly description: string;
}

async function loadEvent(source: EventSource): Promise<LoadedEvent> {
  if (source.source === "file") {
    const file = Bun.file(source.path);
    if (!(await file.exists())) {
      throw new UsageError(`--event ${source.path}: no such file`);
    }
    const text = await file.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UsageError(
        `--event ${source.path} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return { send: () => text, parsed, description: `event from ${source.path}` };
  }
  const options = { line: source.line, accessToken: source.accessToken };
  const make = (): unknown => buildEvent(source.kind, options);
  return { send: make, parsed: make(), description: describeEvent(source) };
}

/** A short description of a built event for the header line. */
export function describeEvent(source: EventSource): string {
  if (source.source === "file") {
    return `event from ${source.path}`;
  }
  switch (source.kind) {
    case "status":
      return `StatusIntent, LINE "${source.line ?? ""}"`;
    case "commute":
      return source.accessToken === undefined ? "CommuteIntent, account not linked" : "CommuteIntent, linked account";
    default:
      return requestNameOf(source.kind);
  }
}

/** The lines printed for one invocation. */
export function renderInvocation(
  result: LocalInvocation,
  options: {
    readonly json: boolean;
    readonly logs: boolean;
    readonly emulation: string | undefined;
    readonly backendCalls: readonly string[];
  },
): string[] {
  const lines: string[] = [];
  if (result.status === "success") {
    lines.push(...renderAlexaResponse(result.json));
  } else if (result.status === "timeout") {
    lines.push(`✗ ${result.message ?? "timed out"}${result.phase === "init" ? " (during init)" : ""}`);
  } else {
    const where = result.phase === "init" ? "Init error" : "Invocation error";
    lines.push(
      `✗ ${where}: ${result.errorType ?? "unknown"}${result.message === undefined ? "" : `: ${result.message}`}`,
    );
  }
  for (const call of options.backendCalls) {
    lines.push(`${"Backend".padEnd(13)}${call}`);
  }
  if (options.json && result.body !== undefined) {
    lines.push("", result.json === undefined ? result.body : JSON.stringify(result.json, null, 2));
  }
  if (options.logs) {
    lines.push("", `START RequestId: ${result.requestId} Version: $LATEST`);
    lines.push(...result.output.split("\n").filter((line) => line.length > 0));
    lines.push(`END RequestId: ${result.requestId}`);
  } else {
    lines.push("");
  }
  lines.push(reportLine(result, options.emulation));
  return lines;
}

function reportLine(result: LocalInvocation, emulation: string | undefined): string {
  const line = formatReportLine(result.report);
  return emulation === undefined ? line : `${line}\t(emulated: ${emulation})`;
}

/** Runs `bun run invoke` with these arguments; returns the exit code. */
export async function runInvoke(argv: readonly string[], deps: InvokeDeps): Promise<number> {
  const command = parseInvokeArgs(argv, deps.hostArch);
  if (command.command === "help") {
    deps.io.out(INVOKE_USAGE);
    return 0;
  }
  const event = await loadEvent(command.event);
  if (!command.dryRun) {
    checkRunnable(command.archs, command.distDir, deps);
  }
  const backends = command.live ? undefined : startFakeBackends();
  const receiver = command.traces && !command.dryRun ? startFakeOtlpReceiver() : undefined;
  try {
    const urls = backends === undefined ? undefined : { tflApiUrl: backends.url, skillApiUrl: backends.url };
    const env = buildFunctionEnv(command, urls, chooseSkillId(command, event.parsed), deps.env);
    if (command.traces) Object.assign(env, traceEnv(receiver?.endpoint ?? "http://127.0.0.1:4318"));
    if (command.dryRun) {
      deps.io.out(JSON.stringify(dryRunPlan(command, env, event, deps.hostArch), null, 2));
      return 0;
    }
    let failures = 0;
    for (const arch of command.archs) {
      failures +=
        command.concurrency !== undefined
          ? await invokeConcurrently(command, command.concurrency, arch, env, event, deps)
          : await invokeOneBuild(command, arch, env, event, backends, deps, receiver);
    }
    return failures === 0 ? 0 : 1;
  } finally {
    await backends?.stop();
    await receiver?.stop();
  }
}

function dryRunPlan(
  plan: InvokePlan,
  env: Record<string, string>,
  event: LoadedEvent,
  host: Arch,
): Record<string, unknown> {
  return {
    builds: plan.archs.map((arch) => ({
      arch,
      binary: binaryPath(plan.distDir, arch),
      emulation: emulationFor(arch, host) ?? null,
    })),
    backends: plan.live ? "live (TfL and the skill API over the network)" : "offline (recordings on 127.0.0.1)",
    invocations: plan.repeat,
    concurrency: plan.concurrency ?? null,
    timeoutMs: plan.timeoutMs,
    env: redactEnv(env),
    event: event.parsed,
  };
}

async function invokeOneBuild(
  plan: InvokePlan,
  arch: Arch,
  env: Record<string, string>,
  event: LoadedEvent,
  backends: FakeBackends | undefined,
  deps: InvokeDeps,
  receiver?: FakeOtlpReceiver,
): Promise<number> {
  const binary = binaryPath(plan.distDir, arch);
  const emulation = emulationFor(arch, deps.hostArch);
  const where =
    backends === undefined
      ? `live: TfL ${env["TFL_APP_KEY"] === undefined ? "without" : "with"} TFL_APP_KEY`
      : `offline: TfL and the skill API from recordings at ${backends.url}`;
  deps.io.out(
    `▶ ${arch}${emulation === undefined ? " (native)" : ` (emulated: ${emulation})`} · ${binary} · ${event.description} · ${where}\n\n`,
  );
  const fn = createLocalFunction({ binary, arch, env, timeoutMs: plan.timeoutMs, memorySizeMb: plan.memorySizeMb });
  let failures = 0;
  const warm: number[] = [];
  try {
    for (let index = 0; index < plan.repeat; index += 1) {
      const seen = backends?.requests.length ?? 0;
      const exported = receiver?.exports.length ?? 0;
      const result = await fn.invoke(event.send());
      const calls = (backends?.requests.slice(seen) ?? []).map(
        (request) => `${request.method} ${request.path} → ${request.status}`,
      );
      if (result.status !== "success") {
        failures += 1;
      }
      if (!result.cold && result.status === "success") {
        warm.push(result.report.durationMs);
      }
      const full = index === 0 || result.status !== "success" || plan.logs || plan.json;
      if (full) {
        deps.io.out(
          renderInvocation(result, { json: plan.json, logs: plan.logs, emulation, backendCalls: calls }).join("\n"),
        );
      } else {
        deps.io.out(reportLine(result, emulation));
      }
      if (receiver !== undefined) {
        // The runtime exports after posting the answer, before it asks for the next event: wait for it.
        await exportAfter(receiver, exported, EXPORT_WAIT_MS);
        const spans = receiver.exports.slice(exported).flatMap((received) => received.spans);
        deps.io.out(spans.length === 0 ? "Spans: none received\n" : `Spans:\n${renderSpanTree(spans)}\n`);
      }
    }
  } finally {
    await fn.stop();
  }
  const stats = summarise(warm);
  if (stats !== undefined) {
    const label = emulation === undefined ? "" : ` (emulated: ${emulation})`;
    deps.io.out(
      `\nWarm invocations${label}: ${stats.count}, duration min ${stats.min.toFixed(2)} ms, median ${stats.median.toFixed(2)} ms, p95 ${stats.p95.toFixed(2)} ms`,
    );
  }
  deps.io.out("");
  return failures;
}

/** How long `--traces` waits for an invocation's export (the local function's OTLP timeout is 2 s). */
const EXPORT_WAIT_MS = 3_000;

/** Resolves once the receiver holds more than `seen` exports, or after `waitMs`. */
async function exportAfter(receiver: FakeOtlpReceiver, seen: number, waitMs: number): Promise<void> {
  const until = performance.now() + waitMs;
  while (receiver.exports.length <= seen && performance.now() < until) await Bun.sleep(5);
}

if (import.meta.main) {
  const code = await runCli(
    () => runInvoke(Bun.argv.slice(2), { io: processIo, env: process.env, hostArch: hostArch(), qemuAvailable }),
    INVOKE_USAGE,
  );
  process.exit(code);
}
