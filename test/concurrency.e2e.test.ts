/**
 * Lambda Managed Instances through the shipped binaries: each build runs with
 * AWS_LAMBDA_MAX_CONCURRENCY=8 against the emulator in concurrent mode (8 GET /next held at once,
 * every event with its own Invocation-Id, a tenant id on some) and serves a long mixed sequence, 8 in
 * flight at all times. Every answer must belong to its own request (the line asked for is the line
 * answered, the error expected is the error posted), none lost, none answered twice, and every log
 * line an invocation writes must carry that invocation's requestId, in JSON although
 * AWS_LAMBDA_LOG_FORMAT says Text.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnBootstrap, type BootstrapProcess } from "../src/dev/base/bootstrap-process.ts";
import type { Arch as LambdaArch } from "../src/dev/base/arch.ts";
import { binaryPath } from "../src/dev/base/builds.ts";
import { startRuntimeApiEmulator, type InvocationOutcome, type RuntimeApiEmulator } from "../src/dev/base/emulator.ts";
import { buildEvent, LOCAL_SKILL_ID } from "../src/dev/base/events.ts";
import { RECORDED_ACCESS_TOKEN, startFakeBackends, type FakeBackends } from "../src/dev/base/fake-backends.ts";
import { DIST, skipReason } from "./dev/helpers/builds.ts";
import { startRunnable, stopServed } from "./dev/helpers/served-binaries.ts";

const ARCHS: readonly LambdaArch[] = ["x86_64", "arm64"];
const CONCURRENCY = 8;
/** Invocations per build; arm64 runs under qemu, which costs about ten times the CPU. */
const INVOCATIONS: Readonly<Record<LambdaArch, number>> = { x86_64: 1_000, arm64: 1_000 };
const TFL_APP_KEY = "concurrency-marker-app-key-51c2";

/** Lines as Alexa hears them, the TfL id the skill must ask for, and the card title it must answer with. */
const LINES = [
  ["victoria", "victoria", "Victoria Line Status"],
  ["bakerloo", "bakerloo", "Bakerloo Line Status"],
  ["central", "central", "Central Line Status"],
  ["jubilee", "jubilee", "Jubilee Line Status"],
  ["northern", "northern", "Northern Line Status"],
  ["piccadilly", "piccadilly", "Piccadilly Line Status"],
  ["waterloo and city", "waterloo-city", "Waterloo & City Line Status"],
  ["district", "district", "District Line Status"],
  ["metropolitan", "metropolitan", "Metropolitan Line Status"],
  ["circle", "circle", "Circle Line Status"],
] as const;

/** What one invocation is, and what must come back. */
type Expectation =
  | { readonly kind: "status"; readonly lineId: string; readonly title: string }
  | { readonly kind: "response" }
  | { readonly kind: "error"; readonly header: string; readonly errorType: string };

interface Planned {
  readonly requestId: string;
  readonly event: unknown;
  readonly rawBody?: string | undefined;
  readonly tenantId?: string | undefined;
  readonly expect: Expectation;
}

/** The mixed sequence: mostly status questions about different lines, with every other kind in between. */
function plan(arch: LambdaArch, count: number): Planned[] {
  const planned: Planned[] = [];
  for (let index = 0; index < count; index += 1) {
    const requestId = `${arch}-${index}`;
    const tenantId = index % 3 === 0 ? `tenant-${index % 7}` : undefined;
    const slot = index % 10;
    if (slot < 6) {
      const [heard, lineId, title] = LINES[(index * 7) % LINES.length]!;
      planned.push({
        requestId,
        tenantId,
        event: buildEvent("status", { line: heard }),
        expect: { kind: "status", lineId, title },
      });
    } else if (slot === 6) {
      planned.push({ requestId, tenantId, event: buildEvent("disruption"), expect: { kind: "response" } });
    } else if (slot === 7) {
      const event = buildEvent("commute", { accessToken: RECORDED_ACCESS_TOKEN });
      planned.push({ requestId, tenantId, event, expect: { kind: "response" } });
    } else if (index % 30 === 8) {
      planned.push({
        requestId,
        tenantId,
        event: undefined,
        rawBody: "{not json",
        expect: { kind: "error", header: "Runtime.InvalidEvent", errorType: "Runtime.InvalidEvent" },
      });
    } else if (index % 30 === 18) {
      planned.push({
        requestId,
        tenantId,
        event: buildEvent("launch", { skillId: "amzn1.ask.skill.someone-else" }),
        expect: { kind: "error", header: "Function.SkillIdMismatch", errorType: "SkillIdMismatchError" },
      });
    } else if (index % 30 === 28) {
      planned.push({
        requestId,
        tenantId,
        event: { hello: "world" },
        expect: { kind: "error", header: "Function.InvalidRequest", errorType: "InvalidRequestError" },
      });
    } else {
      planned.push({
        requestId,
        tenantId,
        event: buildEvent(slot === 8 ? "launch" : "help"),
        expect: { kind: "response" },
      });
    }
  }
  return planned;
}

