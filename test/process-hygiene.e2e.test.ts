/**
 * Process-level failure hygiene through compiled binaries, on both architectures: an error nobody
 * caught is one redacted JSON line and exit 1 (never Bun's multi-line dump), BUN_CONFIG_VERBOSE_FETCH
 * is refused before it can print a secret, text from a request is capped in the logs, and the newer
 * Runtime API headers (Invocation-Id, tenant id) are honoured one invocation at a time too.
 *
 * The uncaught errors need a trigger no production event can reach: src/dev/base/uncaught-runtime.ts,
 * a test-only entry compiled here (the shipped build compiles src/main.ts alone).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnBootstrap } from "../src/dev/base/bootstrap-process.ts";
import type { Arch as LambdaArch } from "../src/dev/base/arch.ts";
import { binaryPath } from "../src/dev/base/builds.ts";
import { startRuntimeApiEmulator } from "../src/dev/base/emulator.ts";
import { buildEvent, LOCAL_SKILL_ID } from "../src/dev/base/events.ts";
import { startFakeBackends, type FakeBackends } from "../src/dev/base/fake-backends.ts";
import { DIST, skipReason } from "./dev/helpers/builds.ts";
import { compileTestEntry, stopServed, type ServedBinary } from "./dev/helpers/served-binaries.ts";

const ARCHS: readonly LambdaArch[] = ["x86_64", "arm64"];
const UNCAUGHT_ENTRY = join(import.meta.dir, "../src/dev/base/uncaught-runtime.ts");
const TFL_APP_KEY = "hygiene-marker-app-key-93e1";
const MAX_LOGGED_STRING_LENGTH = 256;

let backends: FakeBackends;
let workDir = "";
const uncaughtBinaries = new Map<LambdaArch, string>();
const cleanup: ServedBinary[] = [];

function functionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SKILL_ID: LOCAL_SKILL_ID,
    TFL_API_URL: backends.url,
    SKILL_API_URL: backends.url,
    TFL_APP_ID: "hygiene-app-id",
    TFL_APP_KEY,
    ...extra,
  };
}

async function start(
  arch: LambdaArch,
  binary: string,
  env: Record<string, string>,
  emulatorOptions: { invocationIds?: boolean; managedInstances?: boolean } = {},
): Promise<ServedBinary> {
  const emulator = await startRuntimeApiEmulator({ timeoutMs: 20_000, ...emulatorOptions });
  const process = spawnBootstrap({ binary, arch, runtimeApi: emulator.address, env });
  const started = { process, emulator };
  cleanup.push(started);
  return started;
}

function lines(output: string): Array<Record<string, unknown>> {
  return output
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(() => {
  backends = startFakeBackends();
  workDir = mkdtempSync(join(tmpdir(), "uncaught-runtime-"));
  for (const arch of ARCHS) {
    if (skipReason(arch, "process hygiene end-to-end") === undefined)
      uncaughtBinaries.set(arch, compileTestEntry(UNCAUGHT_ENTRY, arch, workDir, { minify: true }));
  }
}, 60_000);

afterAll(async () => {
  await stopServed(cleanup, "SIGKILL");
  await backends.stop();
  if (workDir !== "") rmSync(workDir, { recursive: true, force: true });
});

for (const arch of ARCHS) {
  const describeIfBuilt =
    skipReason(arch, "process hygiene end-to-end (describe)") === undefined ? describe : describe.skip;
  describeIfBuilt(`${arch}`, () => {
    test.each([
      ["an uncaught exception", "exception", "runtime.uncaughtException", 1],
      ["an unhandled rejection", "rejection", "runtime.unhandledRejection", 1],
      ["an uncaught exception", "exception", "runtime.uncaughtException", 4],
      ["an unhandled rejection", "rejection", "runtime.unhandledRejection", 4],
    ])(
      "%s (%s), reported as %s by %d worker(s): one redacted JSON line with its requestId, then exit 1",
      async (_name, kind, event, workers) => {
        const binary = uncaughtBinaries.get(arch);
        if (binary === undefined) throw new Error(`no test build for ${arch}`);
        const extra: Record<string, string> = workers > 1 ? { AWS_LAMBDA_MAX_CONCURRENCY: String(workers) } : {};
        const { process: child, emulator } = await start(arch, binary, functionEnv(extra), {
          managedInstances: workers > 1,
        });
        // The skill still answers normally before anything goes wrong.
        const launch = await emulator.invoke(buildEvent("launch"), { requestId: `${kind}-before` });
        expect(launch.kind).toBe("response");
        void emulator.invoke({ uncaught: kind }, { requestId: `${kind}-1` });
        expect(await child.exited).toBe(1);
        const output = child.stdout() + child.stderr();
        expect(output).not.toContain(TFL_APP_KEY);
        expect(child.stderr()).toBe("");
        const reports = lines(child.stdout()).filter((record) => record["event"] === event);
        expect(reports).toEqual([
          expect.objectContaining({
            level: "ERROR",
            event,
            requestId: `${kind}-1`,
            error: { name: "Error", message: "nobody caught this: app_key=[redacted]" },
          }),
        ]);
      },
      30_000,
    );

    test.each(["curl", "true", "1"])(
      "BUN_CONFIG_VERBOSE_FETCH=%s is an init error naming it, and nothing is printed",
      async (value) => {
        const { process: child, emulator } = await start(
          arch,
          binaryPath(DIST, arch),
          functionEnv({ BUN_CONFIG_VERBOSE_FETCH: value }),
        );
        const init = await emulator.initError;
        expect(init.errorType).toBe("Runtime.ConfigError");
        expect(JSON.stringify(init.body)).toContain("BUN_CONFIG_VERBOSE_FETCH");
        expect(await child.exited).toBe(1);
        const output = child.stdout() + child.stderr();
        expect(output).not.toContain(TFL_APP_KEY);
        // Bun's verbose output: request lines, headers and curl commands.
        expect(output).not.toMatch(/HTTP\/1\.1|^curl |Lambda-Runtime-Function-Error-Type/m);
        for (const record of lines(child.stdout())) expect(typeof record["event"]).toBe("string");
      },
      30_000,
    );

    test("caps a megabyte slot value in the log and still answers", async () => {
      const { process: child, emulator } = await start(arch, binaryPath(DIST, arch), functionEnv());
      const huge = "z".repeat(1_000_000);
      const outcome = await emulator.invoke(buildEvent("status", { line: huge }), { requestId: "huge-slot" });
      expect(outcome.kind).toBe("response");
      const records = lines(child.stdout()).filter((record) => record["requestId"] === "huge-slot");
      expect(records.length).toBeGreaterThan(0);
      const longest = Math.max(
        ...child
          .stdout()
          .split("\n")
          .map((line) => line.length),
      );
      expect(longest).toBeLessThan(2_000);
      expect(child.stdout()).toContain(`${"z".repeat(MAX_LOGGED_STRING_LENGTH)}…truncated`);
    }, 30_000);

    test("one at a time too: echoes the Invocation-Id, logs the tenant id, and answers errors as Function.*", async () => {
      const { process: child, emulator } = await start(arch, binaryPath(DIST, arch), functionEnv(), {
        invocationIds: true,
      });
      const answered = await emulator.invoke(buildEvent("help"), { requestId: "tenant-1", tenantId: "blue" });
      const refused = await emulator.invoke(buildEvent("launch", { skillId: "amzn1.ask.skill.other" }), {
        requestId: "other-skill",
      });
      expect(answered.kind).toBe("response");
      expect(refused).toMatchObject({
        kind: "error",
        errorType: "Function.SkillIdMismatch",
        body: { errorType: "SkillIdMismatchError", stackTrace: [] },
      });
      for (const request of emulator.requests.filter((r) => r.method === "POST")) {
        expect(request.headers["lambda-runtime-invocation-id"]).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(emulator.staleAnswers).toBe(0);
      const tenantLines = lines(child.stdout()).filter((record) => record["requestId"] === "tenant-1");
      expect(tenantLines.length).toBeGreaterThan(0);
      for (const record of tenantLines) expect(record["tenantId"]).toBe("blue");
    }, 30_000);
  });
}
