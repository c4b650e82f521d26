import { describe, expect, test } from "bun:test";
import { UsageError } from "../../../src/dev/base/cli-support.ts";
import { buildFunctionEnv } from "../../../src/dev/base/function-env.ts";
import { LOCAL_SKILL_ID } from "../../../src/dev/base/events.ts";
import { RECORDED_ACCESS_TOKEN } from "../../../src/dev/base/fake-backends.ts";
import { binaryPath, zipPath } from "../../../src/dev/base/builds.ts";
import {
  chooseSkillId,
  parseInvokeArgs,
  redactEnv,
  skillIdOfEvent,
  type InvokePlan,
} from "../../../src/dev/invoke/invoke-plan.ts";

const plan = (argv: string[], host: "x86_64" | "arm64" = "x86_64"): InvokePlan => {
  const command = parseInvokeArgs(argv, host);
  if (command.command !== "run") {
    throw new Error("expected a run");
  }
  return command;
};

describe("arguments", () => {
  test("asks the host's build about the Victoria line by default", () => {
    expect(plan([])).toEqual({
      command: "run",
      archs: ["x86_64"],
      event: { source: "kind", kind: "status", line: "victoria" },
      repeat: 1,
      concurrency: undefined,
      live: false,
      json: false,
      logs: false,
      traces: false,
      dryRun: false,
      timeoutMs: 10_000,
      memorySizeMb: 512,
      skillId: undefined,
      distDir: "dist",
    });
    expect(plan([], "arm64").archs).toEqual(["arm64"]);
  });

  test.each<[string[], Partial<InvokePlan>]>([
    [["--line", "the DLR"], { event: { source: "kind", kind: "status", line: "the DLR" } }],
    [["--intent", "status", "--line", "jubilee"], { event: { source: "kind", kind: "status", line: "jubilee" } }],
    [["--intent", "disruption"], { event: { source: "kind", kind: "disruption" } }],
    [["--intent", "commute"], { event: { source: "kind", kind: "commute", accessToken: RECORDED_ACCESS_TOKEN } }],
    [["--intent", "commute", "--token", "abc"], { event: { source: "kind", kind: "commute", accessToken: "abc" } }],
    [
      ["--intent", "commute", "--live"],
      { live: true, event: { source: "kind", kind: "commute", accessToken: undefined } },
    ],
    [["--intent", "end"], { event: { source: "kind", kind: "end" } }],
    [["--event", "my.json"], { event: { source: "file", path: "my.json" } }],
    [["--arch", "both"], { archs: ["x86_64", "arm64"] }],
    [["--arch", "aarch64"], { archs: ["arm64"] }],
    [["--arch", "x64"], { archs: ["x86_64"] }],
    [["--repeat", "20"], { repeat: 20 }],
    [["--concurrency", "4"], { concurrency: 4, repeat: 200 }],
    [["--concurrency", "1"], { concurrency: 1, repeat: 200 }],
    [["--concurrency", "16", "--repeat", "1000"], { concurrency: 16, repeat: 1000 }],
    [["--json", "--logs", "--dry-run", "--live"], { json: true, logs: true, dryRun: true, live: true }],
    [["--traces"], { traces: true }],
    [["--timeout", "3", "--memory", "1024"], { timeoutMs: 3000, memorySizeMb: 1024 }],
    [["--skill-id", "amzn1.ask.skill.x", "--dist", "out/"], { skillId: "amzn1.ask.skill.x", distDir: "out/" }],
  ])("reads the arguments %j", (argv, expected) => {
    expect(plan(argv)).toMatchObject(expected);
  });

  test.each<[string[]]>([[["--help"]], [["-h"]], [["--line", "x", "--help"]]])("answers %j with the help", (argv) => {
    expect(parseInvokeArgs(argv, "x86_64")).toEqual({ command: "help" });
  });

  test.each([
    [["--arch", "sparc"], '--arch must be x86_64, arm64 or both, not "sparc"'],
    [
      ["--intent", "weather"],
      '--intent must be one of launch, status, disruption, commute, help, stop, cancel, unknown, end, not "weather"',
    ],
    [["--intent", "help", "--line", "victoria"], "--line goes with --intent status, not --intent help"],
    [["--token", "abc"], "--token goes with --intent commute, not --intent status"],
    [["--event", "a.json", "--line", "victoria"], "--event cannot be combined with --line, --intent or --token"],
    [["--repeat", "0"], "--repeat must be between 1 and 10000, not 0"],
    [["--repeat", "two"], '--repeat must be a whole number, not "two"'],
    [["--memory", "64"], "--memory must be between 128 and 10240, not 64"],
    [["--concurrency", "65"], "--concurrency must be between 1 and 64, not 65"],
    [["--colour"], "Unknown option '--colour'"],
    [["victoria"], "Unexpected argument 'victoria'"],
  ])("refuses the arguments %j", (argv, message) => {
    expect(() => parseInvokeArgs(argv, "x86_64")).toThrow(UsageError);
    expect(() => parseInvokeArgs(argv, "x86_64")).toThrow(message);
  });
});

