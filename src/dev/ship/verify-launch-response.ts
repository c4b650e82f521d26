/**
 * Decides whether a function's answer to a LaunchRequest is one Alexa would speak: version 1.0, SSML
 * speech and reprompt that are well-formed, the session kept open (README, Decisions D10), inside Alexa's size
 * limits. Used after every deploy, against the RIE container in CI, and by hand.
 */
import * as v from "valibot";
import { ALEXA_RESPONSE_BUDGET_BYTES, MAX_SSML_LENGTH } from "../../skill/index.ts";
import { renderSsmlAsText } from "../base/ssml-text.ts";
import { processIo, runShipCli, ShipError, UsageError, type CliIo } from "./cli.ts";

/** The result of a check: every problem found, so one run shows them all. */
export interface Verdict {
  readonly ok: boolean;
  readonly problems: readonly string[];
}

const SsmlSpeechSchema = v.looseObject({
  type: v.literal("SSML"),
  ssml: v.string(),
});

/** The parts of an Alexa response a launch answer must have. */
const LaunchResponseSchema = v.looseObject({
  version: v.literal("1.0"),
  response: v.looseObject({
    outputSpeech: SsmlSpeechSchema,
    reprompt: v.looseObject({ outputSpeech: SsmlSpeechSchema }),
    shouldEndSession: v.literal(false),
    card: v.optional(
      v.looseObject({
        type: v.picklist(["Simple", "Standard", "LinkAccount"]),
      }),
    ),
  }),
});

/** What `aws lambda invoke` prints about the invocation itself (the payload goes to a file). */
const InvokeOutputSchema = v.looseObject({
  StatusCode: v.number(),
  FunctionError: v.optional(v.string()),
  ExecutedVersion: v.optional(v.string()),
  LogResult: v.optional(v.string()),
});

const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
const TAG = /^<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/;

/**
 * Problems with one SSML document: it must be `<speak>…</speak>`, every tag closed in order, every `&`
 * an entity, some words to say, at most {@link MAX_SSML_LENGTH} characters. `where` prefixes messages.
 */
export function checkSsml(ssml: string, where: string): string[] {
  const problems: string[] = [];
  if (!ssml.startsWith("<speak>") || !ssml.endsWith("</speak>")) {
    problems.push(`${where} must start with <speak> and end with </speak>`);
  }
  if (ssml.length > MAX_SSML_LENGTH) {
    problems.push(`${where} has ${ssml.length} characters; Alexa accepts at most ${MAX_SSML_LENGTH}`);
  }
  const open: string[] = [];
  let text = "";
  let index = 0;
  while (index < ssml.length) {
    const rest = ssml.slice(index);
    const char = ssml[index];
    if (char === "<") {
      const tag = TAG.exec(rest);
      if (tag === null) {
        problems.push(`${where} has a "<" that does not start a tag at character ${index}`);
        break;
      }
      const [whole, closing, name, , selfClosing] = tag;
      if (closing === "/") {
        const expected = open.pop();
        if (expected !== name) {
          problems.push(
            `${where} closes <${name ?? ""}> at character ${index} but ${expected === undefined ? "nothing is open" : `<${expected}> is open`}`,
          );
          break;
        }
      } else if (selfClosing !== "/" && name !== undefined) {
        open.push(name);
      }
      index += whole.length;
    } else if (char === "&") {
      const entity = ENTITY.exec(rest);
      if (entity === null) {
        problems.push(`${where} has a bare "&" at character ${index}; it must be escaped as &amp;`);
        break;
      }
      text += " ";
      index += entity[0].length;
    } else if (char === ">") {
      problems.push(`${where} has a bare ">" at character ${index}`);
      break;
    } else {
      text += char;
      index += 1;
    }
  }
  if (problems.length === 0 && open.length > 0) {
    problems.push(`${where} leaves <${open.join(">, <")}> open`);
  }
  if (problems.length === 0 && text.trim() === "") {
    problems.push(`${where} has no words to say`);
  }
  return problems;
}

