/**
 * One architecture's deploy, as the deploy workflow runs it: upload the zip, wait, publish a version
 * pinned to the uploaded code, invoke that version with our launch request until every answer is valid,
 * and only then move the alias Alexa calls. A failed check leaves the alias where it was.
 * The AWS CLI is injected, so the whole sequence is tested without an AWS account.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as v from "valibot";
import { parseReportLines } from "../base/report-parser.ts";
import type { Arch } from "../base/arch.ts";
import { sha256Hex } from "../base/manifest.ts";
import { appendStepSummary, markdownTable, processIo, runShipCli, ShipError, UsageError, type CliIo } from "./cli.ts";
import { buildLaunchEvent, launchTemplate, readSkillId, type LaunchTemplate } from "./launch-event.ts";
import { compareWithManifest, parseManifest } from "./sha256sums.ts";
import { spokenText, verifyInvokeOutput, verifyLaunchResponse } from "./verify-launch-response.ts";

/** What a finished `aws` process left behind. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `aws` with these arguments (without the word `aws`). */
export type RunAws = (args: readonly string[]) => Promise<CommandResult>;

/** Everything one deploy needs to know; built from the command line. */
export interface DeployPlan {
  readonly arch: Arch;
  readonly functionName: string;
  readonly alias: string;
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip: the form Lambda reports as `CodeSha256`. */
  readonly codeSha256: string;
  readonly skillId: string | undefined;
  readonly invocations: number;
  readonly description: string;
  /** Where events and responses are written for `aws lambda invoke`. */
  readonly workDir: string;
}

/** The outside world of a deploy; tests pass fakes. */
export interface DeployDeps {
  readonly aws: RunAws;
  readonly template: LaunchTemplate;
  readonly writeText: (path: string, text: string) => Promise<void>;
  readonly readText: (path: string) => Promise<string>;
  readonly log: (line: string) => void;
  readonly now: () => Date;
  readonly newId: () => string;
}

/** One checked invocation of the new version. */
export interface InvocationRecord {
  readonly spoken: string;
  /** The decoded log tail Lambda returned (`--log-type Tail`): the function's lines, END and REPORT. */
  readonly log: string;
}

/** What a successful deploy did. */
export interface DeployResult {
  readonly version: string;
  /** The version the alias pointed at before, or undefined when the alias was created. */
  readonly previousVersion: string | undefined;
  readonly invocations: readonly InvocationRecord[];
}

const UpdateCodeOutputSchema = v.looseObject({
  CodeSha256: v.string(),
  Architectures: v.optional(v.array(v.string())),
});

const PublishVersionOutputSchema = v.looseObject({
  Version: v.pipe(v.string(), v.regex(/^\d+$/)),
  CodeSha256: v.string(),
});

const AliasOutputSchema = v.looseObject({
  FunctionVersion: v.string(),
  RevisionId: v.string(),
});

/** `aws lambda <command>` on the plan's function, answering in JSON (what parseOutput reads). */
function lambdaJsonArgs(plan: DeployPlan, command: string, ...options: string[]): string[] {
  return ["lambda", command, "--function-name", plan.functionName, ...options, "--output", "json"];
}

/** `aws lambda update-function-code`: the zip from disk, for the plan's architecture. */
function updateCodeArgs(plan: DeployPlan): string[] {
  const options = ["--zip-file", `fileb://${plan.zipPath}`, "--architectures", plan.arch];
  return lambdaJsonArgs(plan, "update-function-code", ...options);
}

/** `aws lambda wait function-updated-v2`: polls GetFunction until the update is Successful. */
function waitUpdatedArgs(plan: DeployPlan): string[] {
  return ["lambda", "wait", "function-updated-v2", "--function-name", plan.functionName];
}

/** `aws lambda publish-version`, refused by Lambda unless `$LATEST` still holds the code we uploaded. */
function publishVersionArgs(plan: DeployPlan): string[] {
  return lambdaJsonArgs(plan, "publish-version", "--code-sha256", plan.codeSha256, "--description", plan.description);
}

/** `aws lambda invoke` of one version with a log tail (the last 4 KB of its logs, REPORT included). */
function invokeArgs(plan: DeployPlan, version: string, eventPath: string, responsePath: string): string[] {
  const options = ["--qualifier", version, "--payload", `fileb://${eventPath}`, "--log-type", "Tail"];
  return [...lambdaJsonArgs(plan, "invoke", ...options), responsePath];
}

/** `aws lambda get-alias`. */
function getAliasArgs(plan: DeployPlan): string[] {
  return lambdaJsonArgs(plan, "get-alias", "--name", plan.alias);
}

