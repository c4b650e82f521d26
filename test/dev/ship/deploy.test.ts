import { afterAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "../../../src/dev/build/index.ts";
import {
  decodeLogResult,
  defaultDescription,
  deploy,
  main,
  renderDeploySummary,
  type DeployDeps,
  type DeployPlan,
} from "../../../src/dev/ship/deploy.ts";
import { ShipError } from "../../../src/dev/ship/cli.ts";
import { launchTemplate } from "../../../src/dev/ship/launch-event.ts";
import { captureIo } from "../helpers/capture-io.ts";
import { createFakeAws, type FakeFunction } from "../helpers/fake-aws.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures/ship");
const TEMPLATE = launchTemplate();
const VALID_ANSWER = (await Bun.file(join(FIXTURES, "launch-response.json")).json()) as Record<string, unknown>;
const SKILL = "amzn1.ask.skill.7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d";
const TEMP = await mkdtemp(join(tmpdir(), "ship-deploy-test-"));

afterAll(() => rm(TEMP, { recursive: true, force: true }));

const PLAN: DeployPlan = {
  arch: "arm64",
  functionName: "london-travel-arm64",
  alias: "live",
  zipPath: "dist/lambda-arm64.zip",
  codeSha256: "uploaded",
  skillId: SKILL,
  invocations: 3,
  description: "London Travel abc (Deploy run 9)",
  workDir: "/work-dir",
};

function fakeFunction(overrides: Partial<FakeFunction> = {}): FakeFunction {
  return {
    latestVersion: 6,
    alias: { version: "6", revision: "rev-6" },
    answer: () => VALID_ANSWER,
    ...overrides,
  };
}

function setUp(fn: FakeFunction): { deps: DeployDeps; fake: ReturnType<typeof createFakeAws>; lines: string[] } {
  const files = new Map<string, string>();
  const store = {
    read: async (path: string) => files.get(path) ?? "",
    write: async (path: string, text: string) => {
      files.set(path, text);
    },
  };
  const fake = createFakeAws(fn, store);
  const lines: string[] = [];
  let id = 0;
  const deps: DeployDeps = {
    aws: fake.aws,
    template: TEMPLATE,
    writeText: store.write,
    readText: store.read,
    log: (line) => lines.push(line),
    now: () => new Date("2026-11-05T09:00:00Z"),
    newId: () => `00000000-0000-4000-8000-${String((id += 1)).padStart(12, "0")}`,
  };
  return { deps, fake, lines };
}

const commandsOf = (calls: readonly string[][]): string[] => calls.map((call) => call[1] ?? "");

