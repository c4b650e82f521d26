import { describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCAL_SKILL_ID } from "../../../src/dev/base/events.ts";
import { INVOKE_USAGE } from "../../../src/dev/invoke/invoke-plan.ts";
import { describeEvent, renderInvocation, runInvoke } from "../../../src/dev/invoke/invoke.ts";
import type { LocalInvocation } from "../../../src/dev/base/session.ts";
import { runLocalCli, type CliRun } from "../helpers/capture-io.ts";

const fixture = (name: string): string => new URL(`../../fixtures/local/${name}`, import.meta.url).pathname;

const run = (argv: string[], env: Record<string, string> = {}): Promise<CliRun> =>
  runLocalCli(runInvoke, INVOKE_USAGE, argv, { env, qemuAvailable: false });

describe("invoke without running a binary", () => {
  test("prints the usage for --help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toStartWith("Usage: bun run invoke [options]");
  });

  test("plans an offline run against the local fakes with --dry-run", async () => {
    const { code, stdout } = await run(["--dry-run", "--arch", "both", "--line", "dlr"], { TFL_APP_KEY: "key-1" });
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as {
      builds: unknown[];
      backends: string;
      env: Record<string, string>;
      event: { request: unknown };
    };
    expect(plan.builds).toEqual([
      { arch: "x86_64", binary: "dist/x86_64/bootstrap", emulation: null },
      { arch: "arm64", binary: "dist/arm64/bootstrap", emulation: "qemu-aarch64-static" },
    ]);
    expect(plan.backends).toBe("offline (recordings on 127.0.0.1)");
    expect(plan.env).toMatchObject({
      SKILL_ID: LOCAL_SKILL_ID,
      VERIFY_SKILL_ID: "true",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
    });
    expect(plan.env["TFL_API_URL"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(plan.env["SKILL_API_URL"]).toBe(plan.env["TFL_API_URL"] as string);
    expect(plan.env).not.toHaveProperty("TFL_APP_KEY");
    expect(plan.event.request).toMatchObject({
      type: "IntentRequest",
      intent: { name: "StatusIntent", slots: { LINE: { value: "dlr" } } },
    });
  });

  test("plans a live run with TfL's default URL and the caller's key, redacted", async () => {
    const { code, stdout } = await run(["--dry-run", "--live", "--intent", "disruption"], {
      TFL_APP_KEY: "key-1",
      TFL_APP_ID: "id-1",
    });
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as { backends: string; env: Record<string, string> };
    expect(plan.backends).toBe("live (TfL and the skill API over the network)");
    expect(plan.env).not.toHaveProperty("TFL_API_URL");
    expect(plan.env).not.toHaveProperty("SKILL_API_URL");
    expect(plan.env).toMatchObject({ TFL_APP_ID: "id-1", TFL_APP_KEY: "[redacted]" });
    expect(stdout).not.toContain("key-1");
  });

  test("verifies the skill id an event file carries", async () => {
    const { code, stdout } = await run(["--dry-run", "--event", fixture("status-event.json")]);
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as { env: Record<string, string>; event: unknown };
    expect(plan.env).toMatchObject({
      SKILL_ID: "amzn1.ask.skill.e41c07b2-6d5a-4f83-9b1e-2a7c5d0f8e36",
      VERIFY_SKILL_ID: "true",
    });
    expect(plan.event).toMatchObject({ request: { intent: { slots: { LINE: { value: "Jubilee" } } } } });
  });

  test.each([
    [["--event", "/no/such/event.json"], 2, "--event /no/such/event.json: no such file"],
    [["--event", fixture("x86_64-text.log")], 2, "is not JSON"],
    [
      ["--dist", "/no/such/dist"],
      1,
      "/no/such/dist/x86_64/bootstrap does not exist: build it first with `bun run build`",
    ],
    [["--arch", "sparc"], 2, '--arch must be x86_64, arm64 or both, not "sparc"'],
  ])("refuses the arguments %j", async (argv, exitCode, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(exitCode);
    expect(stderr).toContain(message);
  });

  test("says arm64 needs qemu on an x86_64 host without it", async () => {
    const dist = await mkdtemp(join(tmpdir(), "invoke-cli-"));
    try {
      await mkdir(join(dist, "arm64"));
      await writeFile(join(dist, "arm64", "bootstrap"), "");
      const { code, stderr } = await run(["--arch", "arm64", "--dist", dist]);
      expect(code).toBe(1);
      expect(stderr).toContain(
        "is arm64 and this host is x86_64: it needs qemu-aarch64-static, which is not installed",
      );
    } finally {
      await rm(dist, { recursive: true, force: true });
    }
  });
});

describe("what one invocation prints", () => {
  const base: LocalInvocation = {
    requestId: "6c1d0b7e-2f3a-4e59-8d71-90ab12cd34ef",
    status: "success",
    phase: "invoke",
    cold: true,
    body: '{"version":"1.0","response":{"outputSpeech":{"type":"SSML","ssml":"<speak><p>Good service.</p></speak>"},"shouldEndSession":true}}',
    json: {
      version: "1.0",
      response: { outputSpeech: { type: "SSML", ssml: "<speak><p>Good service.</p></speak>" }, shouldEndSession: true },
    },
    errorType: undefined,
    message: undefined,
    report: {
      requestId: "6c1d0b7e-2f3a-4e59-8d71-90ab12cd34ef",
      durationMs: 12.5,
      billedDurationMs: 61,
      memorySizeMb: 512,
      maxMemoryUsedMb: 44,
      initDurationMs: 48.2,
    },
    output: '{"level":"INFO","event":"skill.request"}\n',
  };
  const plain = { json: false, logs: false, emulation: undefined, backendCalls: [] };

  test("shows the answer and the REPORT line", () => {
    expect(renderInvocation(base, plain)).toEqual([
      "Alexa says   Good service.",
      "Session      ends",
      "",
      "REPORT RequestId: 6c1d0b7e-2f3a-4e59-8d71-90ab12cd34ef\tDuration: 12.50 ms\tBilled Duration: 61 ms\tMemory Size: 512 MB\tMax Memory Used: 44 MB\tInit Duration: 48.20 ms",
    ]);
  });

  test("adds the backend calls, the raw JSON, the function's logs and the emulation label on request", () => {
    const lines = renderInvocation(base, {
      json: true,
      logs: true,
      emulation: "qemu-aarch64-static",
      backendCalls: ["GET /Line/victoria/Status → 200"],
    });
    expect(lines).toEqual([
      "Alexa says   Good service.",
      "Session      ends",
      "Backend      GET /Line/victoria/Status → 200",
      "",
      JSON.stringify(base.json, null, 2),
      "",
      "START RequestId: 6c1d0b7e-2f3a-4e59-8d71-90ab12cd34ef Version: $LATEST",
      '{"level":"INFO","event":"skill.request"}',
      "END RequestId: 6c1d0b7e-2f3a-4e59-8d71-90ab12cd34ef",
      `${lines.at(-1)?.split("\t(emulated")[0] ?? ""}\t(emulated: qemu-aarch64-static)`,
    ]);
  });

  test("says a timeout the way Lambda does", () => {
    const lines = renderInvocation(
      {
        ...base,
        status: "timeout",
        body: undefined,
        json: undefined,
        message: "Task timed out after 10.00 seconds",
        report: { ...base.report, status: "timeout" },
      },
      plain,
    );
    expect(lines[0]).toBe("✗ Task timed out after 10.00 seconds");
    expect(lines.at(-1)).toEndWith("\tStatus: timeout");
  });

  test("names the error type of a failed invocation and of a failed init", () => {
    const failed = { ...base, status: "error" as const, errorType: "SkillIdMismatchError", message: "wrong skill" };
    expect(renderInvocation(failed, plain)[0]).toBe("✗ Invocation error: SkillIdMismatchError: wrong skill");
    expect(
      renderInvocation({ ...failed, phase: "init", errorType: "Runtime.ExitError", message: undefined }, plain)[0],
    ).toBe("✗ Init error: Runtime.ExitError");
  });
});

test.each([
  ["status event by its line", { source: "kind", kind: "status", line: "victoria" }, 'StatusIntent, LINE "victoria"'],
  [
    "commute event with a token as linked",
    { source: "kind", kind: "commute", accessToken: "t" },
    "CommuteIntent, linked account",
  ],
  [
    "commute event without a token as not linked",
    { source: "kind", kind: "commute" },
    "CommuteIntent, account not linked",
  ],
  ["help event by its intent name", { source: "kind", kind: "help" }, "AMAZON.HelpIntent"],
  ["event file by its path", { source: "file", path: "a.json" }, "event from a.json"],
] as const)("describes a %s", (_title, source, text) => {
  expect(describeEvent(source)).toBe(text);
});
