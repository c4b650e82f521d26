import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ELLIPSIS } from "../../../src/skill/speech/fit.ts";
import {
  collapseWhitespace,
  escapeXml,
  MAX_SSML_LENGTH,
  stripInvalidCharacters,
  toSsml,
} from "../../../src/skill/speech/ssml.ts";
import { findSsmlProblem, spokenText } from "../../helpers/ssml-checks.ts";
import { NOT_WHITE_SPACE, WHITE_SPACE } from "../../helpers/white-space.ts";

describe("escapeXml", () => {
  test.each([
    ["&", "&amp;"],
    ["<", "&lt;"],
    [">", "&gt;"],
    ['"', "&quot;"],
    ["'", "&apos;"],
    ["Hammersmith & City", "Hammersmith &amp; City"],
    ["&amp;", "&amp;amp;"],
    ["plain text", "plain text"],
  ])("escapes %p as %p", (input, output) => {
    expect(escapeXml(input)).toBe(output);
  });

  test("drops characters XML forbids but keeps emoji and accents", () => {
    expect(escapeXml("a\u0000b\u0007c\u000Bd\uFFFEe\uD800f 🚇 café\n")).toBe("abcdef 🚇 café\n");
  });

  test("drops a lone low surrogate", () => {
    expect(stripInvalidCharacters("x\uDC00y")).toBe("xy");
  });
});

describe("toSsml", () => {
  test("wraps one paragraph in speak without a p element", () => {
    expect(toSsml(["The Victoria line has a good service."])).toBe(
      "<speak>The Victoria line has a good service.</speak>",
    );
  });

  test("wraps each of several paragraphs in p", () => {
    expect(toSsml(["One.", "Two.", "Three."])).toBe("<speak><p>One.</p><p>Two.</p><p>Three.</p></speak>");
  });

  test("gives an empty speak element for no paragraphs", () => {
    expect(toSsml([])).toBe("<speak></speak>");
  });

  test("drops blank paragraphs", () => {
    expect(toSsml(["  ", "Only this.", ""])).toBe("<speak>Only this.</speak>");
  });

  test("verbalizes before escaping", () => {
    expect(toSsml(["Hammersmith & City: DLR & TfL <b>"])).toBe(
      "<speak>Hammersmith and City: D.L.R. and T.F.L. &lt;b&gt;</speak>",
    );
  });

  test("collapses line breaks and runs of spaces", () => {
    expect(toSsml(["Minor\n\ndelays   at\tBank."])).toBe("<speak>Minor delays at Bank.</speak>");
  });

  test.each([
    ["an audio tag", 'Delays <audio src="https://example.com/a.mp3"/> at Bank'],
    ["a closing speak tag", "Minor delays</speak><speak>Injected"],
    ["a break tag", "Delays<break time='10s'/>here"],
    ["an entity", "Tom &amp; Jerry &#60;script&#62;"],
    ["quotes", `He said "mind the gap" and 'stand clear'`],
    ["a CDATA section", "<![CDATA[ <p> ]]>"],
    ["a comment", "<!-- hidden -->"],
    ["control characters", "bad\u0001text\u001F"],
  ])("reads %s in TfL text as words and stays well-formed", (_title, reason) => {
    const ssml = toSsml([reason, "Every other line has a good service."]);
    expect(findSsmlProblem(ssml)).toBeUndefined();
    expect(spokenText(ssml)).toContain(stripInvalidCharacters(reason).replace(/\s+/g, " ").replace(/ & /g, " and "));
  });
});

