import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatReportLine } from "../../../src/dev/base/report-line.ts";
import {
  createLocalFunction,
  emulationFor,
  exitMessage,
  timeoutMessage,
  type LocalFunction,
  type LocalFunctionOptions,
} from "../../../src/dev/base/session.ts";

let directory = "";
let binary = "";
const started: LocalFunction[] = [];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "session-test-"));
  binary = join(directory, "bootstrap");
  await writeFile(binary, '#!/bin/sh\nexec "$SCRIPTED_BUN" "$SCRIPTED_SCRIPT"\n');
  await chmod(binary, 0o755);
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.stop()));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function start(overrides: Partial<LocalFunctionOptions> & { init?: string } = {}): LocalFunction {
  const { init = "ok", ...options } = overrides;
  const fn = createLocalFunction({
    binary,
    arch: "x86_64",
    env: {
      SCRIPTED_BUN: process.execPath,
      SCRIPTED_SCRIPT: new URL("../helpers/scripted-runtime.ts", import.meta.url).pathname,
      SCRIPTED_INIT: init,
    },
    timeoutMs: 5_000,
    memorySizeMb: 512,
    ...options,
  });
  started.push(fn);
  return fn;
}

function pidOf(json: unknown): number {
  return (json as { pid: number }).pid;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a healthy function", () => {
  test("starts its sandbox on the first invocation and reports the init duration once", async () => {
    const fn = start();
    const first = await fn.invoke({ action: "echo", n: 1 });
    expect(first).toMatchObject({
      status: "success",
      phase: "invoke",
      cold: true,
      json: { echo: { action: "echo", n: 1 } },
    });
    expect(first.report.initDurationMs).toBeGreaterThan(0);
    expect(first.report.billedDurationMs).toBe(Math.ceil(first.report.durationMs + (first.report.initDurationMs ?? 0)));
    expect(first.report.maxMemoryUsedMb).toBeGreaterThan(0);
    expect(first.report.memorySizeMb).toBe(512);
    expect(first.report.status).toBeUndefined();
    const second = await fn.invoke({ action: "echo", n: 2 });
    expect(second).toMatchObject({ status: "success", cold: false });
    expect(second.report.initDurationMs).toBeUndefined();
    expect(second.report.billedDurationMs).toBe(Math.ceil(second.report.durationMs));
    expect(pidOf(second.json)).toBe(pidOf(first.json));
  });

  test("runs the process without HOME and shows its output with each invocation", async () => {
    const fn = start();
    const first = await fn.invoke({ action: "echo" });
    expect(first.output).toContain('"event":"scripted.init","home":null');
    expect(first.output).toContain('"event":"scripted.invoke"');
    const second = await fn.invoke({ action: "echo" });
    expect(second.output).not.toContain("scripted.init");
    expect(second.output).toContain(second.requestId);
  });

  test("sends a string event as the raw body", async () => {
    const fn = start();
    const result = await fn.invoke('{"action":"echo","raw":true}');
    expect(result.json).toMatchObject({ echo: { raw: true } });
  });

  test("keeps the sandbox after an error the function reported itself", async () => {
    const fn = start();
    const first = await fn.invoke({ action: "echo" });
    const failed = await fn.invoke({ action: "error" });
    expect(failed).toMatchObject({
      status: "error",
      phase: "invoke",
      errorType: "SkillIdMismatchError",
      message: "The request is for another skill",
      json: { errorType: "SkillIdMismatchError" },
    });
    expect(failed.report.status).toBeUndefined();
    const after = await fn.invoke({ action: "echo" });
    expect(after.cold).toBe(false);
    expect(pidOf(after.json)).toBe(pidOf(first.json));
  });
});

describe("Lambda's limits", () => {
  test("kills a timed-out process, reports it like Lambda and starts a new sandbox next time", async () => {
    const fn = start({ timeoutMs: 400 });
    const first = await fn.invoke({ action: "echo" });
    const timedOut = await fn.invoke({ action: "hang" });
    expect(timedOut).toMatchObject({
      status: "timeout",
      phase: "invoke",
      message: "Task timed out after 0.40 seconds",
    });
    expect(timedOut.report.durationMs).toBeGreaterThanOrEqual(400);
    expect(formatReportLine(timedOut.report)).toEndWith("\tStatus: timeout");
    expect(isAlive(pidOf(first.json))).toBe(false);
    const next = await fn.invoke({ action: "echo" });
    expect(next).toMatchObject({ status: "success", cold: true });
    expect(pidOf(next.json)).not.toBe(pidOf(first.json));
  });

  test("reports a process that dies mid-invocation as Runtime.ExitError and recovers", async () => {
    const fn = start();
    const crashed = await fn.invoke({ action: "crash" });
    expect(crashed).toMatchObject({
      status: "error",
      errorType: "Runtime.ExitError",
      message: "Runtime exited with error: exit status 3",
    });
    expect(formatReportLine(crashed.report)).toEndWith("\tStatus: error\tError Type: Runtime.ExitError");
    const next = await fn.invoke({ action: "echo" });
    expect(next).toMatchObject({ status: "success", cold: true });
  });

  test("reports an init error posted to /runtime/init/error", async () => {
    const fn = start({ init: "error" });
    const result = await fn.invoke({ action: "echo" });
    expect(result).toMatchObject({
      status: "error",
      phase: "init",
      cold: true,
      errorType: "Runtime.ConfigError",
      message: "TFL_API_URL is not a URL",
    });
    expect(result.report.initDurationMs).toBeGreaterThan(0);
  });

  test("reports a process that exits during init", async () => {
    const fn = start({ init: "exit" });
    const result = await fn.invoke({ action: "echo" });
    expect(result).toMatchObject({
      status: "error",
      phase: "init",
      errorType: "Runtime.ExitError",
      message: "Runtime exited with error: exit status 2",
    });
  });

  test("stops waiting for an init that overruns its limit", async () => {
    const fn = start({ init: "slow", initTimeoutMs: 300 });
    const result = await fn.invoke({ action: "echo" });
    expect(result).toMatchObject({ status: "timeout", phase: "init", message: "Init timed out after 0.30 seconds" });
  });
});

test.each([
  ["arm64", "x86_64", "qemu-aarch64-static"],
  ["x86_64", "x86_64", undefined],
  ["arm64", "arm64", undefined],
  ["x86_64", "arm64", "qemu-x86_64-static"],
] as const)("runs %s on an %s host under %p", (arch, host, emulation) => {
  expect(emulationFor(arch, host)).toBe(emulation as string);
});

test.each([
  [3000, "Task timed out after 3.00 seconds"],
  [10_000, "Task timed out after 10.00 seconds"],
  [250, "Task timed out after 0.25 seconds"],
])("says a %p ms timeout the way Lambda does", (timeoutMs, message) => {
  expect(timeoutMessage(timeoutMs)).toBe(message);
});

test("says an exit status the way Lambda does", () => {
  expect(exitMessage(1)).toBe("Runtime exited with error: exit status 1");
});