/** `aws lambda update-alias`, refused if someone moved the alias since we read it (`--revision-id`). */
function updateAliasArgs(plan: DeployPlan, version: string, revisionId: string): string[] {
  const options = ["--name", plan.alias, "--function-version", version, "--revision-id", revisionId];
  return lambdaJsonArgs(plan, "update-alias", ...options);
}

/** `aws lambda create-alias`, for the first deploy. */
function createAliasArgs(plan: DeployPlan, version: string): string[] {
  return lambdaJsonArgs(plan, "create-alias", "--name", plan.alias, "--function-version", version);
}

/** Runs the deploy; throws `ShipError` at the first step that fails, before the alias moves. */
export async function deploy(plan: DeployPlan, deps: DeployDeps): Promise<DeployResult> {
  const updated = parseOutput(UpdateCodeOutputSchema, await run(deps, updateCodeArgs(plan)), "update-function-code");
  if (updated.CodeSha256 !== plan.codeSha256) {
    throw new ShipError(
      `Lambda stored code with SHA-256 ${updated.CodeSha256}, but ${plan.zipPath} has ${plan.codeSha256}`,
    );
  }
  if (updated.Architectures !== undefined && !updated.Architectures.includes(plan.arch)) {
    throw new ShipError(`${plan.functionName} is set to ${updated.Architectures.join(", ")}, not ${plan.arch}`);
  }
  await run(deps, waitUpdatedArgs(plan));
  const published = parseOutput(
    PublishVersionOutputSchema,
    await run(deps, publishVersionArgs(plan)),
    "publish-version",
  );
  if (published.CodeSha256 !== plan.codeSha256) {
    throw new ShipError(`version ${published.Version} holds code ${published.CodeSha256}, not ${plan.codeSha256}`);
  }
  const version = published.Version;
  deps.log(`published ${plan.functionName} version ${version}`);

  const invocations: InvocationRecord[] = [];
  for (let index = 1; index <= plan.invocations; index += 1) {
    invocations.push(await invokeAndCheck(plan, deps, version, index));
  }

  const previousVersion = await moveAlias(plan, deps, version);
  deps.log(
    `alias ${plan.alias} → version ${version}${previousVersion === undefined ? " (created)" : ` (was ${previousVersion})`}`,
  );
  return { version, previousVersion, invocations };
}

async function invokeAndCheck(
  plan: DeployPlan,
  deps: DeployDeps,
  version: string,
  index: number,
): Promise<InvocationRecord> {
  const eventPath = join(plan.workDir, `launch-${index}.json`);
  const responsePath = join(plan.workDir, `response-${index}.json`);
  const event = buildLaunchEvent(deps.template, { skillId: plan.skillId, now: deps.now(), newId: deps.newId });
  await deps.writeText(eventPath, JSON.stringify(event));
  const output = parseJson(await run(deps, invokeArgs(plan, version, eventPath, responsePath)), "invoke");
  const log = decodeLogResult(output);
  const payload = parseJsonText(await deps.readText(responsePath));
  const problems = [...verifyInvokeOutput(output, version).problems, ...verifyLaunchResponse(payload).problems];
  if (problems.length > 0) {
    throw new ShipError(
      [
        `invocation ${index} of version ${version} is not a valid launch answer; alias ${plan.alias} not moved:`,
        ...problems.map((problem) => `  - ${problem}`),
        "log tail:",
        log.trimEnd() === "" ? "  (empty)" : log.trimEnd(),
      ].join("\n"),
    );
  }
  const spoken = spokenText(payload);
  deps.log(`invocation ${index}: “${spoken}”`);
  return { spoken, log };
}

async function moveAlias(plan: DeployPlan, deps: DeployDeps, version: string): Promise<string | undefined> {
  const args = getAliasArgs(plan);
  deps.log(`$ aws ${args.join(" ")}`);
  const current = await deps.aws(args);
  if (current.exitCode === 0) {
    const alias = parseOutput(AliasOutputSchema, current.stdout, "get-alias");
    await run(deps, updateAliasArgs(plan, version, alias.RevisionId));
    return alias.FunctionVersion;
  }
  if (!current.stderr.includes("ResourceNotFoundException")) {
    throw new ShipError(`aws lambda get-alias failed (exit ${current.exitCode}): ${current.stderr.trim()}`);
  }
  await run(deps, createAliasArgs(plan, version));
  return undefined;
}