describe("toSsml length limit", () => {
  test("keeps a 10,000-character reason under 8,000 characters", () => {
    const reason = "Severe delays between Bank and Stratford while engineers fix a broken rail. "
      .repeat(132)
      .slice(0, 10_000);
    const ssml = toSsml([reason]);
    expect(ssml.length).toBeLessThan(8_000);
    expect(findSsmlProblem(ssml)).toBeUndefined();
    expect(ssml).toEndWith("rail.</speak>");
  });

  test("cuts a reason with no sentence breaks at a word, with an ellipsis", () => {
    const ssml = toSsml(["word ".repeat(2_500)]);
    expect(ssml.length).toBeLessThanOrEqual(MAX_SSML_LENGTH);
    expect(ssml).toEndWith(`word${ELLIPSIS}</speak>`);
  });

  test("cuts one enormous word by characters", () => {
    const ssml = toSsml(["x".repeat(10_000)]);
    expect(ssml.length).toBeLessThanOrEqual(MAX_SSML_LENGTH);
    expect(ssml).toEndWith(`x${ELLIPSIS}</speak>`);
  });

  test("counts escaped characters, not raw ones", () => {
    const ssml = toSsml(["& ".repeat(3_000) + "end."]);
    expect(ssml.length).toBeLessThanOrEqual(MAX_SSML_LENGTH);
    expect(findSsmlProblem(ssml)).toBeUndefined();
  });

  test("never splits an entity when cutting", () => {
    const ssml = toSsml(["<".repeat(9_000)]);
    expect(ssml.length).toBeLessThanOrEqual(MAX_SSML_LENGTH);
    expect(findSsmlProblem(ssml)).toBeUndefined();
  });

  test("drops whole paragraphs from the end", () => {
    const paragraphs = Array.from(
      { length: 100 },
      (_, i) => `Disruption number ${i}: ${"minor delays ".repeat(10)}end.`,
    );
    const ssml = toSsml([...paragraphs, "Every other line has a good service."]);
    expect(ssml.length).toBeLessThanOrEqual(MAX_SSML_LENGTH);
    expect(findSsmlProblem(ssml)).toBeUndefined();
    expect(ssml).toStartWith("<speak><p>Disruption number 0:");
    expect(ssml).not.toContain("Every other line");
  });

  test("honours a smaller length and a JSON byte budget", () => {
    expect(toSsml(["First sentence. Second sentence."], { maxLength: 40 })).toBe("<speak>First sentence.</speak>");
    const ssml = toSsml(["ü".repeat(1_000)], { maxJsonBytes: 100 });
    expect(Buffer.byteLength(ssml)).toBeLessThanOrEqual(100);
  });
});

describe("stripInvalidCharacters at the edges of what XML allows", () => {
  test.each([
    ["U+0000", "a\u0000b", "ab"],
    ["U+001F", "a\u001Fb", "ab"],
    ["U+000B", "a\u000Bb", "ab"],
    ["a lone high surrogate at the end", "ab\uD83D", "ab"],
    ["a lone low surrogate at the start", "\uDE87ab", "ab"],
    ["U+FFFE", "a\uFFFEb", "ab"],
    ["U+FFFF", "a\uFFFFb", "ab"],
    ["tab, line feed and carriage return", "a\tb\nc\rd", "a\tb\nc\rd"],
    ["U+0020 and U+D7FF", "a b\uD7FF", "a b\uD7FF"],
    ["a surrogate pair", "a\uD83D\uDE87b", "a\uD83D\uDE87b"],
    ["U+E000 and U+FFFD", "a\uE000\uFFFDb", "a\uE000\uFFFDb"],
    ["plain text", "Victoria line: good service.", "Victoria line: good service."],
  ])("%s", (_name, text, expected) => {
    expect(stripInvalidCharacters(text)).toBe(expected);
  });
});

/** Texts of up to 24 pieces: the characters the scans treat specially, mixed with plain ones. */
const SCANNED_TEXT = fc
  .array(
    fc.constantFrom(
      ...["a", "Z", "0", "_", ".", " ", "  ", "&", "<", ">", '"', "'", "é", "😀"],
      ...WHITE_SPACE,
      ...NOT_WHITE_SPACE,
    ),
    { maxLength: 24 },
  )
  .map((pieces) => pieces.join(""));

describe("the scans that replace regular expressions on the launch path agree with the patterns", () => {
  test.each([
    ["", ""],
    ["one", "one"],
    ["one two", "one two"],
    [" one", "one"],
    ["one ", "one"],
    ["one  two", "one two"],
    ["one\ttwo\nthree\r\nfour", "one two three four"],
    ["\u00a0one\u2028two\ufeff", "one two"],
    ["one\u200btwo", "one\u200btwo"],
    ["one\u0085two", "one\u0085two"],
    [" \t\n ", ""],
  ])("collapseWhitespace(%p) is %p", (text, expected) => {
    expect(collapseWhitespace(text)).toBe(expected);
    expect(collapseWhitespace(text)).toBe(text.replace(/\s+/g, " ").trim());
  });

  test("collapseWhitespace matches replace(/\\s+/g, ' ').trim() on 5,000 generated texts", () => {
    fc.assert(
      fc.property(SCANNED_TEXT, (text) => {
        expect(collapseWhitespace(text)).toBe(text.replace(/\s+/g, " ").trim());
      }),
      { numRuns: 5_000, seed: 20_261_205 },
    );
  });

  test("escapeXml matches the entity pattern on 5,000 generated texts", () => {
    const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
    fc.assert(
      fc.property(SCANNED_TEXT, (text) => {
        // escapeXml drops characters XML forbids (\v, \f) first; the entities are what is compared here.
        const expected = stripInvalidCharacters(text).replace(
          /[&<>"']/g,
          (character) => entities[character] ?? character,
        );
        expect(escapeXml(text)).toBe(expected);
      }),
      { numRuns: 5_000, seed: 5_122_026 },
    );
  });
});