describe("deploy", () => {
  test("uploads, waits, publishes, checks the new version three times, then moves the alias", async () => {
    const fn = fakeFunction();
    const { deps, fake } = setUp(fn);
    const result = await deploy(PLAN, deps);
    expect(commandsOf(fake.calls)).toEqual([
      "update-function-code",
      "wait",
      "publish-version",
      "invoke",
      "invoke",
      "invoke",
      "get-alias",
      "update-alias",
    ]);
    expect(result.version).toBe("7");
    expect(result.previousVersion).toBe("6");
    expect(fn.alias).toEqual({ version: "7", revision: "after-update" });
  });

  test("sends the zip for the plan's architecture and waits with function-updated-v2", async () => {
    const { deps, fake } = setUp(fakeFunction());
    await deploy(PLAN, deps);
    expect(fake.calls[0]).toEqual([
      "lambda",
      "update-function-code",
      "--function-name",
      "london-travel-arm64",
      "--zip-file",
      "fileb://dist/lambda-arm64.zip",
      "--architectures",
      "arm64",
      "--output",
      "json",
    ]);
    expect(fake.calls[1]).toEqual(["lambda", "wait", "function-updated-v2", "--function-name", "london-travel-arm64"]);
  });

  test("publishes only the code it uploaded, and invokes exactly that version with the skill's id", async () => {
    const { deps, fake } = setUp(fakeFunction());
    await deploy(PLAN, deps);
    expect(fake.calls[2]).toEqual([
      "lambda",
      "publish-version",
      "--function-name",
      "london-travel-arm64",
      "--code-sha256",
      "uploaded",
      "--description",
      "London Travel abc (Deploy run 9)",
      "--output",
      "json",
    ]);
    expect(fake.calls[3]?.slice(0, 10)).toEqual([
      "lambda",
      "invoke",
      "--function-name",
      "london-travel-arm64",
      "--qualifier",
      "7",
      "--payload",
      "fileb:///work-dir/launch-1.json",
      "--log-type",
      "Tail",
    ]);
    const ids = fake.events.map(
      (event) =>
        (event as { context: { System: { application: { applicationId: string } } } }).context.System.application
          .applicationId,
    );
    expect(ids).toEqual([SKILL, SKILL, SKILL]);
    const requestIds = new Set(
      fake.events.map((event) => (event as { request: { requestId: string } }).request.requestId),
    );
    expect(requestIds.size).toBe(3);
  });

  test("creates the alias on the first deploy", async () => {
    const fn = fakeFunction({ alias: undefined });
    const { deps, fake } = setUp(fn);
    const result = await deploy(PLAN, deps);
    expect(commandsOf(fake.calls).slice(-2)).toEqual(["get-alias", "create-alias"]);
    expect(fake.calls.at(-1)).toEqual([
      "lambda",
      "create-alias",
      "--function-name",
      "london-travel-arm64",
      "--name",
      "live",
      "--function-version",
      "7",
      "--output",
      "json",
    ]);
    expect(result.previousVersion).toBeUndefined();
  });

  test("keeps every invocation's log tail, REPORT lines included", async () => {
    const { deps } = setUp(fakeFunction());
    const result = await deploy(PLAN, deps);
    expect(
      result.invocations.map((invocation) => invocation.log.split("\n").find((line) => line.startsWith("REPORT"))),
    ).toEqual([
      expect.stringContaining("Init Duration: 38.42 ms"),
      expect.stringContaining("REPORT RequestId: req-2"),
      expect.stringContaining("REPORT RequestId: req-3"),
    ]);
    expect(result.invocations[0]?.spoken).toContain("Hello from London Travel.");
  });

  type Case = [string, Partial<FakeFunction>, string, string[]];
  const failures: Case[] = [
    [
      "Lambda stored other code",
      { storedSha: "something-else" },
      "Lambda stored code with SHA-256 something-else",
      ["update-function-code"],
    ],
    [
      "the function has another architecture",
      { architectures: ["x86_64"] },
      "is set to x86_64, not arm64",
      ["update-function-code"],
    ],
    [
      "publishing fails",
      { failing: new Set(["publish-version"]) },
      "aws lambda publish-version failed (exit 255): An error occurred (ServiceException)",
      ["update-function-code", "wait", "publish-version"],
    ],
    [
      "the function fails",
      {
        functionError: "Unhandled",
        answer: () => ({ errorType: "SkillIdMismatchError", errorMessage: "wrong skill" }),
      },
      "FunctionError: Unhandled",
      ["update-function-code", "wait", "publish-version", "invoke"],
    ],
    [
      "the answer ends the session",
      {
        answer: () => ({
          ...VALID_ANSWER,
          response: { ...(VALID_ANSWER["response"] as object), shouldEndSession: true },
        }),
      },
      "response.shouldEndSession",
      ["update-function-code", "wait", "publish-version", "invoke"],
    ],
    [
      "the third answer is broken",
      { answer: (_event, n) => (n === 3 ? "Task timed out" : VALID_ANSWER) },
      "invocation 3 of version 7",
      ["update-function-code", "wait", "publish-version", "invoke", "invoke", "invoke"],
    ],
    [
      "another version ran",
      { executedVersion: "$LATEST" },
      "version $LATEST ran, not version 7",
      ["update-function-code", "wait", "publish-version", "invoke"],
    ],
    [
      "the alias cannot be read",
      { aliasError: "An error occurred (AccessDeniedException) when calling GetAlias" },
      "get-alias failed (exit 254): An error occurred (AccessDeniedException)",
      ["update-function-code", "wait", "publish-version", "invoke", "invoke", "invoke", "get-alias"],
    ],
  ];

  test.each(failures)("stops without moving the alias when %s", async (_title, overrides, message, commands) => {
    const fn = fakeFunction(overrides);
    const { deps, fake } = setUp(fn);
    const error = await deploy(PLAN, deps).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ShipError);
    expect(error instanceof Error ? error.message : "").toContain(message);
    expect(commandsOf(fake.calls)).toEqual(commands);
    expect(fn.alias).toEqual({ version: "6", revision: "rev-6" });
  });

  test("shows the log tail of a failed invocation", async () => {
    const { deps } = setUp(
      fakeFunction({
        functionError: "Unhandled",
        answer: () => ({ errorType: "InitError", errorMessage: "SKILL_ID missing" }),
      }),
    );
    const error = await deploy(PLAN, deps).catch((caught: unknown) => caught);
    expect(String(error)).toContain("alias live not moved");
    expect(String(error)).toContain("REPORT RequestId: req-1");
    expect(String(error)).toContain("InitError: SKILL_ID missing");
  });
});