/** Runs one command, logging it; a non-zero exit is a `ShipError` carrying the CLI's message. */
async function run(deps: DeployDeps, args: readonly string[]): Promise<string> {
  deps.log(`$ aws ${args.join(" ")}`);
  const result = await deps.aws(args);
  if (result.exitCode !== 0) {
    throw new ShipError(`aws ${args.slice(0, 2).join(" ")} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  }
  return result.stdout;
}

function parseOutput<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  stdout: string,
  command: string,
): v.InferOutput<TSchema> {
  const parsed = v.safeParse(schema, parseJson(stdout, command));
  if (!parsed.success) {
    const [issue] = parsed.issues;
    throw new ShipError(
      `aws lambda ${command} printed something unexpected (${v.getDotPath(issue) ?? "root"}: ${issue.message})`,
    );
  }
  return parsed.output;
}

function parseJson(text: string, command: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ShipError(`aws lambda ${command} did not print JSON: ${text.slice(0, 200)}`);
  }
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The `LogResult` of an invoke output, base64-decoded; empty when there is none. */
export function decodeLogResult(output: unknown): string {
  if (typeof output !== "object" || output === null) {
    return "";
  }
  const encoded = (output as Record<string, unknown>)["LogResult"];
  return typeof encoded === "string" ? Buffer.from(encoded, "base64").toString("utf8") : "";
}

/** The deploy's job-summary section: what was published, what Alexa would say, the REPORT figures. */
export function renderDeploySummary(plan: DeployPlan, result: DeployResult): string {
  const moved =
    result.previousVersion === undefined
      ? `created, → version ${result.version}`
      : `version ${result.previousVersion} → version ${result.version}`;
  const facts = markdownTable(
    ["", plan.arch],
    [
      ["function", `\`${plan.functionName}\``],
      ["version", result.version],
      [`alias \`${plan.alias}\``, moved],
      ["code SHA-256", `\`${plan.codeSha256}\``],
      ["launch answer", `“${result.invocations[0]?.spoken ?? ""}”`],
    ],
  );
  const reports = parseReportLines(result.invocations.map((invocation) => invocation.log).join("\n")).invocations;
  const table =
    reports.length === 0
      ? "No REPORT line came back in the log tails; see the function's CloudWatch log group.\n"
      : markdownTable(
          ["#", "Duration", "Billed", "Memory", "Max used", "Init"],
          reports.map((report, index) => [
            String(index + 1),
            `${report.durationMs.toFixed(2)} ms`,
            `${report.billedDurationMs} ms`,
            `${report.memorySizeMb} MB`,
            report.maxMemoryUsedMb === undefined ? "?" : `${report.maxMemoryUsedMb} MB`,
            report.initDurationMs === undefined ? "" : `${report.initDurationMs.toFixed(2)} ms`,
          ]),
          ["r", "r", "r", "r", "r", "r"],
        );
  return `### Deployed ${plan.arch}\n\n${facts}\n#### REPORT lines of version ${result.version}\n\n${table}`;
}

/** Printed by `--help` and after a usage error. */
const DEPLOY_USAGE = `Usage: bun run src/dev/ship/deploy.ts --arch ARCH --function NAME [options]

Deploys dist/lambda-ARCH.zip to an existing Lambda function: update-function-code (with
--architectures ARCH), wait function-updated-v2, publish-version pinned to the zip's SHA-256, invoke
that version with the dev tools' LaunchRequest N times and check every answer, then move the
alias. Any failure stops before the alias moves. Needs the AWS CLI with credentials for the function.

Options:
  --arch ARCH          x86_64 or arm64 (required)
  --function NAME      the function's name or ARN (required)
  --zip PATH           the zip to upload (default: dist/lambda-ARCH.zip)
  --alias NAME         the alias Alexa calls (default: live)
  --skill-id ID        the skill id the function verifies (default: $SKILL_ID, else the fixture's)
  --invocations N      launch requests to send, the first one a cold start (default: 5, at most 20)
  --description TEXT   the version's description (default: commit and workflow run, when known)
  --log-out PATH       write the decoded log tails (REPORT lines) there, for \`bun run compare --logs\`
  --dry-run            print the commands and run nothing
  -h, --help           this text`;

