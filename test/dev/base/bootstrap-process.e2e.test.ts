import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostArch, qemuAvailable, spawnBootstrap } from "../../../src/dev/base/bootstrap-process.ts";
import type { Arch } from "../../../src/dev/base/arch.ts";
import { startRuntimeApiEmulator } from "../../../src/dev/base/emulator.ts";
import type { InvocationOutcome } from "../../../src/dev/base/emulator.ts";
import { compileTestEntry, stopServed, type ServedBinary } from "../helpers/served-binaries.ts";

const ECHO_ENTRY = join(import.meta.dir, "../../../src/dev/bench/floor/echo-runtime.ts");
const HOST = hostArch();

function runnable(arch: Arch): boolean {
  if (arch === HOST) return true;
  return arch === "arm64" && qemuAvailable();
}

for (const arch of ["x86_64", "arm64"] as const) {
  if (!runnable(arch)) {
    console.warn(
      `bootstrap-process tests: skipping ${arch} on this ${HOST} host: ` +
        (arch === "arm64"
          ? "qemu-aarch64-static or /usr/aarch64-linux-gnu is missing"
          : "x86_64 cannot be emulated here"),
    );
  }
}

/** Events sent to each build in a row; the last is not JSON and must come back as Runtime.InvalidEvent. */
const EVENTS: ReadonlyArray<{ event: unknown; rawBody?: string }> = [
  { event: { version: "1.0", request: { type: "LaunchRequest", locale: "en-GB" } } },
  { event: { text: "Zoë takes the Waterloo & City line → Bank 🚇" } },
  { event: [1, 2.5, -0, null, true, "three"] },
  { event: 31_415 },
  { event: null, rawBody: "{ definitely not json" },
];

let workDir = "";
const binaries = new Map<Arch, string>();
const answers = new Map<Arch, string[]>();
const started: ServedBinary[] = [];

async function start(arch: Arch): Promise<ServedBinary> {
  const emulator = await startRuntimeApiEmulator({ timeoutMs: 10_000 });
  const binary = binaries.get(arch);
  if (binary === undefined) throw new Error(`no ${arch} build`);
  const child = spawnBootstrap({ binary, arch, runtimeApi: emulator.address });
  const entry = { process: child, emulator };
  started.push(entry);
  const ready = await Promise.race([
    emulator.waitForNext().then(() => "ready" as const),
    child.exited.then(() => "exited" as const),
  ]);
  if (ready !== "ready") throw new Error(`${arch} bootstrap exited during init: ${child.stderr()}`);
  return entry;
}

function describeOutcome(outcome: InvocationOutcome): string {
  if (outcome.kind === "response") return `response ${outcome.body}`;
  if (outcome.kind === "error") return `error ${outcome.errorType} ${JSON.stringify(outcome.body)}`;
  return "timeout";
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "echo-runtime-"));
  for (const arch of ["x86_64", "arm64"] as const)
    if (runnable(arch)) binaries.set(arch, compileTestEntry(ECHO_ENTRY, arch, workDir));
}, 60_000);

afterAll(async () => {
  await stopServed(started, "SIGKILL");
  if (workDir !== "") rmSync(workDir, { recursive: true, force: true });
});

describe.each(["x86_64", "arm64"] as const)("the compiled echo runtime on %s", (arch) => {
  test.skipIf(!runnable(arch))(
    "answers several events in a row, reports a non-JSON event as an error and exits 1 on a 500",
    async () => {
      const { process: child, emulator } = await start(arch);
      expect(child.emulated).toBe(arch !== HOST);

      const seen: string[] = [];
      let lastRequestId = "";
      for (const { event, rawBody } of EVENTS) {
        const outcome = await emulator.invoke(event, rawBody === undefined ? {} : { rawBody });
        seen.push(describeOutcome(outcome));
        lastRequestId = outcome.requestId;
      }
      // The failure line was written before the POST, so it is readable as soon as the outcome is.
      expect(child.stdout()).toContain(`"requestId":"${lastRequestId}","event":"runtime.invocation.failed"`);
      // The exact bytes posted, with the per-run request ids taken out of the paths.
      answers.set(
        arch,
        emulator.requests
          .filter((request) => request.method === "POST")
          .map((request) => `${request.path.replace(/invocation\/[^/]+\//, "invocation/{id}/")} ${request.body}`),
      );
      expect(seen.slice(0, 4)).toEqual(EVENTS.slice(0, 4).map(({ event }) => `response ${JSON.stringify(event)}`));
      expect(seen[4]).toStartWith('error Runtime.InvalidEvent {"errorMessage":"The event body is not JSON"');
      expect(child.peakRssKb()).toBeGreaterThan(1_000);

      await emulator.waitForNext();
      emulator.injectFault({ on: "next", status: 500 });
      expect(await child.exited).toBe(1);
      expect(child.stdout()).toContain('"event":"runtime.api.failed"');
      expect(child.stdout()).toContain('"event":"runtime.invocation.failed"');
      expect(child.peakRssKb()).toBeGreaterThan(1_000);
    },
    20_000,
  );
});

test.skipIf(!runnable("x86_64") || !runnable("arm64"))("gives byte-identical answers on x86_64 and arm64", () => {
  expect(answers.get("x86_64")).toHaveLength(EVENTS.length);
  expect(answers.get("arm64")).toEqual(answers.get("x86_64") ?? []);
});

describe("spawnBootstrap", () => {
  test("gives the process Lambda's environment plus the caller's, without HOME", async () => {
    const child = spawnBootstrap({
      binary: "/usr/bin/env",
      arch: HOST,
      runtimeApi: "127.0.0.1:9001",
      env: { SKILL_ID: "amzn1.ask.skill.test", AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1024" },
    });
    expect(await child.exited).toBe(0);
    const env = Object.fromEntries(
      child
        .stdout()
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(env).toMatchObject({
      AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001",
      AWS_LAMBDA_FUNCTION_NAME: "london-travel-local",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1024",
      AWS_REGION: "eu-west-2",
      AWS_DEFAULT_REGION: "eu-west-2",
      _HANDLER: "bootstrap",
      LAMBDA_TASK_ROOT: "/usr/bin",
      LAMBDA_RUNTIME_DIR: "/var/runtime",
      TZ: ":UTC",
      PATH: "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
      SKILL_ID: "amzn1.ask.skill.test",
    });
    expect(env.HOME).toBeUndefined();
    expect(env._X_AMZN_TRACE_ID).toBeUndefined();
  });

  test("runs in the given working directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bootstrap-cwd-"));
    try {
      const child = spawnBootstrap({ binary: "/bin/pwd", arch: HOST, runtimeApi: "127.0.0.1:9001", cwd: dir });
      expect(await child.exited).toBe(0);
      expect(child.stdout().trim()).toBe(realpathSync(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.skipIf(!runnable(HOST))(
    "kill() ends a bootstrap waiting in GET /next and exited reports the signal",
    async () => {
      const { process: child } = await start(HOST);
      child.kill("SIGKILL");
      expect(await child.exited).toBe(137);
    },
  );

  test("names the host architecture the way Lambda does, agreeing with uname -m", () => {
    // An independent oracle: the kernel says x86_64 or aarch64; Lambda says x86_64 or arm64.
    const machine = Bun.spawnSync(["uname", "-m"]).stdout.toString().trim();
    expect(HOST).toBe(machine === "aarch64" ? "arm64" : (machine as Arch));
  });
});
