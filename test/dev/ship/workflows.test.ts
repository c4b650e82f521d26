/**
 * The GitHub workflows cannot run here (no runner, no AWS account), so every rule we rely on is checked
 * statically: the maintained schema validator, least privilege, pinned actions, no stored AWS keys,
 * short shell steps that call tested scripts.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";

const ROOT = join(import.meta.dir, "../../..");
const WORKFLOW_DIR = join(ROOT, ".github/workflows");
const FILES = readdirSync(WORKFLOW_DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();
const PACKAGE = (await Bun.file(join(ROOT, "package.json")).json()) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};

type Json = Record<string, unknown>;

interface Step {
  readonly file: string;
  readonly job: string;
  readonly step: Json;
}

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function record(value: unknown, where: string): Json {
  if (!isRecord(value)) {
    throw new Error(`${where} is not a mapping`);
  }
  return value;
}

const SOURCES = new Map(
  await Promise.all(FILES.map(async (file) => [file, await Bun.file(join(WORKFLOW_DIR, file)).text()] as const)),
);
const WORKFLOWS = new Map(FILES.map((file) => [file, record(Bun.YAML.parse(SOURCES.get(file) ?? ""), file)]));

function workflow(file: string): Json {
  return WORKFLOWS.get(file) ?? record(undefined, file);
}

function jobs(file: string): Array<[string, Json]> {
  return Object.entries(record(workflow(file)["jobs"], `${file} jobs`)).map(([name, job]) => [
    name,
    record(job, `${file} ${name}`),
  ]);
}

function job(file: string, name: string): Json {
  return record(record(workflow(file)["jobs"], `${file} jobs`)[name], `${file} ${name}`);
}

const STEPS: Step[] = FILES.flatMap((file) =>
  jobs(file).flatMap(([name, definition]) =>
    Array.isArray(definition["steps"])
      ? definition["steps"].map((step) => ({ file, job: name, step: record(step, `${file} ${name} step`) }))
      : [],
  ),
);

const RUN_STEPS = STEPS.filter(({ step }) => typeof step["run"] === "string");

function stepsUsing(action: string): Step[] {
  return STEPS.filter(({ step }) => typeof step["uses"] === "string" && step["uses"].startsWith(`${action}@`));
}

function runs(file: string, name: string): string[] {
  return RUN_STEPS.filter((step) => step.file === file && step.job === name).map(({ step }) => String(step["run"]));
}

/**
 * action-validator 0.6.0 (the latest release) ships a schema older than GitHub's `attestations`
 * permission (2024), which attest-build-provenance requires. That one key is taken out before
 * validating, and where it may appear is checked by the write-permission test below.
 */
function withoutAttestationsPermission(source: string, parsed: Json): string {
  if (!source.includes("attestations:")) {
    return source;
  }
  const copy = structuredClone(parsed);
  for (const definition of Object.values(record(copy["jobs"], "jobs"))) {
    if (isRecord(definition) && isRecord(definition["permissions"])) {
      delete definition["permissions"]["attestations"];
    }
  }
  return JSON.stringify(copy);
}

