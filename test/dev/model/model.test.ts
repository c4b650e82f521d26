import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import published from "../../fixtures/skill/published-model.json";
import { findLine, LINES, OVERGROUND_MODE, resolveLine } from "../../../src/skill/lines.ts";
import {
  buildInteractionModel,
  buildSkillManifest,
  EXAMPLE_PHRASES,
  formatJson,
  INTERACTION_MODEL_PATH,
  PLACEHOLDER_ENDPOINT_ARN,
  SKILL_MANIFEST_PATH,
  writeSkillPackage,
} from "../../../src/dev/model/index.ts";

const model = buildInteractionModel();
const language = model.interactionModel.languageModel;
const lineType = language.types.find((type) => type.name === "LINE_NAME");
const values = lineType?.values ?? [];
const forms = values.flatMap((entry) =>
  [entry.name.value, ...(entry.name.synonyms ?? [])].map((form) => [form, entry.id] as const),
);
const allSamples = language.intents.flatMap((intent) => intent.samples.map((sample) => [intent.name, sample] as const));

function samplesOf(name: string): readonly string[] {
  return language.intents.find((intent) => intent.name === name)?.samples ?? [];
}

describe("the generated interaction model", () => {
  test("uses the published invocation name", () => {
    expect(language.invocationName).toBe(published.invocationName);
  });

  test.each(published.intents)("still has the published intent %s", (name) => {
    expect(language.intents.map((intent) => intent.name)).toContain(name);
  });

  test("adds the fallback intent, which the backend answers like any unknown intent", () => {
    expect(language.intents.map((intent) => intent.name)).toContain("AMAZON.FallbackIntent");
  });

  test("gives StatusIntent the published LINE slot of type LINE_NAME and no other intent a slot", () => {
    const { intent, name, type } = published.statusSlot;
    expect(language.intents.find((candidate) => candidate.name === intent)?.slots).toEqual([{ name, type }]);
    expect(
      language.intents.filter((candidate) => candidate.slots !== undefined).map((candidate) => candidate.name),
    ).toEqual([intent]);
    expect(language.types.map((candidate) => candidate.name)).toEqual([type]);
  });

  test("has a LINE_NAME value for each of the 19 lines and one for the Overground", () => {
    expect(values.map((entry) => entry.id)).toEqual([...LINES.map((line) => line.id), OVERGROUND_MODE]);
  });

  /** What the production resolver makes of a slot: a line id, "overground", or undefined. */
  function resolvedId(slot: Parameters<typeof resolveLine>[0]): string | undefined {
    const query = resolveLine(slot);
    return query?.kind === "line" ? query.line.id : query?.kind;
  }

  /** A LINE slot as Alexa sends it when entity resolution matched a value of the model. */
  function matchedSlot(heard: string, match: { id?: string; name?: string }): Parameters<typeof resolveLine>[0] {
    const resolutions = {
      resolutionsPerAuthority: [
        { authority: "amzn1.er-authority.test", status: { code: "ER_SUCCESS_MATCH" }, values: [{ value: match }] },
      ],
    };
    return { value: heard, resolutions };
  }

  // The model and the resolver must agree on every spoken form, however Alexa hands it over:
  // the raw value alone (resolution failed or was skipped), the value with "the"/"line" around it
  // as the samples allow, and entity resolution naming the value's id or its canonical name.
  const deliveries: ReadonlyArray<
    readonly [string, (form: string, id: string, canonical: string) => string | undefined]
  > = [
    ["the raw value", (form) => resolvedId({ value: form })],
    ['the raw value said as "the … line"', (form) => resolvedId({ value: `the ${form} line` })],
    ["the raw value in capitals", (form) => resolvedId({ value: form.toUpperCase() })],
    ["resolution by value id", (form, id) => resolvedId(matchedSlot(form, { id, name: "mumble" }))],
    [
      "resolution by canonical name",
      (form, _id, canonical) => resolvedId(matchedSlot(form, { id: "4f0c2a9b7e6d5c4b", name: canonical })),
    ],
  ];
  const canonicalOf = new Map(values.map((entry) => [entry.id, entry.name.value] as const));

  test.each(forms.flatMap(([form, id]) => deliveries.map(([how], index) => [form, id, how, index] as const)))(
    "resolves the spoken form %p to %s from %s",
    (form, id, _how, index) => {
      const deliver = deliveries[index]![1];
      expect(deliver(form, id, canonicalOf.get(id) ?? "")).toBe(id);
    },
  );

  test.each(values.filter((entry) => entry.id !== OVERGROUND_MODE).map((entry) => [entry.id] as const))(
    "uses the TfL id %s as the value id",
    (id) => {
      expect(findLine(id)?.id).toBe(id as never);
    },
  );

  const publishedForms = Object.entries({ ...published.publishedLineValues, ...published.publishedOvergroundValues });
  const generatedIdOf = new Map(forms);

  test.each(publishedForms)("still publishes %p for %s, and the resolver agrees", (form, id) => {
    expect(generatedIdOf.get(form)).toBe(id);
    expect(resolvedId({ value: form })).toBe(id);
  });

  test("never publishes the same spoken form twice", () => {
    const spoken = forms.map(([form]) => form);
    expect(new Set(spoken).size).toBe(spoken.length);
  });

  test("never repeats a sample utterance, within or across intents", () => {
    const samples = allSamples.map(([, sample]) => sample);
    expect(new Set(samples).size).toBe(samples.length);
  });

  test("writes every sample with only lower-case words, apostrophes, full stops and the slot", () => {
    const wellFormed = /^(?:[a-z'.]+|\{LINE\})(?: (?:[a-z'.]+|\{LINE\}))*$/;
    expect(allSamples.filter(([, sample]) => !wellFormed.test(sample))).toEqual([]);
  });

  test("puts the slot in every StatusIntent sample and in no other", () => {
    expect(allSamples.filter(([intent, sample]) => sample.includes("{LINE}") !== (intent === "StatusIntent"))).toEqual(
      [],
    );
    expect(allSamples.filter(([, sample]) => sample.split("{LINE}").length > 2)).toEqual([]);
  });

  test.each(["StatusIntent", "DisruptionIntent", "CommuteIntent"])("gives %s a good number of samples", (name) => {
    expect(samplesOf(name).length).toBeGreaterThan(50);
  });

  test("writes its own samples rather than the published ones", () => {
    expect(samplesOf("StatusIntent")).toContain("how the {LINE} line is running");
    expect(samplesOf("DisruptionIntent")).toContain("is there any disruption");
    expect(samplesOf("CommuteIntent")).toContain("how are my favourite lines");
  });

  test("keeps the fallback intent from catching real questions", () => {
    expect(language.modelConfiguration.fallbackIntentSensitivity.level).toBe("LOW");
  });
});

