import { describe, expect, test } from "bun:test";
import { strings } from "../../../src/skill/speech/strings.ts";
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

  test("prefixes a line's text with its title when several lines are read", () => {
    expect(strings.commutePrefix("Northern Line", "The Northern line has a good service.")).toBe(
      "Northern Line: The Northern line has a good service.",
    );
  });

  test("cannot be changed at run time", () => {
    expect(Object.isFrozen(strings)).toBe(true);
    expect(Object.isFrozen(strings.help)).toBe(true);
  });
});