describe("GitHub workflows", () => {
  test("are the CI, release and deploy workflows", () => {
    expect(FILES).toEqual(["ci.yml", "deploy.yml", "release.yml"]);
  });

  test.each(FILES)("%s passes action-validator with no errors", (file) => {
    const source = withoutAttestationsPermission(SOURCES.get(file) ?? "", workflow(file));
    const state = validateWorkflow(source);
    expect(JSON.stringify(state.errors, null, 2)).toBe("[]");
  });

  test.each(FILES)("%s grants nothing by default and each job only what it declares", (file) => {
    expect(workflow(file)["permissions"]).toEqual({});
    for (const [name, definition] of jobs(file)) {
      expect({ job: name, permissions: isRecord(definition["permissions"]) }).toEqual({ job: name, permissions: true });
    }
  });

  test("only publishing the release and deploying hold write permissions", () => {
    const writes = FILES.flatMap((file) =>
      jobs(file).flatMap(([name, definition]) =>
        Object.entries(record(definition["permissions"], `${file} ${name} permissions`))
          .filter(([, level]) => level === "write")
          .map(([scope]) => `${file} ${name} ${scope}`),
      ),
    ).sort();
    expect(writes).toEqual([
      "deploy.yml deploy id-token",
      "release.yml release attestations",
      "release.yml release contents",
      "release.yml release id-token",
    ]);
  });

  test("every read permission is contents: read", () => {
    const reads = FILES.flatMap((file) =>
      jobs(file).flatMap(([, definition]) =>
        Object.entries(record(definition["permissions"], "permissions")).filter(([, level]) => level === "read"),
      ),
    );
    expect(new Set(reads.map(([scope]) => scope))).toEqual(new Set(["contents"]));
  });

  test.each(FILES)("%s has a concurrency group", (file) => {
    const concurrency = record(workflow(file)["concurrency"], `${file} concurrency`);
    expect(String(concurrency["group"])).toMatch(/\$\{\{ .+ \}\}/);
    expect(concurrency).toHaveProperty("cancel-in-progress");
  });

  test("deploys and releases are never cancelled halfway; only pull-request CI runs are", () => {
    expect(record(workflow("deploy.yml")["concurrency"], "c")["cancel-in-progress"]).toBe(false);
    expect(record(workflow("release.yml")["concurrency"], "c")["cancel-in-progress"]).toBe(false);
    expect(record(workflow("ci.yml")["concurrency"], "c")["cancel-in-progress"]).toBe(
      "${{ github.event_name == 'pull_request' }}",
    );
  });

  test("every action is pinned to a release or a commit, and reusable workflows are local", () => {
    const steps = STEPS.flatMap(({ step }) => (typeof step["uses"] === "string" ? [step["uses"]] : []));
    const reusable = FILES.flatMap((file) =>
      jobs(file).flatMap(([, definition]) => (typeof definition["uses"] === "string" ? [definition["uses"]] : [])),
    );
    expect(steps.length).toBeGreaterThan(10);
    for (const uses of steps) {
      expect(uses).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
    }
    expect(new Set(reusable)).toEqual(new Set(["./.github/workflows/ci.yml"]));
  });

  test("every job runs on the pinned ubuntu-24.04 image", () => {
    for (const file of FILES) {
      for (const [name, definition] of jobs(file)) {
        if (definition["uses"] === undefined) {
          expect({ job: `${file} ${name}`, runsOn: definition["runs-on"] }).toEqual({
            job: `${file} ${name}`,
            runsOn: "ubuntu-24.04",
          });
        }
      }
    }
  });

  test("every checkout leaves no token behind in the work tree", () => {
    const checkouts = stepsUsing("actions/checkout");
    expect(checkouts.length).toBeGreaterThan(0);
    for (const { step } of checkouts) {
      expect(record(step["with"], "with")["persist-credentials"]).toBe(false);
    }
  });

  test("Node is 22 with the npm cache, and Bun comes from package.json or setup-bun at the same version", () => {
    for (const { step } of stepsUsing("actions/setup-node")) {
      expect(record(step["with"], "with")).toEqual({ "node-version": 22, cache: "npm" });
    }
    for (const { step } of stepsUsing("oven-sh/setup-bun")) {
      expect(String(record(step["with"], "with")["bun-version"])).toBe(String(PACKAGE.devDependencies["bun"]));
    }
    const installs = RUN_STEPS.filter(({ step }) => String(step["run"]).startsWith("npm "));
    expect(installs.length).toBeGreaterThan(0);
    for (const { step } of installs) {
      expect(String(step["run"])).toStartWith("npm ci ");
    }
  });

  test("CI caches Bun's install cache keyed by the Bun version it installed", () => {
    const [cache, ...more] = stepsUsing("actions/cache").filter(({ file }) => file === "ci.yml");
    expect(more).toEqual([]);
    const inputs = record(cache?.step["with"], "cache with");
    expect(inputs["path"]).toBe("~/.bun/install/cache");
    expect(String(inputs["key"])).toContain("${{ steps.bun.outputs.version }}");
    expect(runs("ci.yml", "build")).toContain('echo "version=$(bun --version)" >> "$GITHUB_OUTPUT"');
  });

  test("CI type-checks, lints, builds, tests with qemu for arm64, and publishes the tables and packages", () => {
    const commands = runs("ci.yml", "build");
    const order = [
      "npm ci --no-audit --no-fund",
      commands.find((run) => run.includes("qemu-user-static") && run.includes("libc6-arm64-cross")),
      "bun run check",
      "bun run lint",
      "bun run build",
      "bun test",
      "bun run invoke --arch both --event test/fixtures/ship/launch-request.json",
      "bun run src/dev/ship/size-summary.ts",
      "bun run compare",
      "bun run src/dev/ship/sha256sums.ts",
    ];
    expect(commands.filter((run) => order.includes(run))).toEqual(
      order.filter((run): run is string => run !== undefined),
    );
    const [upload] = stepsUsing("actions/upload-artifact").filter((step) => step.file === "ci.yml");
    const uploadWith = record(upload?.step["with"], "upload with");
    expect(String(uploadWith["path"]).trim().split("\n")).toEqual([
      "dist/lambda-x86_64.zip",
      "dist/lambda-arm64.zip",
      "dist/manifest.json",
      "dist/SHA256SUMS",
    ]);
    expect(uploadWith["name"]).toBe("lambda-packages");
    expect(uploadWith["if-no-files-found"]).toBe("error");
  });

  test("CI runs on pushes to main, pull requests, and as the build of releases and deploys", () => {
    const on = record(workflow("ci.yml")["on"], "on");
    expect(Object.keys(on).sort()).toEqual(["pull_request", "push", "workflow_call"]);
    expect(record(workflow("release.yml")["on"], "on")).toEqual({ push: { tags: ["v*"] } });
    expect(job("release.yml", "build")["uses"]).toBe("./.github/workflows/ci.yml");
    expect(job("deploy.yml", "build")["uses"]).toBe("./.github/workflows/ci.yml");
  });

  test("CI builds Dockerfile.cross and answers a launch request from both run images", () => {
    const docker = job("ci.yml", "docker");
    expect(record(record(docker["strategy"], "strategy")["matrix"], "matrix")["platform"]).toEqual(["amd64", "arm64"]);
    const commands = runs("ci.yml", "docker");
    expect(commands).toContain("docker buildx build -f Dockerfile.cross --output dist .");
    expect(commands).toContain("bun run src/dev/ship/sha256sums.ts --check-only");
    expect(commands.some((run) => run.includes("--target run") && run.includes('--platform "linux/$PLATFORM"'))).toBe(
      true,
    );
    expect(commands.some((run) => run.startsWith("docker run") && run.includes("-p 9000:8080"))).toBe(true);
    expect(commands.some((run) => run.startsWith("bun run src/dev/ship/rie-invoke.ts"))).toBe(true);
  });

  test("the release checks the checksums, attests both zips and publishes four assets with gh", () => {
    const commands = runs("release.yml", "release");
    expect(commands).toContain("sha256sum --check --strict SHA256SUMS");
    const [attest] = stepsUsing("actions/attest-build-provenance");
    expect(String(record(attest?.step["with"], "attest with")["subject-path"]).trim().split("\n")).toEqual([
      "dist/lambda-x86_64.zip",
      "dist/lambda-arm64.zip",
    ]);
    const create = commands.find((run) => run.startsWith("gh release create"));
    expect(create).toBeDefined();
    for (const asset of ["dist/lambda-x86_64.zip", "dist/lambda-arm64.zip", "dist/manifest.json", "dist/SHA256SUMS"]) {
      expect(create).toContain(asset);
    }
    expect(STEPS.some(({ step }) => String(step["uses"] ?? "").startsWith("softprops/"))).toBe(false);
  });

  test("the deploy takes an architecture and an environment and deploys each architecture with the tested script", () => {
    const inputs = record(
      record(record(workflow("deploy.yml")["on"], "on")["workflow_dispatch"], "dispatch")["inputs"],
      "inputs",
    );
    expect(record(inputs["architecture"], "architecture")).toMatchObject({
      type: "choice",
      options: ["both", "x86_64", "arm64"],
    });
    expect(record(inputs["environment"], "environment")).toMatchObject({ type: "environment", required: true });
    const deploy = job("deploy.yml", "deploy");
    expect(deploy["environment"]).toBe("${{ inputs.environment }}");
    expect(record(record(deploy["strategy"], "strategy")["matrix"], "matrix")["arch"]).toBe(
      "${{ fromJSON(inputs.architecture == 'both' && '[\"x86_64\",\"arm64\"]' || format('[\"{0}\"]', inputs.architecture)) }}",
    );
    expect(runs("deploy.yml", "deploy")).toContain(
      'bun run src/dev/ship/deploy.ts --arch "$ARCH" --function "$FUNCTION_NAME" --alias live --log-out "reports/$ARCH.log"',
    );
    expect(runs("deploy.yml", "compare")).toContain("bun run compare --logs reports/x86_64.log reports/arm64.log");
    expect(job("deploy.yml", "compare")["if"]).toBe("inputs.architecture == 'both'");
  });

  test("AWS access is OIDC with a role from a repository variable, never stored keys", () => {
    const everything = [...SOURCES.values()].join("\n");
    expect(everything).not.toMatch(
      /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws-access-key-id|aws-secret-access-key|aws-session-token/i,
    );
    expect(everything).not.toMatch(/secrets\./);
    const credentials = stepsUsing("aws-actions/configure-aws-credentials");
    expect(credentials.map(({ file, job: name }) => `${file} ${name}`)).toEqual(["deploy.yml deploy"]);
    expect(record(credentials[0]?.step["with"], "with")).toEqual({
      "role-to-assume": "${{ vars.AWS_ROLE_ARN }}",
      "aws-region": "${{ vars.AWS_REGION }}",
      "role-session-name": "london-travel-deploy-${{ github.run_id }}",
    });
  });

  test("shell steps are one short line and never expand an expression inline", () => {
    expect(RUN_STEPS.length).toBeGreaterThan(20);
    for (const { file, job: name, step } of RUN_STEPS) {
      const run = String(step["run"]).trimEnd();
      const where = `${file} ${name}: ${run}`;
      expect({ where, lines: run.split("\n").length }).toEqual({ where, lines: 1 });
      expect({ where, short: run.length <= 200 }).toEqual({ where, short: true });
      expect({ where, inline: run.includes("${{") }).toEqual({ where, inline: false });
    }
  });

  test("every `bun run` names a package.json script or a file in the repository", async () => {
    const targets = RUN_STEPS.flatMap(({ step }) =>
      [...String(step["run"]).matchAll(/\bbun run ([\w./:-]+)/g)].map((match) => match[1] ?? ""),
    );
    expect(targets.length).toBeGreaterThan(10);
    for (const target of new Set(targets)) {
      const known =
        target in PACKAGE.scripts || (target.includes("/") && (await Bun.file(join(ROOT, target)).exists()));
      expect({ target, known }).toEqual({ target, known: true });
    }
  });
});
