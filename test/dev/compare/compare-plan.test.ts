import { expect, test } from "bun:test";
import { UsageError } from "../../../src/dev/base/cli-support.ts";
import { parseCompareArgs, type CompareCommand } from "../../../src/dev/compare/compare-plan.ts";

test.each<[string[], CompareCommand]>([
  [
    [],
    {
      command: "local",
      coldStarts: 5,
      warmInvocations: 20,
      line: "victoria",
      memorySizeMb: 512,
      distDir: "dist",
      json: false,
      dryRun: false,
    },
  ],
  [
    [
      "--local",
      "--cold",
      "2",
      "--warm",
      "0",
      "--line",
      "jubilee",
      "--memory",
      "1024",
      "--dist",
      "out",
      "--json",
      "--dry-run",
    ],
    {
      command: "local",
      coldStarts: 2,
      warmInvocations: 0,
      line: "jubilee",
      memorySizeMb: 1024,
      distDir: "out",
      json: true,
      dryRun: true,
    },
  ],
  [
    ["--logs", "x86.log", "arm.log"],
    { command: "logs", x86Log: "x86.log", armLog: "arm.log", json: false, dryRun: false },
  ],
  [
    ["x86.log", "--logs", "arm.log", "--json"],
    { command: "logs", x86Log: "x86.log", armLog: "arm.log", json: true, dryRun: false },
  ],
  [["--help"], { command: "help" }],
])("reads the arguments %j", (argv, command) => {
  expect(parseCompareArgs(argv)).toEqual(command);
});

test.each([
  [["--logs", "x86.log"], "--logs takes exactly two files: the x86_64 log, then the arm64 log"],
  [["--logs", "a", "b", "c"], "--logs takes exactly two files: the x86_64 log, then the arm64 log"],
  [["--logs", "--local", "a", "b"], "choose --local or --logs, not both"],
  [["--logs", "--cold", "3", "a", "b"], "--cold applies to local runs, not to --logs"],
  [["x86.log"], 'unexpected argument "x86.log" (log files go after --logs)'],
  [["--cold", "0"], "--cold must be between 1 and 1000, not 0"],
  [["--warm=-1"], '--warm must be a whole number, not "-1"'],
  [["--fast"], "Unknown option '--fast'"],
])("refuses the arguments %j", (argv, message) => {
  expect(() => parseCompareArgs(argv)).toThrow(UsageError);
  expect(() => parseCompareArgs(argv)).toThrow(message);
});