describe("renderDeploySummary", () => {
  test("says what was published, what Alexa heard and the REPORT figures", async () => {
    const { deps } = setUp(fakeFunction());
    const markdown = renderDeploySummary(PLAN, await deploy(PLAN, deps));
    expect(markdown).toStartWith("### Deployed arm64\n\n");
    expect(markdown).toContain("| alias `live` | version 6 → version 7 |");
    expect(markdown).toContain("| launch answer | “Hello from London Travel.");
    expect(markdown).toContain("| 1 | 2.50 ms | 41 ms | 256 MB | 48 MB | 38.42 ms |");
    expect(markdown).toContain("| 3 | 4.50 ms | 3 ms | 256 MB | 48 MB |  |");
  });

  test("says where to look when no REPORT line came back", () => {
    const markdown = renderDeploySummary(PLAN, {
      version: "2",
      previousVersion: undefined,
      invocations: [{ spoken: "Hi", log: "" }],
    });
    expect(markdown).toContain("created, → version 2");
    expect(markdown).toContain("No REPORT line came back");
  });
});

describe("decodeLogResult and defaultDescription", () => {
  test("decode the base64 log tail, or nothing", () => {
    expect(decodeLogResult({ LogResult: Buffer.from("END\nREPORT x").toString("base64") })).toBe("END\nREPORT x");
    expect(decodeLogResult({ StatusCode: 200 })).toBe("");
    expect(decodeLogResult(null)).toBe("");
  });

  test("describe the version by commit and workflow run inside GitHub Actions", () => {
    expect(
      defaultDescription({ GITHUB_SHA: "0123456789abcdef0123", GITHUB_RUN_ID: "42", GITHUB_WORKFLOW: "Deploy" }),
    ).toBe("London Travel 0123456789ab (Deploy run 42)");
    expect(defaultDescription({})).toBe("London Travel");
  });
});