describe("the function's environment", () => {
  const backends = { tflApiUrl: "http://127.0.0.1:4001/", skillApiUrl: "http://127.0.0.1:4001/" };
  const caller = {
    TFL_APP_ID: "id-1",
    TFL_APP_KEY: "key-1",
    AWS_LAMBDA_LOG_FORMAT: "Text",
    HOME: "/root",
    LOG_LEVEL: "",
  };

  test("points the binary at the local fakes offline, verifies the skill id and keeps the caller's keys out", () => {
    expect(buildFunctionEnv({ live: false, memorySizeMb: 512 }, backends, LOCAL_SKILL_ID, caller)).toEqual({
      BUN_JSC_useFTLJIT: "0",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
      SKILL_ID: LOCAL_SKILL_ID,
      VERIFY_SKILL_ID: "true",
      TFL_API_URL: "http://127.0.0.1:4001/",
      SKILL_API_URL: "http://127.0.0.1:4001/",
      AWS_LAMBDA_LOG_FORMAT: "Text",
    });
  });

  test("leaves TfL's default URL and passes the caller's TfL credentials when live", () => {
    expect(buildFunctionEnv({ live: true, memorySizeMb: 256 }, undefined, LOCAL_SKILL_ID, caller)).toEqual({
      BUN_JSC_useFTLJIT: "0",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
      SKILL_ID: LOCAL_SKILL_ID,
      VERIFY_SKILL_ID: "true",
      TFL_APP_ID: "id-1",
      TFL_APP_KEY: "key-1",
      AWS_LAMBDA_LOG_FORMAT: "Text",
    });
  });

  test("runs live without TfL credentials when the caller has none", () => {
    const env = buildFunctionEnv({ live: true, memorySizeMb: 512 }, undefined, LOCAL_SKILL_ID, {});
    expect(Object.keys(env).filter((name) => name.startsWith("TFL_"))).toEqual([]);
  });

  test("turns the skill id check off for an event that carries none", () => {
    expect(buildFunctionEnv({ live: false, memorySizeMb: 512 }, backends, undefined, {})).toMatchObject({
      VERIFY_SKILL_ID: "false",
    });
    expect(buildFunctionEnv({ live: false, memorySizeMb: 512 }, backends, undefined, {})).not.toHaveProperty(
      "SKILL_ID",
    );
  });

  test("needs the fakes for an offline run", () => {
    expect(() => buildFunctionEnv({ live: false, memorySizeMb: 512 }, undefined, undefined, {})).toThrow(UsageError);
  });

  test("redacts keys and tokens for printing", () => {
    expect(redactEnv({ TFL_APP_KEY: "key-1", TFL_APP_ID: "id-1", SKILL_ID: "s" })).toEqual({
      TFL_APP_KEY: "[redacted]",
      TFL_APP_ID: "id-1",
      SKILL_ID: "s",
    });
  });
});

describe("the skill id", () => {
  test.each<[string, unknown, string | undefined]>([
    [
      "the context's",
      {
        context: { System: { application: { applicationId: "a" } } },
        session: { application: { applicationId: "b" } },
      },
      "a",
    ],
    [
      "the session's when the context has none",
      { context: null, session: { application: { applicationId: "b" } } },
      "b",
    ],
    ["none", { request: {} }, undefined],
    ["none from a non-object", "text", undefined],
  ])("reads %s", (_title, event, id) => {
    expect(skillIdOfEvent(event)).toBe(id as string);
  });

  test("prefers --skill-id, then the event file's id, then ours for built events", () => {
    const fileEvent = { session: { application: { applicationId: "from-file" } } };
    expect(chooseSkillId({ skillId: "flag", event: { source: "file", path: "x" } }, fileEvent)).toBe("flag");
    expect(chooseSkillId({ skillId: undefined, event: { source: "file", path: "x" } }, fileEvent)).toBe("from-file");
    expect(chooseSkillId({ skillId: undefined, event: { source: "kind", kind: "launch" } }, {})).toBe(LOCAL_SKILL_ID);
  });
});

test.each([
  ["dist", "x86_64", "dist/x86_64/bootstrap"],
  ["out/", "arm64", "out/arm64/bootstrap"],
] as const)("finds the %s build of %s at %s", (dist, arch, path) => {
  expect(binaryPath(dist, arch)).toBe(path);
});

test.each([
  ["dist", "x86_64", "dist/lambda-x86_64.zip"],
  ["dist//", "arm64", "dist/lambda-arm64.zip"],
] as const)("finds the %s zip of %s at %s", (dist, arch, path) => {
  expect(zipPath(dist, arch)).toBe(path);
});
