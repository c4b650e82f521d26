import { describe, expect, test } from "bun:test";
import { ELLIPSIS, fitParagraphs, jsonBytes, truncateText } from "../../../src/skill/speech/fit.ts";

const chars = (limit: number) => ({ cost: (text: string) => text.length, limit });

describe("truncateText", () => {
  test.each([
    ["keeps text that fits", "Short.", 10, "Short."],
    ["keeps whole sentences", "One. Two. Three.", 10, "One. Two."],
    ["cuts at a word when the first sentence is too long", "alpha beta gamma delta", 12, `alpha beta${ELLIPSIS}`],
    ["cuts characters when one word is too long", "abcdefghij", 5, `abcd${ELLIPSIS}`],
    ["gives nothing when even one character does not fit", "abc", 1, ""],
  ])("%s", (_title, text, limit, expected) => {
    expect(truncateText(text, [chars(limit)])).toBe(expected);
  });

  test("never splits a surrogate pair", () => {
    expect(truncateText("🚇🚇🚇🚇", [chars(5)])).toBe(`🚇🚇${ELLIPSIS}`);
  });

  test("respects every limit at once", () => {
    const text = "Über. Straße. Ende.";
    expect(truncateText(text, [chars(100), { cost: jsonBytes, limit: 15 }])).toBe("Über. Straße.");
  });
});

describe("fitParagraphs", () => {
  test("keeps paragraphs in order while they fit, then shortens one and stops", () => {
    const paragraphs = ["First one.", "Second one. Extra words here.", "Third one."];
    expect(fitParagraphs(paragraphs, [{ cost: (text) => text.length, limit: 25, perParagraph: 1 }])).toEqual([
      "First one.",
      "Second one.",
    ]);
  });

  test("keeps everything when there is room", () => {
    expect(fitParagraphs(["a", "b"], [{ cost: (text) => text.length, limit: 4, perParagraph: 1 }])).toEqual(["a", "b"]);
  });
});

describe("jsonBytes", () => {
  test.each([
    ["abc", 3],
    ['"', 2],
    ["ü", 2],
    ["🚇", 4],
    ["\n", 2],
  ])("counts %p as %i bytes inside JSON", (text, bytes) => {
    expect(jsonBytes(text)).toBe(bytes);
  });
});