/** The CLI: builds the plan from arguments and the zip, runs the deploy with the real AWS CLI. */
export async function main(argv: readonly string[], io: CliIo, aws: RunAws = spawnAws): Promise<number> {
  return runShipCli(
    {
      argv,
      io,
      usage: DEPLOY_USAGE,
      options: {
        arch: { type: "string" },
        function: { type: "string" },
        zip: { type: "string" },
        alias: { type: "string", default: "live" },
        "skill-id": { type: "string" },
        invocations: { type: "string", default: "5" },
        description: { type: "string" },
        "log-out": { type: "string" },
        "dry-run": { type: "boolean" },
      },
    },
    async ({ values }) => {
      const arch = parseArch(values.arch);
      const functionName = values.function?.trim() ?? "";
      if (functionName === "") {
        throw new UsageError("--function is required (the function's name or ARN)");
      }
      if (!/^[\w-]+$/.test(values.alias)) {
        throw new UsageError(`--alias must be letters, digits, - or _, not "${values.alias}"`);
      }
      const invocations = Number(values.invocations);
      if (!Number.isInteger(invocations) || invocations < 1 || invocations > 20) {
        throw new UsageError(`--invocations must be a whole number from 1 to 20, not "${values.invocations}"`);
      }
      const zipPath = values.zip ?? join("dist", `lambda-${arch}.zip`);
      const zip = Bun.file(zipPath);
      if (!(await zip.exists())) {
        throw new ShipError(`${zipPath} does not exist; build it (bun run build) or download the CI artefact`);
      }
      const bytes = await zip.bytes();
      await checkZipAgainstManifest(zipPath, sha256Hex(bytes));
      const plan: DeployPlan = {
        arch,
        functionName,
        alias: values.alias,
        zipPath,
        codeSha256: new Bun.CryptoHasher("sha256").update(bytes).digest("base64"),
        skillId: readSkillId(values["skill-id"] ?? io.env["SKILL_ID"]),
        invocations,
        description: (values.description ?? defaultDescription(io.env)).slice(0, 256),
        workDir:
          values["dry-run"] === true ? join(tmpdir(), "ship-deploy") : await mkdtemp(join(tmpdir(), "ship-deploy-")),
      };
      if (values["dry-run"] === true) {
        for (const args of [
          updateCodeArgs(plan),
          waitUpdatedArgs(plan),
          publishVersionArgs(plan),
          invokeArgs(plan, "VERSION", join(plan.workDir, "launch-1.json"), join(plan.workDir, "response-1.json")),
          getAliasArgs(plan),
          updateAliasArgs(plan, "VERSION", "REVISION"),
        ]) {
          io.out(`aws ${args.join(" ")}`);
        }
        return 0;
      }
      const deps: DeployDeps = {
        aws,
        template: launchTemplate(),
        writeText: (path, text) => writeFile(path, text),
        readText: (path) => Bun.file(path).text(),
        log: (line) => io.err(line),
        now: () => new Date(),
        newId: () => crypto.randomUUID(),
      };
      let result: DeployResult;
      try {
        result = await deploy(plan, deps);
      } catch (error) {
        if (error instanceof ShipError) {
          await appendStepSummary(
            `### Deploy of ${arch} to \`${functionName}\` failed\n\n\`\`\`\n${error.message}\n\`\`\`\n`,
            io.env,
          );
        }
        throw error;
      }
      if (values["log-out"] !== undefined) {
        await mkdir(dirname(values["log-out"]), { recursive: true });
        await writeFile(
          values["log-out"],
          result.invocations.map((invocation) => invocation.log.trimEnd()).join("\n") + "\n",
        );
      }
      const summary = renderDeploySummary(plan, result);
      io.out(summary);
      await appendStepSummary(summary, io.env);
      return 0;
    },
  );
}

function parseArch(value: string | undefined): Arch {
  if (value === "x86_64" || value === "arm64") {
    return value;
  }
  throw new UsageError(`--arch must be x86_64 or arm64, not ${value === undefined ? "missing" : `"${value}"`}`);
}

/** When the zip sits next to build.ts's manifest (a build or the CI artefact), their digests must agree. */
async function checkZipAgainstManifest(zipPath: string, sha256: string): Promise<void> {
  const manifestPath = join(dirname(zipPath), "manifest.json");
  const file = Bun.file(manifestPath);
  if (!(await file.exists())) {
    return;
  }
  const problems = compareWithManifest([{ name: zipPath, sha256 }], parseManifest(await file.json(), manifestPath));
  if (problems.length > 0) {
    throw new ShipError(`${zipPath} does not match ${manifestPath}: ${problems.join("; ")}`);
  }
}

/** "London Travel <commit> (Deploy run 123)" inside GitHub Actions, "London Travel" elsewhere. */
export function defaultDescription(env: CliIo["env"]): string {
  const commit = env["GITHUB_SHA"]?.slice(0, 12);
  const run = env["GITHUB_RUN_ID"];
  const workflow = env["GITHUB_WORKFLOW"];
  return ["London Travel", commit, run === undefined ? undefined : `(${workflow ?? "workflow"} run ${run})`]
    .filter((part) => part !== undefined && part !== "")
    .join(" ");
}

/** The real AWS CLI; `AWS_PAGER=""` keeps it from waiting on a pager. */
async function spawnAws(args: readonly string[]): Promise<CommandResult> {
  const child = Bun.spawn(["aws", ...args], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, AWS_PAGER: "" },
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { exitCode, stdout, stderr };
}

if (import.meta.main) {
  process.exitCode = await main(Bun.argv.slice(2), processIo());
}
