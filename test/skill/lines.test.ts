import { describe, expect, test } from "bun:test";
import {
  DISRUPTION_MODES,
  findLine,
  LINES,
  lineNameKeys,
  lineNameKey,
  OVERGROUND_MODE,
  OVERGROUND_SLOT,
  resolveLine,
  type LineQuery,
} from "../../src/skill/lines.ts";
import { WHITE_SPACE } from "../helpers/white-space.ts";
import { buildLineSlotValues } from "../../src/dev/model/index.ts";
import { ALL_LINE_IDS, CARD_TITLES } from "../helpers/lines.ts";

/** What a query points at: a TfL line id, or the Overground mode. */
function target(query: LineQuery | undefined): string | undefined {
  if (query === undefined) {
    return undefined;
  }
  return query.kind === "line" ? query.line.id : OVERGROUND_MODE;
}

function matched(value: { id?: string; name?: string }, code = "ER_SUCCESS_MATCH"): unknown {
  return {
    resolutionsPerAuthority: [
      { authority: "amzn1.er-authority.echo-sdk.test.LINE_NAME", status: { code }, values: [{ value }] },
    ],
  };
}

/** Every (spoken form, expected target) pair the generated interaction model publishes. */
const MODEL_FORMS = buildLineSlotValues().flatMap((entry) =>
  [entry.name.value, ...(entry.name.synonyms ?? [])].map((form) => [form, entry.id] as const),
);

describe("the line catalogue", () => {
  test("lists all 19 TfL lines once, ordered by id", () => {
    expect(LINES.map((line): string => line.id)).toEqual(ALL_LINE_IDS);
  });

  test.each([
    ["bakerloo", "Bakerloo", "tube"],
    ["dlr", "DLR", "dlr"],
    ["elizabeth", "Elizabeth line", "elizabeth-line"],
    ["hammersmith-city", "Hammersmith & City", "tube"],
    ["waterloo-city", "Waterloo & City", "tube"],
    ["liberty", "Liberty", "overground"],
    ["lioness", "Lioness", "overground"],
    ["mildmay", "Mildmay", "overground"],
    ["suffragette", "Suffragette", "overground"],
    ["weaver", "Weaver", "overground"],
    ["windrush", "Windrush", "overground"],
  ])("knows %s as %s on the %s mode", (id, name, mode) => {
    expect(findLine(id)).toMatchObject({ id, name, mode });
  });

  test.each(CARD_TITLES)("titles the %s card %p", (id, title) => {
    expect(findLine(id)?.cardTitle).toBe(title);
  });

  test("queries disruption for the DLR, Elizabeth line, Overground and Tube modes", () => {
    expect(DISRUPTION_MODES).toEqual(["dlr", "elizabeth-line", "overground", "tube"]);
  });

  test("cannot be changed at run time", () => {
    expect(Object.isFrozen(LINES)).toBe(true);
    expect(LINES.every((line) => Object.isFrozen(line) && Object.isFrozen(line.synonyms))).toBe(true);
  });

  test("never gives two targets the same spoken form", () => {
    const owners = new Map<string, string>();
    const forms = [
      ...LINES.flatMap((line) =>
        [line.id, line.name, line.slotValue, ...line.synonyms, ...line.aliases].map((form) => [form, line.id] as const),
      ),
      ...[OVERGROUND_SLOT.id, OVERGROUND_SLOT.slotValue, ...OVERGROUND_SLOT.synonyms, ...OVERGROUND_SLOT.aliases].map(
        (form) => [form, OVERGROUND_MODE] as const,
      ),
    ];
    for (const [form, owner] of forms) {
      const key = lineNameKey(form);
      expect({ form, owner: owners.get(key) ?? owner }).toEqual({ form, owner });
      owners.set(key, owner);
    }
  });
});

describe("findLine", () => {
  test.each(ALL_LINE_IDS)("finds %s by its TfL id", (id) => {
    expect(findLine(id)?.id).toBe(id as never);
  });

  test.each([
    ["Northern", "northern"],
    ["VICTORIA", "victoria"],
    [" waterloo-city ", "waterloo-city"],
  ])("ignores case and surrounding spaces in %p", (input, id) => {
    expect(findLine(input)?.id).toBe(id as never);
  });

  test.each([
    "london-overground",
    "tfl-rail",
    "overground",
    "",
    "northern,victoria",
    "../Line/Mode/tube",
    "Northern line",
  ])("drops the unknown favourite id %p", (id) => {
    expect(findLine(id)).toBeUndefined();
  });
});