describe("deploy CLI", () => {
  async function makeDist(name: string, manifestSha?: string): Promise<{ dir: string; zip: string; base64: string }> {
    const dir = join(TEMP, name);
    await mkdir(dir, { recursive: true });
    const bytes = new TextEncoder().encode(`zip for ${name}`);
    const zip = join(dir, "lambda-x86_64.zip");
    await Bun.write(zip, bytes);
    const manifest = (await Bun.file(join(FIXTURES, "manifest.json")).json()) as {
      artefacts: { x86_64: { zipSha256: string } };
    };
    manifest.artefacts.x86_64.zipSha256 = manifestSha ?? sha256Hex(bytes);
    await Bun.write(join(dir, "manifest.json"), JSON.stringify(manifest));
    return { dir, zip, base64: new Bun.CryptoHasher("sha256").update(bytes).digest("base64") };
  }

  const disk = {
    read: (path: string) => Bun.file(path).text(),
    write: async (path: string, text: string) => {
      await Bun.write(path, text);
    },
  };

  test("deploys with the AWS CLI, writes the log for compare and the job summary", async () => {
    const { zip, base64, dir } = await makeDist("cli");
    const fn = fakeFunction({ storedSha: base64 });
    const fake = createFakeAws(fn, disk);
    const summary = join(dir, "summary.md");
    const logOut = join(dir, "reports", "x86_64.log");
    const captured = captureIo({ GITHUB_STEP_SUMMARY: summary, SKILL_ID: SKILL, GITHUB_RUN_ID: "77" });
    const code = await main(
      ["--arch", "x86_64", "--function", "lt-x86", "--zip", zip, "--invocations", "2", "--log-out", logOut],
      captured.io,
      fake.aws,
    );
    expect({ code, err: captured.err.join("\n") }).toMatchObject({ code: 0 });
    expect(fake.calls[0]).toContain(`fileb://${zip}`);
    expect(fake.calls[0]).toContain("x86_64");
    expect(fake.calls[2]).toContain(base64);
    expect(await Bun.file(summary).text()).toContain("### Deployed x86_64");
    const log = await Bun.file(logOut).text();
    expect(log.split("\n").filter((line) => line.startsWith("REPORT"))).toHaveLength(2);
    expect(captured.err.join("\n")).toContain("$ aws lambda update-function-code");
  });

  test("records a failed deploy in the job summary and exits 1", async () => {
    const { zip, base64, dir } = await makeDist("cli-fail");
    const fake = createFakeAws(fakeFunction({ storedSha: base64, answer: () => "not json at all" }), disk);
    const summary = join(dir, "summary.md");
    const captured = captureIo({ GITHUB_STEP_SUMMARY: summary });
    expect(
      await main(
        ["--arch", "x86_64", "--function", "lt-x86", "--zip", zip, "--invocations", "1"],
        captured.io,
        fake.aws,
      ),
    ).toBe(1);
    expect(await Bun.file(summary).text()).toContain("### Deploy of x86_64 to `lt-x86` failed");
    expect(commandsOf(fake.calls)).not.toContain("update-alias");
  });

  test("refuses a zip that does not match the manifest beside it, before calling AWS", async () => {
    const { zip } = await makeDist("cli-mismatch", "f".repeat(64));
    const fake = createFakeAws(fakeFunction(), disk);
    const captured = captureIo();
    expect(await main(["--arch", "x86_64", "--function", "lt-x86", "--zip", zip], captured.io, fake.aws)).toBe(1);
    expect(captured.err.join("")).toContain("does not match");
    expect(fake.calls).toEqual([]);
  });

  test("prints the commands and calls nothing with --dry-run", async () => {
    const { zip } = await makeDist("cli-dry");
    const fake = createFakeAws(fakeFunction(), disk);
    const captured = captureIo();
    expect(
      await main(["--arch", "x86_64", "--function", "lt-x86", "--zip", zip, "--dry-run"], captured.io, fake.aws),
    ).toBe(0);
    expect(fake.calls).toEqual([]);
    expect(captured.out.map((line) => line.split(" ").slice(0, 3).join(" "))).toEqual([
      "aws lambda update-function-code",
      "aws lambda wait",
      "aws lambda publish-version",
      "aws lambda invoke",
      "aws lambda get-alias",
      "aws lambda update-alias",
    ]);
  });

  test.each([
    [["--function", "f"], "--arch must be x86_64 or arm64, not missing"],
    [["--arch", "amd64", "--function", "f"], '--arch must be x86_64 or arm64, not "amd64"'],
    [["--arch", "arm64"], "--function is required"],
    [["--arch", "arm64", "--function", "f", "--invocations", "0"], "--invocations must be a whole number from 1 to 20"],
    [["--arch", "arm64", "--function", "f", "--alias", "live now"], "--alias must be"],
    [["--arch", "arm64", "--function", "f", "--skill-id", "bad"], "amzn1.ask.skill.<uuid>"],
  ])("exits 2 with the usage for %p", async (argv, message) => {
    const { zip } = await makeDist("cli-usage");
    const captured = captureIo();
    expect(await main([...argv, "--zip", zip], captured.io, createFakeAws(fakeFunction(), disk).aws)).toBe(2);
    expect(captured.err.join("")).toContain(message);
    expect(captured.err.join("")).toContain("Usage: bun run src/dev/ship/deploy.ts");
  });

  test("exits 1 when the zip is missing", async () => {
    const captured = captureIo();
    expect(
      await main(
        ["--arch", "arm64", "--function", "f", "--zip", join(TEMP, "none.zip")],
        captured.io,
        createFakeAws(fakeFunction(), disk).aws,
      ),
    ).toBe(1);
    expect(captured.err.join("")).toContain("does not exist");
  });
});