/** Checks a launch answer; see the module comment for the rules. */
export function verifyLaunchResponse(payload: unknown): Verdict {
  const failure = describeFunctionError(payload);
  if (failure !== undefined) {
    return { ok: false, problems: [failure] };
  }
  const parsed = v.safeParse(LaunchResponseSchema, payload);
  if (!parsed.success) {
    const problems = parsed.issues.map((issue) => `${v.getDotPath(issue) ?? "response"}: ${issue.message}`);
    return { ok: false, problems };
  }
  const { response } = parsed.output;
  const problems = [
    ...checkSsml(response.outputSpeech.ssml, "response.outputSpeech.ssml"),
    ...checkSsml(response.reprompt.outputSpeech.ssml, "response.reprompt.outputSpeech.ssml"),
  ];
  const bytes = new TextEncoder().encode(JSON.stringify(payload)).length;
  if (bytes > ALEXA_RESPONSE_BUDGET_BYTES) {
    problems.push(`the response is ${bytes} bytes; Alexa accepts at most ${ALEXA_RESPONSE_BUDGET_BYTES}`);
  }
  return { ok: problems.length === 0, problems };
}

/** Problems with `aws lambda invoke`'s own output: not 200, a FunctionError, or another version ran. */
export function verifyInvokeOutput(output: unknown, expectedVersion?: string): Verdict {
  const parsed = v.safeParse(InvokeOutputSchema, output);
  if (!parsed.success) {
    return { ok: false, problems: ["aws lambda invoke printed no StatusCode; is this its output?"] };
  }
  const problems: string[] = [];
  if (parsed.output.StatusCode !== 200) {
    problems.push(`the invocation returned status ${parsed.output.StatusCode}, not 200`);
  }
  if (parsed.output.FunctionError !== undefined) {
    problems.push(`the function failed (FunctionError: ${parsed.output.FunctionError})`);
  }
  if (expectedVersion !== undefined && parsed.output.ExecutedVersion !== expectedVersion) {
    problems.push(`version ${parsed.output.ExecutedVersion ?? "(none)"} ran, not version ${expectedVersion}`);
  }
  return { ok: problems.length === 0, problems };
}

/** What Alexa would say, for logs: the speech as plain text. */
export function spokenText(payload: unknown): string {
  const parsed = v.safeParse(LaunchResponseSchema, payload);
  return parsed.success ? renderSsmlAsText(parsed.output.response.outputSpeech.ssml) : "";
}

/** Lambda's error body (`errorType`, `errorMessage`) instead of a response, as one sentence. */
function describeFunctionError(payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return payload === undefined ? "there is no response" : "the response is not a JSON object";
  }
  const record = payload as Record<string, unknown>;
  if (!("errorType" in record) && !("errorMessage" in record)) {
    return undefined;
  }
  const type = typeof record["errorType"] === "string" ? record["errorType"] : "unknown error";
  const message = typeof record["errorMessage"] === "string" ? `: ${record["errorMessage"]}` : "";
  return `the function answered with an error instead of a response (${type}${message})`;
}

/** Printed by `--help` and after a usage error. */
const VERIFY_USAGE = `Usage: bun run src/dev/ship/verify-launch-response.ts [options] RESPONSE_JSON

Checks that RESPONSE_JSON, a function's answer to a LaunchRequest, is an Alexa response: version 1.0,
well-formed SSML speech and reprompt, the session kept open, inside Alexa's size limits. Prints what
Alexa would say, or every problem and exits 1.

Options:
  --invoke-output PATH   also check \`aws lambda invoke\`'s own output: status 200, no FunctionError
  --version N            and that version N ran (with --invoke-output)
  -h, --help             this text`;

/** The CLI: reads the files, prints the verdict, returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  return runShipCli(
    {
      argv,
      io,
      usage: VERIFY_USAGE,
      options: { "invoke-output": { type: "string" }, version: { type: "string" } },
      allowPositionals: true,
    },
    async ({ values, positionals }) => {
      const [responsePath, ...extra] = positionals;
      if (responsePath === undefined || extra.length > 0) {
        throw new UsageError("give exactly one response file");
      }
      if (values.version !== undefined && values["invoke-output"] === undefined) {
        throw new UsageError("--version needs --invoke-output");
      }
      const problems: string[] = [];
      if (values["invoke-output"] !== undefined) {
        problems.push(...verifyInvokeOutput(await readJson(values["invoke-output"]), values.version).problems);
      }
      const payload = await readJson(responsePath);
      problems.push(...verifyLaunchResponse(payload).problems);
      if (problems.length > 0) {
        throw new ShipError(`not a valid launch response:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
      }
      io.out(`✓ valid launch response: “${spokenText(payload)}”`);
      return 0;
    },
  );
}

async function readJson(path: string): Promise<unknown> {
  const file = Bun.file(path);
  if (!(await file.exists())) {
    throw new ShipError(`${path} does not exist`);
  }
  const text = await file.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ShipError(`${path} is not JSON: ${text.slice(0, 200)}`);
  }
}

if (import.meta.main) {
  process.exitCode = await main(Bun.argv.slice(2), processIo());
}
