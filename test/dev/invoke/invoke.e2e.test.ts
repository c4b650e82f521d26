/**
 * The real compiled bootstraps (arm64 under qemu on an x86_64 host) answering every kind of event
 * through the local Runtime API, with TfL and the skill API served from recordings on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { binaryPath } from "../../../src/dev/base/builds.ts";
import type { Arch } from "../../../src/dev/base/arch.ts";
import { buildEvent, LOCAL_SKILL_ID, type EventOptions, type EventKind } from "../../../src/dev/base/events.ts";
import { RECORDED_ACCESS_TOKEN, startFakeBackends, type FakeBackends } from "../../../src/dev/base/fake-backends.ts";
import { buildFunctionEnv } from "../../../src/dev/base/function-env.ts";
import { runCli } from "../../../src/dev/base/cli-support.ts";
import { INVOKE_USAGE } from "../../../src/dev/invoke/invoke-plan.ts";
import { runInvoke } from "../../../src/dev/invoke/invoke.ts";
import { hostArch, qemuAvailable } from "../../../src/dev/base/bootstrap-process.ts";
import { speechText } from "../../../src/dev/invoke/render-response.ts";
import { formatReportLine } from "../../../src/dev/base/report-line.ts";
import { parseReportLines } from "../../../src/dev/base/report-parser.ts";
import { createLocalFunction, type LocalFunction } from "../../../src/dev/base/session.ts";
import { captureIo } from "../helpers/capture-io.ts";
import { DIST, skipReason } from "../helpers/builds.ts";

interface AlexaBody {
  readonly version?: string;
  readonly response: {
    readonly outputSpeech?: unknown;
    readonly reprompt?: { readonly outputSpeech?: unknown };
    readonly card?: { readonly type?: string; readonly title?: string };
    readonly shouldEndSession?: boolean;
  };
}

type Case = readonly [
  title: string,
  kind: EventKind,
  options: EventOptions,
  check: (body: AlexaBody, said: string) => void,
];

const CASES: readonly Case[] = [
  [
    "a launch request, keeping the session open",
    "launch",
    {},
    (body, said) => {
      expect(said).toContain("Welcome to London Travel");
      expect(body.response.shouldEndSession).toBe(false);
      expect(speechText(body.response.reprompt?.outputSpeech)).toBe(
        "Which line would you like to hear about? Or ask me whether there's any disruption.",
      );
    },
  ],
  [
    "the Victoria line's good service",
    "status",
    { line: "victoria" },
    (body, said) => {
      expect(said).toBe("The Victoria line has a good service.");
      expect(body.response.card?.title).toBe("Victoria Line Status");
      expect(body.response.shouldEndSession).toBe(true);
    },
  ],
  [
    "the District line's closure from TfL's reason, without its prefix",
    "status",
    { line: "District" },
    (_body, said) => {
      expect(said).toContain("Earl's Court and Wimbledon");
      expect(said).not.toContain("District Line:");
    },
  ],
  [
    "the Waterloo & City line as closed",
    "status",
    { line: "waterloo and city" },
    (_body, said) => {
      expect(said).toContain("is closed");
    },
  ],
  [
    "the Elizabeth line by a synonym, ignoring next week's planned work",
    "status",
    { line: "lizzie" },
    (body, said) => {
      expect(said).toContain("Elizabeth line has a good service");
      expect(body.response.card?.title).toBe("Elizabeth line Status");
    },
  ],
  [
    "the DLR spelt out",
    "status",
    { line: "the DLR" },
    (body, said) => {
      expect(said).toContain("D.L.R.");
      expect(body.response.card?.title).toBe("DLR Status");
    },
  ],
  [
    "the six Overground lines in one answer",
    "status",
    { line: "overground" },
    (_body, said) => {
      expect(said).toContain("Mildmay");
      expect(said).toContain("Windrush");
    },
  ],
  [
    "a line it does not know, keeping the session open",
    "status",
    { line: "the number 73 bus" },
    (body, said) => {
      expect(said).toContain("not sure which line");
      expect(body.response.shouldEndSession).toBe(false);
    },
  ],
  [
    "disruption on several lines",
    "disruption",
    {},
    (body, said) => {
      expect(said).toContain("Stanmore and Stratford");
      expect(said).toContain("Surrey Quays");
      expect(body.response.card?.title).toBe("Current Disruption");
    },
  ],
  [
    "the commute of a linked account",
    "commute",
    { accessToken: RECORDED_ACCESS_TOKEN },
    (body, said) => {
      expect(said).toContain("Jubilee");
      expect(said).toContain("Victoria");
      expect(body.response.card?.title).toBe("Commute Status");
    },
  ],
  [
    "the commute of an account that is not linked, with a link card",
    "commute",
    {},
    (body, said) => {
      expect(said).toContain("link your London Travel account");
      expect(body.response.card?.type).toBe("LinkAccount");
    },
  ],
  [
    "help, keeping the session open",
    "help",
    {},
    (body, said) => {
      expect(said).toContain("What would you like to know?");
      expect(body.response.shouldEndSession).toBe(false);
    },
  ],
  [
    "stop by ending the session without a word",
    "stop",
    {},
    (body, said) => {
      expect(said).toBe("");
      expect(body.response.shouldEndSession).toBe(true);
    },
  ],
  [
    "an unknown intent",
    "unknown",
    {},
    (_body, said) => {
      expect(said).toContain("can't help with that");
    },
  ],
  [
    "a session end with an empty response",
    "end",
    {},
    (body) => {
      expect(body).toEqual({ version: "1.0", response: {} });
    },
  ],
];

for (const arch of ["x86_64", "arm64"] as const satisfies readonly Arch[]) {
  const reason = skipReason(arch, "invoke end-to-end tests");
  describe.skipIf(reason !== undefined)(`the ${arch} build`, () => {
    let backends: FakeBackends;
    let fn: LocalFunction;

    beforeAll(() => {
      backends = startFakeBackends();
      const env = buildFunctionEnv(
        { live: false, memorySizeMb: 512 },
        { tflApiUrl: backends.url, skillApiUrl: backends.url },
        LOCAL_SKILL_ID,
        {},
      );
      fn = createLocalFunction({ binary: binaryPath(DIST, arch), arch, env, timeoutMs: 10_000, memorySizeMb: 512 });
    });

    afterAll(async () => {
      await fn.stop();
      await backends.stop();
    });

    test("starts cold with a measured init and answers from the recordings on loopback", async () => {
      const result = await fn.invoke(buildEvent("status", { line: "jubilee" }));
      expect(result).toMatchObject({ status: "success", cold: true });
      expect(result.report.initDurationMs).toBeGreaterThan(0);
      expect(result.report.maxMemoryUsedMb).toBeGreaterThan(0);
      expect(speechText((result.json as AlexaBody).response.outputSpeech)).toContain("Severe delays");
      expect(backends.requests.at(-1)).toMatchObject({ method: "GET", status: 200 });
      const parsed = parseReportLines(formatReportLine(result.report));
      expect(parsed.cold).toHaveLength(1);
    }, 20_000);

    test.each(CASES)("answers %s", async (_title, kind, options, check) => {
      const result = await fn.invoke(buildEvent(kind, options));
      expect(result.status).toBe("success");
      expect(result.cold).toBe(false);
      const body = result.json as AlexaBody;
      check(body, speechText(body.response.outputSpeech) ?? "");
    });

    test("fails an event for another skill as an invocation error and serves the next one", async () => {
      const refused = await fn.invoke(
        buildEvent("launch", { skillId: "amzn1.ask.skill.00000000-0000-4000-8000-000000000000" }),
      );
      expect(refused.status).toBe("error");
      expect(refused.errorType).toContain("SkillIdMismatch");
      const next = await fn.invoke(buildEvent("help"));
      expect(next).toMatchObject({ status: "success", cold: false });
    });

    test("fails an event that is not an Alexa request as an invocation error", async () => {
      const refused = await fn.invoke({ hello: "world" });
      expect(refused.status).toBe("error");
      expect(refused.phase).toBe("invoke");
    });
  });
}

const bothReasons = [
  skipReason("x86_64", "the invoke CLI end-to-end test"),
  skipReason("arm64", "the invoke CLI end-to-end test"),
];
describe.skipIf(bothReasons.some((reason) => reason !== undefined))("bun run invoke", () => {
  test("asks both builds about the Victoria line and labels the emulated one", async () => {
    const { io, stdout, stderr } = captureIo();
    const code = await runCli(
      () =>
        runInvoke(["--arch", "both", "--repeat", "3", "--dist", DIST], {
          io,
          env: {},
          hostArch: hostArch(),
          qemuAvailable,
        }),
      INVOKE_USAGE,
      io,
    );
    const out = stdout();
    expect(stderr()).toBe("");
    expect(code).toBe(0);
    expect(out).toContain("▶ x86_64");
    expect(out).toContain("▶ arm64");
    expect(out.match(/Alexa says {3}The Victoria line has a good service\./g)).toHaveLength(2);
    expect(out.match(/Card {9}Victoria Line Status/g)).toHaveLength(2);
    expect(out.match(/Session {6}ends/g)).toHaveLength(2);
    expect(out).toContain("Backend      GET /Line/victoria/Status");
    const parsed = parseReportLines(out);
    expect(parsed.cold).toHaveLength(2);
    expect(parsed.warm).toHaveLength(4);
    if (hostArch() === "x86_64") {
      expect(out).toContain("▶ arm64 (emulated: qemu-aarch64-static)");
      expect(out).toContain("\t(emulated: qemu-aarch64-static)");
      expect(out).toContain("Warm invocations (emulated: qemu-aarch64-static): 2");
    }
  }, 30_000);

  test.each([1, 4])(
    "--concurrency %d reports throughput and p50/p99 for both builds",
    async (concurrency) => {
      const { io, stdout, stderr } = captureIo();
      const code = await runCli(
        () =>
          runInvoke(["--arch", "both", "--concurrency", String(concurrency), "--repeat", "40", "--dist", DIST], {
            io,
            env: {},
            hostArch: hostArch(),
            qemuAvailable,
          }),
        INVOKE_USAGE,
        io,
      );
      const out = stdout();
      expect(stderr()).toBe("");
      expect(code).toBe(0);
      const rows = out.match(
        new RegExp(`^concurrency ${concurrency}: 40 invocations, \\d+/s, p50 [\\d.]+ ms, p99 [\\d.]+ ms`, "gm"),
      );
      expect(rows).toHaveLength(2);
      if (concurrency > 1) expect(out).toContain(`(AWS_LAMBDA_MAX_CONCURRENCY=${concurrency})`);
    },
    60_000,
  );

  test("runs as a script, printing the raw JSON with --json", async () => {
    const child = Bun.spawn(
      [process.execPath, "run", "src/dev/invoke/invoke.ts", "--intent", "disruption", "--json", "--dist", DIST],
      {
        cwd: new URL("../../..", import.meta.url).pathname,
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    expect(code).toBe(0);
    expect(out).toContain("Card         Current Disruption");
    expect(out).toContain('"version": "1.0"');
    expect(out).toMatch(
      /REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 512 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/,
    );
  }, 20_000);
});

describe("bun run invoke --traces", () => {
  const reason = skipReason("x86_64", "invoke --traces");
  // As a script, not only in process: the entry point runs at import, before the module's later lines.
  (reason === undefined ? test : test.skip)(
    "runs as a script with --traces, printing the span tree",
    async () => {
      const child = Bun.spawn(
        [process.execPath, "run", "src/dev/invoke/invoke.ts", "--traces", "--arch", "x86_64", "--dist", DIST],
        { cwd: new URL("../../..", import.meta.url).pathname, stdout: "pipe", stderr: "pipe" },
      );
      const [out, err, code] = await Promise.all([
        new Response(child.stdout).text(),
        new Response(child.stderr).text(),
        child.exited,
      ]);
      expect(err).toBe("");
      expect(code).toBe(0);
      expect(out).toMatch(/Spans:\ntrace [0-9a-f]{32}\n/);
    },
    30_000,
  );
  (reason === undefined ? test : test.skip)(
    "prints each invocation's spans as a tree: the invocation, the skill request, the TfL call",
    async () => {
      const { io, stdout, stderr } = captureIo();
      const code = await runCli(
        () =>
          runInvoke(["--traces", "--arch", "x86_64", "--dist", DIST], {
            io,
            env: {},
            hostArch: hostArch(),
            qemuAvailable,
          }),
        INVOKE_USAGE,
        io,
      );
      expect(code).toBe(0);
      const out = stdout();
      expect(out).toMatch(/Spans:\ntrace [0-9a-f]{32}\nlondon-travel-local \(server, [\d.]+ ms\)/);
      expect(out).toMatch(/\n {2}Skill Request \(internal, [\d.]+ ms\)\n {6}alexa\.request\.type=IntentRequest/);
      expect(out).toMatch(/\n {4}GET Line\/victoria\/Status \(client, [\d.]+ ms\)/);
    },
    30_000,
  );
});