describe("the skill manifest", () => {
  const manifest = buildSkillManifest().manifest;

  test("publishes in en-GB only, in the UK, as public transport", () => {
    expect(Object.keys(manifest.publishingInformation.locales)).toEqual(["en-GB"]);
    expect(manifest.publishingInformation.distributionCountries).toEqual(["GB"]);
    expect(manifest.publishingInformation.isAvailableWorldwide).toBe(false);
    expect(manifest.publishingInformation.category).toBe("PUBLIC_TRANSPORTATION");
  });

  test("points at a placeholder Lambda ARN unless told otherwise", () => {
    expect(manifest.apis.custom.endpoint.uri).toBe(PLACEHOLDER_ENDPOINT_ARN);
    expect(manifest.apis.custom.endpoint.uri).toMatch(/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+$/);
    const arn = "arn:aws:lambda:eu-west-2:123456789012:function:london-travel-arm64";
    expect(buildSkillManifest({ endpointArn: arn }).manifest.apis.custom.endpoint.uri).toBe(arn);
  });

  test("leaves account linking out of the manifest", () => {
    expect(JSON.stringify(manifest)).not.toContain("accountLinking");
  });

  test("declares that the skill uses personal information (account linking) and sells nothing", () => {
    expect(manifest.privacyAndCompliance).toMatchObject({
      usesPersonalInfo: true,
      allowsPurchases: false,
      containsAds: false,
    });
  });

  test.each(EXAMPLE_PHRASES)("has the example phrase %p match a sample utterance", (phrase) => {
    const match = /^Alexa, ask London Travel (.+)$/.exec(phrase);
    const spoken = match?.[1]?.toLowerCase() ?? "";
    const matches = allSamples.some(([, sample]) => {
      const pattern = new RegExp(`^${sample.replace(/[.]/g, "\\.").replace("{LINE}", "(.+)")}$`);
      const slot = pattern.exec(spoken);
      return slot !== null && (slot[1] === undefined || resolveLine({ value: slot[1] }) !== undefined);
    });
    expect(matches).toBe(true);
  });
});

describe("writeSkillPackage", () => {
  const directories: string[] = [];

  afterAll(async () => {
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  test("writes skill.json and the en-GB model as formatted JSON", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "skill-package-"));
    directories.push(outDir);
    const written = await writeSkillPackage(outDir);
    expect(written).toEqual([join(outDir, SKILL_MANIFEST_PATH), join(outDir, INTERACTION_MODEL_PATH)]);
    expect(SKILL_MANIFEST_PATH).toBe("skill-package/skill.json");
    expect(INTERACTION_MODEL_PATH).toBe("skill-package/interactionModels/custom/en-GB.json");
    expect(await Bun.file(join(outDir, SKILL_MANIFEST_PATH)).text()).toBe(formatJson(buildSkillManifest()));
    expect(await Bun.file(join(outDir, INTERACTION_MODEL_PATH)).json()).toEqual(JSON.parse(JSON.stringify(model)));
  });

  test("writes the same bytes every time", async () => {
    const first = await mkdtemp(join(tmpdir(), "skill-package-"));
    const second = await mkdtemp(join(tmpdir(), "skill-package-"));
    directories.push(first, second);
    await writeSkillPackage(first);
    await writeSkillPackage(second);
    for (const path of [SKILL_MANIFEST_PATH, INTERACTION_MODEL_PATH]) {
      expect(await Bun.file(join(first, path)).text()).toBe(await Bun.file(join(second, path)).text());
    }
  });
});