interface Run {
  readonly planned: Planned[];
  readonly outcomes: InvocationOutcome[];
  readonly emulator: RuntimeApiEmulator;
  readonly process: BootstrapProcess;
  readonly durationMs: number;
  readonly maxParked: number;
}

const runs = new Map<LambdaArch, Run>();
let backends: FakeBackends;

async function serve(arch: LambdaArch): Promise<Run> {
  const emulator = await startRuntimeApiEmulator({ managedInstances: true, invocationIds: true, timeoutMs: 60_000 });
  const process = spawnBootstrap({
    binary: binaryPath(DIST, arch),
    arch,
    runtimeApi: emulator.address,
    env: {
      AWS_LAMBDA_MAX_CONCURRENCY: String(CONCURRENCY),
      AWS_LAMBDA_INITIALIZATION_TYPE: "lambda-managed-instances",
      AWS_LAMBDA_LOG_FORMAT: "Text",
      LOG_LEVEL: "debug",
      SKILL_ID: LOCAL_SKILL_ID,
      TFL_API_URL: backends.url,
      SKILL_API_URL: backends.url,
      TFL_APP_ID: "concurrency-app-id",
      TFL_APP_KEY,
    },
  });
  await emulator.waitForParked(CONCURRENCY);
  const maxParkedAtStart = emulator.maxParked;
  const planned = plan(arch, INVOCATIONS[arch]);
  const outcomes: InvocationOutcome[] = new Array(planned.length);
  let next = 0;
  const started = performance.now();
  // CONCURRENCY senders, each sending its next event as soon as its last one is answered.
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let index = next++; index < planned.length; index = next++) {
        const item = planned[index]!;
        outcomes[index] = await emulator.invoke(item.event, {
          requestId: item.requestId,
          rawBody: item.rawBody,
          tenantId: item.tenantId,
        });
      }
    }),
  );
  const durationMs = performance.now() - started;
  await emulator.waitForParked(CONCURRENCY);
  return { planned, outcomes, emulator, process, durationMs, maxParked: maxParkedAtStart };
}

beforeAll(async () => {
  backends = startFakeBackends();
  await startRunnable(runs, ARCHS, "concurrency end-to-end", serve);
}, 240_000);

afterAll(async () => {
  await stopServed(runs.values());
  await backends.stop();
});

