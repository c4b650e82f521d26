import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkSsml,
  main,
  spokenText,
  verifyInvokeOutput,
  verifyLaunchResponse,
} from "../../../src/dev/ship/verify-launch-response.ts";
import { ALEXA_RESPONSE_BUDGET_BYTES } from "../../../src/skill/index.ts";
import { captureIo } from "../helpers/capture-io.ts";

const FIXTURE = join(import.meta.dir, "../../fixtures/ship/launch-response.json");
const VALID = (await Bun.file(FIXTURE).json()) as Record<string, unknown>;
const TEMP = await mkdtemp(join(tmpdir(), "ship-verify-"));

afterAll(() => rm(TEMP, { recursive: true, force: true }));

/** The valid answer with one field of `response` replaced (undefined removes it). */
function withResponse(field: string, value: unknown): unknown {
  const copy = structuredClone(VALID) as { response: Record<string, unknown> };
  if (value === undefined) {
    delete copy.response[field];
  } else {
    copy.response[field] = value;
  }
  return copy;
}

const ssml = (text: string): unknown => ({ type: "SSML", ssml: text });

describe("verifyLaunchResponse", () => {
  test("accepts our recorded launch answer", () => {
    expect(verifyLaunchResponse(VALID)).toEqual({ ok: true, problems: [] });
  });

  test.each([
    ["a session that ends", withResponse("shouldEndSession", true), "response.shouldEndSession"],
    ["a missing shouldEndSession", withResponse("shouldEndSession", undefined), "response.shouldEndSession"],
    [
      "plain text speech",
      withResponse("outputSpeech", { type: "PlainText", text: "Hello" }),
      "response.outputSpeech.type",
    ],
    ["no reprompt", withResponse("reprompt", undefined), "response.reprompt"],
    ["an unknown card type", withResponse("card", { type: "Fancy" }), "response.card.type"],
    ["speech without <speak>", withResponse("outputSpeech", ssml("Hello there")), "must start with <speak>"],
    ["an unclosed tag", withResponse("outputSpeech", ssml("<speak><p>Hello</speak>")), "closes <speak>"],
    [
      "a tag left open",
      withResponse("outputSpeech", ssml("<speak><p>Hello")),
      "must start with <speak> and end with </speak>",
    ],
    ["a bare ampersand", withResponse("outputSpeech", ssml("<speak>Hammersmith & City</speak>")), 'bare "&"'],
    ["a bare less-than", withResponse("outputSpeech", ssml("<speak>a < b</speak>")), "does not start a tag"],
    ["nothing to say", withResponse("outputSpeech", ssml('<speak><break time="1s"/></speak>')), "no words to say"],
    [
      "an empty reprompt",
      withResponse("reprompt", { outputSpeech: ssml("<speak> </speak>") }),
      "reprompt.outputSpeech.ssml has no words",
    ],
  ])("refuses %s", (_title, payload, expected) => {
    const verdict = verifyLaunchResponse(payload);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.join("\n")).toContain(expected);
  });

  test("refuses another response version", () => {
    expect(verifyLaunchResponse({ ...VALID, version: "2.0" }).problems.join("\n")).toContain("version");
  });

  test("refuses speech of 8,000 characters or more (the skill keeps under 8,000)", () => {
    const long = `<speak>${"Mind the gap. ".repeat(600)}</speak>`;
    expect(verifyLaunchResponse(withResponse("outputSpeech", ssml(long))).problems.join("\n")).toContain(
      "at most 7999",
    );
  });

  test("refuses a response over Alexa's 24 KB", () => {
    const big = withResponse("card", { type: "Standard", title: "t", text: "x".repeat(ALEXA_RESPONSE_BUDGET_BYTES) });
    expect(verifyLaunchResponse(big).problems.join("\n")).toContain(`at most ${ALEXA_RESPONSE_BUDGET_BYTES}`);
  });

  test("names the Lambda error when the function failed instead of answering", () => {
    const verdict = verifyLaunchResponse({
      errorType: "SkillIdMismatchError",
      errorMessage: "the request is for another skill",
    });
    expect(verdict.problems).toEqual([
      "the function answered with an error instead of a response (SkillIdMismatchError: the request is for another skill)",
    ]);
  });

  test.each([
    [undefined, "there is no response"],
    ["Task timed out", "not a JSON object"],
    [[1, 2], "not a JSON object"],
  ])("refuses %p", (payload, expected) => {
    expect(verifyLaunchResponse(payload).problems.join("\n")).toContain(expected);
  });
});