describe("resolveLine from the raw slot value", () => {
  test.each(ALL_LINE_IDS)("resolves the TfL id %s itself", (id) => {
    expect(target(resolveLine({ value: id }))).toBe(id);
  });

  test.each(MODEL_FORMS)("resolves the model value or synonym %p", (form, id) => {
    expect(target(resolveLine({ value: form }))).toBe(id);
  });

  test.each([
    ["Victoria", "victoria"],
    ["  victoria  ", "victoria"],
    ["the Victoria line", "victoria"],
    ["THE VICTORIA LINE", "victoria"],
    ["the  northern   line", "northern"],
    ["Elizabeth line", "elizabeth"],
    ["the elizabeth line", "elizabeth"],
    ["Liz line", "elizabeth"],
    ["Lizzie", "elizabeth"],
    ["lizzy line", "elizabeth"],
    ["Crossrail", "elizabeth"],
    ["TfL Rail", "elizabeth"],
    ["tfl-rail", "elizabeth"],
    ["D.L.R.", "dlr"],
    ["d. l. r.", "dlr"],
    ["D L R", "dlr"],
    ["the DLR", "dlr"],
    ["Docklands", "dlr"],
    ["the Docklands Light Railway", "dlr"],
    ["Hammersmith & City", "hammersmith-city"],
    ["hammersmith and city line", "hammersmith-city"],
    ["the hammersmith", "hammersmith-city"],
    ["Waterloo & City", "waterloo-city"],
    ["the Waterloo and City Line", "waterloo-city"],
    ["City", "waterloo-city"],
    ["the drain", "waterloo-city"],
    ["the Met", "metropolitan"],
    ["Windrush line", "windrush"],
    ["the Suffragette line", "suffragette"],
    ["Mildmay", "mildmay"],
  ])("resolves %p to %s", (value, id) => {
    expect(target(resolveLine({ value }))).toBe(id);
  });

  test.each([
    "overground",
    "Overground",
    "the overground",
    "London Overground",
    "the London Overground line",
    "london-overground",
  ])("asks for the whole Overground when told %p", (value) => {
    expect(resolveLine({ value })).toEqual({ kind: "overground" });
  });

  test.each([
    ["a missing slot", undefined],
    ["a slot without a value", {}],
    ["a null value", { value: null }],
    ["an empty value", { value: "" }],
    ["a blank value", { value: "  " }],
    ["just the word line", { value: "line" }],
    ["just the word the", { value: "the" }],
    ["something that is not a line", { value: "not a tube line" }],
    ["a station name", { value: "piccadilly circus" }],
    ["a bus route", { value: "route 73" }],
  ])("gives nothing for %s", (_title, slot) => {
    expect(resolveLine(slot)).toBeUndefined();
  });
});

describe("resolveLine from Alexa entity resolution", () => {
  test.each(MODEL_FORMS)("uses the matched value id for %p", (form, id) => {
    const query = resolveLine({ value: "something Alexa misheard", resolutions: matched({ id, name: form }) });
    expect(target(query)).toBe(id);
  });

  test.each(MODEL_FORMS)("uses the matched value name %p when the value has no id", (form, id) => {
    const query = resolveLine({ value: "something Alexa misheard", resolutions: matched({ name: form }) });
    expect(target(query)).toBe(id);
  });

  test("prefers the entity match over the raw value", () => {
    expect(target(resolveLine({ value: "victoria", resolutions: matched({ id: "weaver", name: "weaver" }) }))).toBe(
      "weaver",
    );
  });

  test("falls back to the raw value when nothing matched", () => {
    const resolutions = matched({ id: "weaver", name: "weaver" }, "ER_SUCCESS_NO_MATCH");
    expect(target(resolveLine({ value: "the jubilee line", resolutions }))).toBe("jubilee");
  });

  test("skips authorities that did not match and uses a later one that did", () => {
    const resolutions = {
      resolutionsPerAuthority: [
        { authority: "amzn1.er-authority.echo-sdk.dynamic", status: { code: "ER_SUCCESS_NO_MATCH" }, values: [] },
        {
          authority: "amzn1.er-authority.echo-sdk.static",
          status: { code: "ER_SUCCESS_MATCH" },
          values: [{ value: { name: "met", id: "metropolitan" } }],
        },
      ],
    };
    expect(target(resolveLine({ value: "the mat", resolutions }))).toBe("metropolitan");
  });

  test("falls back to the raw value when the matched value is not one of ours", () => {
    const resolutions = matched({ id: "tram", name: "trams" });
    expect(target(resolveLine({ value: "central", resolutions }))).toBe("central");
  });

  test.each([
    ["a string", "ER_SUCCESS_MATCH"],
    ["null", null],
    ["an empty object", {}],
    ["authorities that are not an array", { resolutionsPerAuthority: "victoria" }],
    ["an authority without a status", { resolutionsPerAuthority: [{ values: [{ value: { id: "victoria" } }] }] }],
    ["a match without values", { resolutionsPerAuthority: [{ status: { code: "ER_SUCCESS_MATCH" } }] }],
    [
      "a match with junk values",
      { resolutionsPerAuthority: [{ status: { code: "ER_SUCCESS_MATCH" }, values: [null, 3, { value: { id: 7 } }] }] },
    ],
  ])("ignores resolutions that are %s", (_title, resolutions) => {
    expect(target(resolveLine({ value: "piccadilly", resolutions }))).toBe("piccadilly");
  });

  test("resolves the Overground through its model id", () => {
    expect(
      resolveLine({ value: "over ground", resolutions: matched({ id: "overground", name: "london overground" }) }),
    ).toEqual({
      kind: "overground",
    });
  });
});