function logRecords(run: Run): Array<Record<string, unknown>> {
  return run.process
    .stdout()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

for (const arch of ARCHS) {
  const describeIfBuilt =
    skipReason(arch, "concurrency end-to-end (describe)") === undefined ? describe : describe.skip;
  describeIfBuilt(`dist/${arch}/bootstrap with AWS_LAMBDA_MAX_CONCURRENCY=${CONCURRENCY}`, () => {
    const run = (): Run => {
      const found = runs.get(arch);
      if (found === undefined) throw new Error(`no run for ${arch}`);
      return found;
    };

    test("holds one GET /next per worker, and reports the run", () => {
      const { durationMs, planned } = run();
      console.log(
        `[e2e] ${arch}: ${planned.length} invocations at concurrency ${CONCURRENCY} in ${durationMs.toFixed(0)} ms ` +
          `(${((planned.length / durationMs) * 1000).toFixed(0)}/s)`,
      );
      expect(run().maxParked).toBe(CONCURRENCY);
    });

    test("answers every invocation with its own answer", () => {
      const { planned, outcomes } = run();
      const wrong: string[] = [];
      planned.forEach((item, index) => {
        const outcome = outcomes[index];
        if (outcome === undefined) {
          wrong.push(`${item.requestId}: lost`);
          return;
        }
        const expected = item.expect;
        if (outcome.requestId !== item.requestId) wrong.push(`${item.requestId}: answered as ${outcome.requestId}`);
        if (expected.kind === "error") {
          const body = outcome.kind === "error" ? (outcome.body as { errorType?: unknown }) : undefined;
          if (
            outcome.kind !== "error" ||
            outcome.errorType !== expected.header ||
            body?.errorType !== expected.errorType
          )
            wrong.push(`${item.requestId}: expected ${expected.header}, got ${JSON.stringify(outcome).slice(0, 200)}`);
          return;
        }
        if (outcome.kind !== "response") {
          wrong.push(`${item.requestId}: expected a response, got ${JSON.stringify(outcome).slice(0, 200)}`);
          return;
        }
        if (expected.kind === "status") {
          const title = (outcome.json as { response?: { card?: { title?: unknown } } }).response?.card?.title;
          if (title !== expected.title)
            wrong.push(`${item.requestId}: asked ${expected.title}, answered ${String(title)}`);
        }
      });
      expect(wrong).toEqual([]);
    });

    test("posts exactly one answer per invocation, each echoing its Invocation-Id", () => {
      const { planned, emulator } = run();
      const answers = new Map<string, number>();
      for (const request of emulator.requests) {
        const match = /\/invocation\/([^/]+)\/(response|error)$/.exec(request.path);
        if (request.method !== "POST" || match?.[1] === undefined) continue;
        answers.set(match[1], (answers.get(match[1]) ?? 0) + 1);
        expect(request.headers["lambda-runtime-invocation-id"]).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(answers.size).toBe(planned.length);
      expect([...answers.values()].filter((count) => count !== 1)).toEqual([]);
      expect(emulator.staleAnswers).toBe(0);
    });

    test("logs JSON only, every invocation's lines with its requestId (and tenantId), the TfL call for its own line", () => {
      const { planned } = run();
      const records = logRecords(run());
      const byId = new Map(planned.map((item) => [item.requestId, item]));
      const processLines = new Set(["runtime.concurrency"]);
      const linesOf = new Map<string, Array<Record<string, unknown>>>();
      for (const record of records) {
        const requestId = record["requestId"];
        if (typeof requestId !== "string") {
          expect(processLines.has(String(record["event"]))).toBe(true);
          continue;
        }
        const item = byId.get(requestId);
        expect(item).toBeDefined();
        expect(record["tenantId"]).toBe(item?.tenantId);
        linesOf.set(requestId, [...(linesOf.get(requestId) ?? []), record]);
      }
      const mismatched: string[] = [];
      for (const item of planned) {
        const lines = linesOf.get(item.requestId) ?? [];
        if (lines.length === 0) mismatched.push(`${item.requestId}: no log line`);
        if (item.expect.kind !== "status") continue;
        const operation = `GET Line/${item.expect.lineId}/Status`;
        if (!lines.some((line) => line["operation"] === operation))
          mismatched.push(`${item.requestId}: no ${operation} line among ${lines.map((l) => l["event"]).join(", ")}`);
      }
      expect(mismatched).toEqual([]);
    });

    test("never writes the TfL key or the access token, and nothing to stderr", () => {
      const output = run().process.stdout() + run().process.stderr();
      expect(output).not.toContain(TFL_APP_KEY);
      expect(output).not.toContain(RECORDED_ACCESS_TOKEN);
      expect(run().process.stderr()).toBe("");
    });
  });
}
