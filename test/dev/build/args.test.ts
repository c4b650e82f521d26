import { expect, test } from "bun:test";
import { BUILD_USAGE, UsageError, parseBuildArgs } from "../../../src/dev/build/index.ts";

test.each([
  [[], { kind: "build", archs: ["x86_64", "arm64"], dryRun: false }],
  [["--dry-run"], { kind: "build", archs: ["x86_64", "arm64"], dryRun: true }],
  [["--arch", "x86_64"], { kind: "build", archs: ["x86_64"], dryRun: false }],
  [["--arch=arm64"], { kind: "build", archs: ["arm64"], dryRun: false }],
  [["--arch", "arm64", "--arch", "x86_64"], { kind: "build", archs: ["x86_64", "arm64"], dryRun: false }],
  [["--arch", "arm64", "--arch", "arm64", "--dry-run"], { kind: "build", archs: ["arm64"], dryRun: true }],
  [["--dry-run", "--arch", "arm64"], { kind: "build", archs: ["arm64"], dryRun: true }],
  [["model"], { kind: "model" }],
  [["--help"], { kind: "help" }],
  [["-h"], { kind: "help" }],
  [["--arch", "arm64", "--help"], { kind: "help" }],
  [["nonsense", "--help"], { kind: "help" }],
])("reads %p as %p", (argv, command) => {
  expect(parseBuildArgs(argv)).toEqual(command as ReturnType<typeof parseBuildArgs>);
});

test.each([
  [["--release"], "unknown option --release"],
  [["-x"], "unknown option -x"],
  [["--arch"], "--arch needs a value: x86_64 or arm64"],
  [["--arch="], "--arch needs a value: x86_64 or arm64"],
  [["--arch", "x64"], '--arch must be x86_64 or arm64, not "x64"'],
  [["--arch", "aarch64"], '--arch must be x86_64 or arm64, not "aarch64"'],
  [["--arch", "x86_64,arm64"], '--arch must be x86_64 or arm64, not "x86_64,arm64"'],
  [["--dry-run=yes"], "--dry-run takes no value"],
  [["--help=1"], "--help takes no value"],
  [["deploy"], 'unknown command "deploy"'],
  [["model", "extra"], 'unexpected argument "extra"'],
  [["model", "--dry-run"], "model takes no options"],
  [["model", "--arch", "arm64"], "model takes no options"],
])("refuses %p with a usage error saying %p", (argv, message) => {
  expect(() => parseBuildArgs(argv)).toThrow(new UsageError(message));
  try {
    parseBuildArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).name).toBe("UsageError");
  }
});

test("documents every flag and the model command in the usage text", () => {
  for (const word of ["--arch", "x86_64", "arm64", "--dry-run", "--help", "model"]) {
    expect(BUILD_USAGE).toContain(word);
  }
});