describe("checkSsml", () => {
  test.each([
    "<speak>Good service on the D.L.R.</speak>",
    "<speak><p>One</p><s>Two &amp; three</s></speak>",
    '<speak><say-as interpret-as="characters">TfL</say-as><break time="500ms"/></speak>',
    "<speak>It&apos;s &#8217;fine&#x2019;</speak>",
  ])("accepts %s", (text) => {
    expect(checkSsml(text, "speech")).toEqual([]);
  });

  test("reports where the problem is", () => {
    expect(checkSsml("<speak><p>a</s></speak>", "speech")).toEqual([
      "speech closes <s> at character 11 but <p> is open",
    ]);
  });
});

describe("verifyInvokeOutput", () => {
  test("accepts a 200 from the expected version", () => {
    expect(verifyInvokeOutput({ StatusCode: 200, ExecutedVersion: "7" }, "7")).toEqual({ ok: true, problems: [] });
  });

  test("lists every problem of a failed invocation", () => {
    expect(
      verifyInvokeOutput({ StatusCode: 500, FunctionError: "Unhandled", ExecutedVersion: "$LATEST" }, "7").problems,
    ).toEqual([
      "the invocation returned status 500, not 200",
      "the function failed (FunctionError: Unhandled)",
      "version $LATEST ran, not version 7",
    ]);
  });

  test("refuses output that is not from aws lambda invoke", () => {
    expect(verifyInvokeOutput({ hello: "world" }).ok).toBe(false);
  });
});

describe("spokenText", () => {
  test("is what Alexa would say, without the markup", () => {
    expect(spokenText(VALID)).toContain("Hello from London Travel.");
    expect(spokenText(VALID)).not.toContain("<");
  });
});

describe("verify-launch-response CLI", () => {
  test("prints the speech and exits 0 for a valid answer", async () => {
    const captured = captureIo();
    expect(await main([FIXTURE], captured.io)).toBe(0);
    expect(captured.out.join("")).toStartWith("✓ valid launch response: “Hello from London Travel.");
  });

  test("exits 1 and lists the problems of an invalid answer", async () => {
    const path = join(TEMP, "bad.json");
    await Bun.write(path, JSON.stringify(withResponse("shouldEndSession", true)));
    const captured = captureIo();
    expect(await main([path], captured.io)).toBe(1);
    expect(captured.err.join("")).toContain("response.shouldEndSession");
  });

  test("checks aws lambda invoke's output and version when given", async () => {
    const dir = TEMP;
    await Bun.write(join(dir, "meta.json"), JSON.stringify({ StatusCode: 200, ExecutedVersion: "3" }));
    const captured = captureIo();
    expect(await main(["--invoke-output", join(dir, "meta.json"), "--version", "4", FIXTURE], captured.io)).toBe(1);
    expect(captured.err.join("")).toContain("version 3 ran, not version 4");
  });

  test.each([[[]], [["a.json", "b.json"]], [["--version", "3", "a.json"]], [["--nope"]]])(
    "exits 2 with the usage for %p",
    async (argv) => {
      const captured = captureIo();
      expect(await main(argv, captured.io)).toBe(2);
      expect(captured.err.join("")).toContain("Usage: bun run src/dev/ship/verify-launch-response.ts");
    },
  );

  test("prints its help", async () => {
    const captured = captureIo();
    expect(await main(["--help"], captured.io)).toBe(0);
    expect(captured.out.join("")).toContain("--invoke-output PATH");
  });
});
