import { expect, test } from "bun:test";
import { DEFAULT_OUT_FILE, parseBenchArgs, type BenchCommand } from "../../../src/dev/bench/args.ts";
import { UsageError } from "../../../src/dev/base/cli-support.ts";

const full = {
  kind: "run",
  starts: 20,
  coldStarts: 20,
  invocations: 1_000,
  soakInvocations: 10_000,
  quick: false,
  measureBuild: true,
  outFile: DEFAULT_OUT_FILE,
  distDir: "dist",
  dryRun: false,
} as const;

test.each<[string, string[], BenchCommand]>([
  ["no arguments run the full bench", [], full],
  ["--help asks for the usage", ["--help"], { kind: "help" }],
  ["-h asks for the usage even with other options", ["--quick", "-h"], { kind: "help" }],
  ["--dry-run plans without running", ["--dry-run"], { ...full, dryRun: true }],
  [
    "--quick shrinks every count and skips the build timing",
    ["--quick"],
    { ...full, quick: true, measureBuild: false, starts: 3, coldStarts: 2, invocations: 50, soakInvocations: 1_200 },
  ],
  [
    "--quick keeps explicit counts",
    ["--quick", "--starts", "5"],
    { ...full, quick: true, measureBuild: false, starts: 5, coldStarts: 2, invocations: 50, soakInvocations: 1_200 },
  ],
  [
    "--starts sets the cold starts too when they are not given",
    ["--starts", "30"],
    { ...full, starts: 30, coldStarts: 30 },
  ],
  ["--cold-starts 0 skips the cold starts", ["--cold-starts", "0"], { ...full, coldStarts: 0 }],
  [
    "--invocations and --soak set their counts",
    ["--invocations=200", "--soak", "3000"],
    { ...full, invocations: 200, soakInvocations: 3_000 },
  ],
  [
    "--profile runs the profiler instead, 2,000 requests by default",
    ["--profile"],
    { kind: "profile", invocations: 2_000, distDir: "dist" },
  ],
  [
    "--profile takes --invocations as its request count",
    ["--profile", "--invocations", "500"],
    { kind: "profile", invocations: 500, distDir: "dist" },
  ],
  [
    "--out and --dist set the paths, without a trailing slash",
    ["--out", "bench/results.json", "--dist", "build/"],
    { ...full, outFile: "bench/results.json", distDir: "build" },
  ],
])("%s", (_title, argv, expected) => {
  expect(parseBenchArgs(argv)).toEqual(expected);
});

test.each<[string, string[], string]>([
  ["an unknown option", ["--fast"], "Unknown option"],
  ["a positional argument", ["now"], 'unexpected argument "now"'],
  ["a count that is not a whole number", ["--starts", "ten"], '--starts must be a whole number, not "ten"'],
  ["no starts at all", ["--starts", "0"], "--starts must be between 1 and 1000, not 0"],
  ["a soak too short to show a trend", ["--soak", "5"], "--soak must be between 10 and 1000000, not 5"],
])("refuses %s", (_title, argv, message) => {
  expect(() => parseBenchArgs(argv)).toThrow(UsageError);
  expect(() => parseBenchArgs(argv)).toThrow(message);
});