describe("lineNameKey", () => {
  test.each<[string, string]>([
    ["the d. l. r.", "dlr"],
    ["D.L.R.", "dlr"],
    ["d l r", "dlr"],
    ["d.l.r", "dlr"],
    ["d..l", "dl"],
    ["d. l r. ", "dlr"],
    ["d l r.", "dlr"],
    ["d l r..", "d l r.."],
    ["d.", "d."],
    ["dl. r", "dl. r"],
    ["a.b.c", "abc"],
    ["The Line", ""],
    ["line", ""],
    ["the line", ""],
    ["theline", "theline"],
    ["the  Victoria   LINE", "victoria"],
    ["Hammersmith & City", "hammersmith and city"],
    ["waterloo-city", "waterloo city"],
    ["tfl_rail", "tfl rail"],
    ["  elizabeth-line  ", "elizabeth"],
    ["St. John’s Wood", "st. john's wood"],
    ["the", "the"],
    ["the ", "the"],
    ["", ""],
    ["   ", ""],
    ["\u00a0the\u2003dlr\u3000line\ufeff", "dlr"],
    ["x line line", "x line"],
    ["the the line", "the"],
    ["d\u180el", "d\u180el"],
  ])("keys %p as %p", (text, key) => {
    expect(lineNameKey(text)).toBe(key);
  });

  test("treats every whitespace character of JavaScript as a space, and nothing else", () => {
    for (const space of WHITE_SPACE) {
      expect(lineNameKey(`the${space}victoria${space}line`)).toBe("victoria");
    }
    for (const other of ["\u180e", "\u200b", "x"]) {
      expect(lineNameKey(`the${other}victoria line`)).toBe(`the${other}victoria`);
    }
  });
});

describe("lineNameKeys", () => {
  test("names each form's line by its key, for every line and the Overground", () => {
    const keys = lineNameKeys();
    for (const line of LINES) {
      for (const form of [line.id, line.name, line.slotValue, ...line.synonyms, ...line.aliases]) {
        expect([form, keys.get(lineNameKey(form))]).toEqual([form, line.id]);
      }
    }
    for (const form of [
      OVERGROUND_SLOT.id,
      OVERGROUND_SLOT.slotValue,
      ...OVERGROUND_SLOT.synonyms,
      ...OVERGROUND_SLOT.aliases,
    ]) {
      expect([form, keys.get(lineNameKey(form))]).toEqual([form, OVERGROUND_MODE]);
    }
  });

  test.each<[string, string]>([
    ["docklands light railway", "dlr"],
    ["dlr", "dlr"],
    ["tfl rail", "elizabeth"],
    ["hammersmith and city", "hammersmith-city"],
    ["waterloo city", "waterloo-city"],
    ["london overground", "overground"],
  ])("derives %p -> %p from the catalogue", (key, target) => {
    expect<string | undefined>(lineNameKeys().get(key)).toBe(target);
  });

  test("holds no key that is not a form of the catalogue, and is derived once", () => {
    expect(lineNameKeys().has("")).toBe(false);
    expect(lineNameKeys().has("line")).toBe(false);
    expect(lineNameKeys().has("london")).toBe(false);
    expect(lineNameKeys()).toBe(lineNameKeys());
  });
});
