import { expect, test } from "bun:test";
import { join } from "node:path";

const BUILD_TS = join(import.meta.dir, "../../../build.ts");

/** Runs `bun run build.ts` with arguments that never compile anything. */
async function runBuildTs(args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = Bun.spawn([process.execPath, "run", BUILD_TS, ...args], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { exitCode, stdout, stderr };
}

test("prints the plan and exits 0 on --dry-run", async () => {
  const { exitCode, stdout, stderr } = await runBuildTs(["--dry-run", "--arch", "arm64"]);
  expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
  expect(stdout).toStartWith("build plan for arm64 (dry run: nothing is written)\n1. compile arm64\n");
  expect(stdout).toContain(`${process.execPath} build src/main.ts --compile --target=bun-linux-arm64 `);
});

test("prints the usage and exits 0 on --help", async () => {
  const { exitCode, stdout } = await runBuildTs(["--help"]);
  expect(exitCode).toBe(0);
  expect(stdout).toStartWith("Usage: bun run build.ts [options]\n");
});

test.each([
  [["--arch", "x64"], 'error: --arch must be x86_64 or arm64, not "x64"'],
  [["--verbose"], "error: unknown option --verbose"],
  [["publish"], 'error: unknown command "publish"'],
])("refuses %p with exit code 2, the reason and the usage", async (args, reason) => {
  const { exitCode, stdout, stderr } = await runBuildTs(args);
  expect({ exitCode, stdout }).toEqual({ exitCode: 2, stdout: "" });
  expect(stderr).toStartWith(`${reason}\n\nUsage: bun run build.ts [options]\n`);
});
