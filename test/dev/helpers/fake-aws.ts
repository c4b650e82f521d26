/**
 * A stand-in for the AWS CLI's `lambda` commands the deploy uses, keeping one function's state: its
 * code digest, versions and alias. Invocations answer with whatever `answer` returns, and a log tail
 * that ends in a REPORT line, as `--log-type Tail` does. Unknown commands fail the test loudly.
 */
import { expect } from "bun:test";
import type { CommandResult, RunAws } from "../../../src/dev/ship/deploy.ts";

/** What the fake Lambda function does; tests change one field per case. */
export interface FakeFunction {
  /** The CodeSha256 Lambda reports after an upload; undefined means "the digest of what was sent". */
  storedSha?: string | undefined;
  /** Overrides the architectures Lambda reports. */
  architectures?: string[] | undefined;
  latestVersion: number;
  alias: { version: string; revision: string } | undefined;
  /** get-alias fails with this stderr (e.g. an access error) instead of answering. */
  aliasError?: string | undefined;
  /** The payload for an event; the default is set by the test. */
  answer: (event: unknown, invocation: number) => unknown;
  functionError?: string | undefined;
  executedVersion?: string | undefined;
  /** Commands (e.g. "publish-version") that exit 255 with an AWS error. */
  failing?: Set<string> | undefined;
}

/** The fake's record of calls, for assertions. */
export interface FakeAws {
  readonly aws: RunAws;
  readonly calls: string[][];
  readonly events: unknown[];
}

const ok = (value: unknown): CommandResult => ({ exitCode: 0, stdout: JSON.stringify(value), stderr: "" });

function option(args: readonly string[], name: string): string {
  const index = args.indexOf(name);
  const value = index >= 0 ? args[index + 1] : undefined;
  if (value === undefined) {
    throw new Error(`fake aws: ${args[1]} without ${name}`);
  }
  return value;
}

/** A REPORT line as Lambda writes it; the first invocation of a version carries an init duration. */
export function reportLine(requestId: string, invocation: number): string {
  const init = invocation === 1 ? "\tInit Duration: 38.42 ms" : "";
  return `REPORT RequestId: ${requestId}\tDuration: ${(1.5 + invocation).toFixed(2)} ms\tBilled Duration: ${invocation === 1 ? 41 : 3} ms\tMemory Size: 256 MB\tMax Memory Used: 48 MB${init}`;
}

/** Builds the fake over a file store (a Map in unit tests, the disk for the CLI test). */
export function createFakeAws(
  fn: FakeFunction,
  files: { read: (path: string) => Promise<string>; write: (path: string, text: string) => Promise<void> },
): FakeAws {
  const calls: string[][] = [];
  const events: unknown[] = [];
  let invocations = 0;
  const aws: RunAws = async (args) => {
    calls.push([...args]);
    const [service, command] = args;
    if (service !== "lambda" || command === undefined) {
      throw new Error(`fake aws: unexpected command ${args.join(" ")}`);
    }
    if (fn.failing?.has(command) === true) {
      return {
        exitCode: 255,
        stdout: "",
        stderr: `An error occurred (ServiceException) when calling ${command}: boom`,
      };
    }
    switch (command) {
      case "update-function-code": {
        const zip = option(args, "--zip-file");
        expect(zip.startsWith("fileb://")).toBe(true);
        return ok({
          FunctionName: option(args, "--function-name"),
          CodeSha256: fn.storedSha ?? "uploaded",
          Architectures: fn.architectures ?? [option(args, "--architectures")],
          Version: "$LATEST",
          LastUpdateStatus: "InProgress",
        });
      }
      case "wait":
        return { exitCode: 0, stdout: "", stderr: "" };
      case "publish-version":
        fn.latestVersion += 1;
        return ok({ Version: String(fn.latestVersion), CodeSha256: option(args, "--code-sha256") });
      case "invoke": {
        invocations += 1;
        const payloadPath = option(args, "--payload").replace(/^fileb:\/\//, "");
        const event = JSON.parse(await files.read(payloadPath)) as unknown;
        events.push(event);
        const responsePath = args.at(-1) ?? "";
        await files.write(responsePath, JSON.stringify(fn.answer(event, invocations)));
        const requestId = `req-${invocations}`;
        const log = `START RequestId: ${requestId} Version: ${option(args, "--qualifier")}\n{"level":"info","event":"launch"}\nEND RequestId: ${requestId}\n${reportLine(requestId, invocations)}\n`;
        return ok({
          StatusCode: 200,
          ...(fn.functionError === undefined ? {} : { FunctionError: fn.functionError }),
          ExecutedVersion: fn.executedVersion ?? option(args, "--qualifier"),
          LogResult: Buffer.from(log).toString("base64"),
        });
      }
      case "get-alias":
        if (fn.aliasError !== undefined) {
          return { exitCode: 254, stdout: "", stderr: fn.aliasError };
        }
        return fn.alias === undefined
          ? {
              exitCode: 254,
              stdout: "",
              stderr:
                "An error occurred (ResourceNotFoundException) when calling the GetAlias operation: Alias not found",
            }
          : ok({ Name: option(args, "--name"), FunctionVersion: fn.alias.version, RevisionId: fn.alias.revision });
      case "update-alias":
        expect(option(args, "--revision-id")).toBe(fn.alias?.revision ?? "");
        fn.alias = { version: option(args, "--function-version"), revision: "after-update" };
        return ok({ FunctionVersion: fn.alias.version });
      case "create-alias":
        fn.alias = { version: option(args, "--function-version"), revision: "after-create" };
        return ok({ FunctionVersion: fn.alias.version });
      default:
        throw new Error(`fake aws: unexpected command ${args.join(" ")}`);
    }
  };
  return { aws, calls, events };
}
