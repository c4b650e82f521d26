/**
 * What Alexa says, word for word, through each compiled bootstrap (arm64 under qemu on an x86_64
 * host) against the Runtime API emulator and a TfL / skill API fake on 127.0.0.1 serving
 * test/fixtures/e2e/answers-tfl.json: good lines grouped into one sentence, a status TfL sent
 * without a reason, planned work that is not in effect now, and "Liverpool St." said as a street.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import recorded from "./fixtures/e2e/answers-tfl.json" with { type: "json" };
import type { Arch } from "../src/dev/base/arch.ts";
import { spawnBootstrap, type BootstrapProcess } from "../src/dev/base/bootstrap-process.ts";
import { binaryPath } from "../src/dev/base/builds.ts";
import { startRuntimeApiEmulator, type InvocationOutcome, type RuntimeApiEmulator } from "../src/dev/base/emulator.ts";
import { buildEvent, LOCAL_SKILL_ID, type EventKind, type EventOptions } from "../src/dev/base/events.ts";
import { startFakeBackends, type FakeBackends, type RecordedLine } from "../src/dev/base/fake-backends.ts";
import { DIST, skipReason } from "./dev/helpers/builds.ts";
import { startRunnable, stopServed } from "./dev/helpers/served-binaries.ts";

const ARCHS: readonly Arch[] = ["x86_64", "arm64"];
const FIXED_ID = "00000000-0000-4000-8000-000000000000";
const COMMUTE_TOKEN = "e2e-token-commute";

interface Answer {
  readonly name: string;
  readonly kind: EventKind;
  readonly options: EventOptions;
  /** The whole `response` Alexa receives: SSML as spoken, card as written. */
  readonly response: unknown;
}

function standard(ssml: string, title: string, text: string): unknown {
  return {
    outputSpeech: { type: "SSML", ssml },
    card: { type: "Standard", title, text },
    shouldEndSession: true,
  };
}

const ANSWERS: readonly Answer[] = [
  {
    name: "the Overground: one line without a reason, a delay at Liverpool St., planned work, three good lines",
    kind: "status",
    options: { line: "london overground" },
    response: standard(
      "<speak>" +
        "<p>The Mildmay line has minor delays.</p>" +
        "<p>Weaver line: Minor delays between Liverpool Street and Enfield Town while we fix a signal failure at Seven Sisters.</p>" +
        "<p>The Windrush line has a good service now. Planned: Saturday 28 and Sunday 29 November, no service between Dalston Junction and New Cross Gate. Replacement buses run.</p>" +
        "<p>The Liberty, Lioness and Suffragette lines have a good service.</p>" +
        "</speak>",
      "London Overground Status",
      [
        "The Mildmay line has minor delays.",
        "Weaver line: Minor delays between Liverpool St. and Enfield Town while we fix a signal failure at Seven Sisters.",
        "The Windrush line has a good service now. Planned: Saturday 28 and Sunday 29 November, no service between Dalston Junction and New Cross Gate. Replacement buses run.",
        "The Liberty, Lioness and Suffragette lines have a good service.",
      ].join("\n"),
    ),
  },
  {
    name: "one line with only planned work",
    kind: "status",
    options: { line: "victoria" },
    response: standard(
      "<speak>The Victoria line has a good service now. Planned: Sunday 29 November, no service between Seven Sisters and Walthamstow Central.</speak>",
      "Victoria Line Status",
      "The Victoria line has a good service now. Planned: Sunday 29 November, no service between Seven Sisters and Walthamstow Central.",
    ),
  },
  {
    name: "one Overground line whose status has no reason",
    kind: "status",
    options: { line: "mildmay" },
    response: standard(
      "<speak>The Mildmay line has minor delays.</speak>",
      "Mildmay line Status",
      "The Mildmay line has minor delays.",
    ),
  },
  {
    name: "the commute: a delay now with planned work later, planned work only, two good lines",
    kind: "commute",
    options: { accessToken: COMMUTE_TOKEN },
    response: standard(
      "<speak>" +
        "<p>Jubilee Line: Severe delays between Stratford and North Greenwich after an earlier signal failure.</p>" +
        "<p>The Victoria line has a good service now. Planned: Sunday 29 November, no service between Seven Sisters and Walthamstow Central.</p>" +
        "<p>The Central and Northern lines have a good service.</p>" +
        "</speak>",
      "Commute Status",
      [
        "Jubilee Line: Severe delays between Stratford and North Greenwich after an earlier signal failure.",
        "The Victoria line has a good service now. Planned: Sunday 29 November, no service between Seven Sisters and Walthamstow Central.",
        "The Central and Northern lines have a good service.",
      ].join("\n"),
    ),
  },
];

interface Run {
  readonly outcomes: InvocationOutcome[];
  readonly emulator: RuntimeApiEmulator;
  readonly process: BootstrapProcess;
}

const runs = new Map<Arch, Run>();
let backends: FakeBackends;

async function askEach(arch: Arch): Promise<Run> {
  const emulator = await startRuntimeApiEmulator({ timeoutMs: 20_000 });
  const process = spawnBootstrap({
    binary: binaryPath(DIST, arch),
    arch,
    runtimeApi: emulator.address,
    env: { SKILL_ID: LOCAL_SKILL_ID, TFL_API_URL: backends.url, SKILL_API_URL: backends.url },
  });
  await emulator.waitForNext();
  const outcomes: InvocationOutcome[] = [];
  for (const [index, answer] of ANSWERS.entries()) {
    const event = buildEvent(answer.kind, {
      now: new Date("2026-11-27T08:15:00Z"),
      newId: () => FIXED_ID,
      ...answer.options,
    });
    outcomes.push(await emulator.invoke(event, { requestId: `${arch}-answer-${index}` }));
  }
  return { outcomes, emulator, process };
}

beforeAll(async () => {
  backends = startFakeBackends({
    lines: recorded.lines as readonly RecordedLine[],
    disruptionsByMode: {},
    preferencesByToken: recorded.preferencesByToken,
  });
  await startRunnable(runs, ARCHS, "answers end-to-end", askEach);
}, 60_000);

afterAll(async () => {
  await stopServed(runs.values());
  await backends.stop();
});

for (const arch of ARCHS) {
  const describeIfBuilt = skipReason(arch, "answers end-to-end (describe)") === undefined ? describe : describe.skip;
  describeIfBuilt(`dist/${arch}/bootstrap says`, () => {
    test.each(ANSWERS.map((answer, index) => [answer.name, index] as const))("%s", (_name, index) => {
      const outcome = runs.get(arch)?.outcomes[index];
      expect(outcome?.kind).toBe("response");
      expect(outcome?.kind === "response" ? outcome.json : undefined).toEqual({
        version: "1.0",
        response: ANSWERS[index]!.response,
      });
    });
  });
}
