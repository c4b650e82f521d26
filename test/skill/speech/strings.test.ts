import { describe, expect, test } from "bun:test";
import { andList, strings } from "../../../src/skill/speech/strings.ts";
import { toSsml } from "../../../src/skill/speech/ssml.ts";
import { findSsmlProblem } from "../../helpers/ssml-checks.ts";

const SENTENCES = Object.entries(strings).flatMap(([key, value]) => {
  if (typeof value === "string") {
    return [[key, value] as const];
  }
  if (Array.isArray(value)) {
    return value.map((paragraph, i) => [`${key}[${i}]`, paragraph as string] as const);
  }
  return [];
});

const TITLES = new Set(["disruptionCardTitle", "commuteCardTitle", "overgroundCardTitle"]);

describe("strings", () => {
  test.each(SENTENCES.filter(([key]) => !TITLES.has(key)))("%s is a short, finished sentence", (_key, text) => {
    expect(text).toMatch(/^[A-Z].*[.?!]$/);
    expect(text.length).toBeLessThan(250);
    expect(text).not.toMatch(/\s{2,}/);
  });

  test.each(SENTENCES)("%s is written in British English and leaves pronunciation to the verbalizer", (_key, text) => {
    expect(text).not.toMatch(/\b(?:favorite|color|center|program)\b/i);
    expect(text).not.toContain("D.L.R.");
  });

  test.each(SENTENCES)("%s makes well-formed SSML", (_key, text) => {
    expect(findSsmlProblem(toSsml([text]))).toBeUndefined();
  });

  test.each([...TITLES])("%s is a short title in title case", (key) => {
    const title = strings[key as keyof typeof strings] as string;
    expect(title).toMatch(/^(?:[A-Z][a-z]+ ?)+$/);
  });

  test("help has several paragraphs and ends with a question", () => {
    expect(strings.help.length).toBeGreaterThanOrEqual(4);
    expect(strings.help.at(-1)).toEndWith("?");
  });

  test.each([
    ["launch", strings.launch],
    ["unknownLine", strings.unknownLine],
    ["launchReprompt", strings.launchReprompt],
    ["helpReprompt", strings.helpReprompt],
    ["unknownLineReprompt", strings.unknownLineReprompt],
  ])("%s asks a question, because the session stays open", (_key, text) => {
    expect(text).toContain("?");
  });

  test.each([
    ["launch", strings.launch],
    ["unknownLine", strings.unknownLine],
    ["help", strings.help[0] ?? ""],
    ["noDisruption", strings.noDisruption],
  ])("%s mentions the Overground, the DLR and the Elizabeth line", (_key, text) => {
    expect(text).toMatch(/Overground/);
    expect(text).toMatch(/DLR|Docklands Light Railway/);
    expect(text).toMatch(/Elizabeth line/);
  });

  test.each([
    ["the Victoria line", "The Victoria line has a good service.", "The Victoria line is closed at the moment."],
    ["the DLR", "The DLR has a good service.", "The DLR is closed at the moment."],
  ])("builds the sentences for %p", (line, good, closed) => {
    expect(strings.goodService(line)).toBe(good);
    expect(strings.closed(line)).toBe(closed);
  });

  test("prefixes TfL's reason with the line's title when several lines are read", () => {
    expect(strings.linePrefix("Windrush line", "Minor delays at Dalston Junction.")).toBe(
      "Windrush line: Minor delays at Dalston Junction.",
    );
  });

  test.each([
    [
      "the Northern and Victoria lines",
      "The Northern and Victoria lines have a good service.",
      "The Northern and Victoria lines are closed at the moment.",
    ],
    [
      "the DLR and the Jubilee line",
      "The DLR and the Jubilee line have a good service.",
      "The DLR and the Jubilee line are closed at the moment.",
    ],
  ])("builds the group sentences for %p", (lines, good, closed) => {
    expect(strings.goodServiceMany(lines)).toBe(good);
    expect(strings.closedMany(lines)).toBe(closed);
  });

  test("says a line is fine now before the planned change", () => {
    expect(strings.goodServiceNowPlanned("the Weaver line", "Sunday, no service to Chingford.")).toBe(
      "The Weaver line has a good service now. Planned: Sunday, no service to Chingford.",
    );
  });

  test.each(Object.entries(strings.severityPhrases))(
    "says %p without a reason as a finished sentence",
    (_description, phrase) => {
      const sentence = strings.severitySentence("the Mildmay line", phrase);
      expect(sentence).toMatch(/^The Mildmay line (?:has|is) [a-z][a-z -]+\.$/);
      expect(findSsmlProblem(toSsml([sentence]))).toBeUndefined();
    },
  );

  test("has a phrase for every TfL rail severity description except the fixed sentences", () => {
    expect(Object.keys(strings.severityPhrases).sort()).toEqual(
      [
        "special service",
        "closed",
        "suspended",
        "part suspended",
        "planned closure",
        "part closure",
        "severe delays",
        "reduced service",
        "bus service",
        "minor delays",
        "part closed",
        "exit only",
        "no step free access",
        "change of frequency",
        "diverted",
        "not running",
        "issues reported",
        "information",
      ].sort(),
    );
  });

  test.each([
    [[], ""],
    [["Liberty"], "Liberty"],
    [["Liberty", "Weaver"], "Liberty and Weaver"],
    [["Liberty", "Lioness", "Weaver"], "Liberty, Lioness and Weaver"],
    [
      ["Liberty", "Lioness", "Mildmay", "Suffragette", "Weaver", "Windrush"],
      "Liberty, Lioness, Mildmay, Suffragette, Weaver and Windrush",
    ],
  ])("joins %p as %p, with no comma before and", (items, joined) => {
    expect(andList(items)).toBe(joined);
  });

  test("has no words that no answer uses", () => {
    expect(Object.keys(strings)).not.toContain("goodbye");
  });

  test("cannot be changed at run time", () => {
    expect(Object.isFrozen(strings)).toBe(true);
    expect(Object.isFrozen(strings.help)).toBe(true);
  });
});
