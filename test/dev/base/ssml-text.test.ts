import { expect, test } from "bun:test";
import { decodeXmlEntities, renderSsmlAsText } from "../../../src/dev/base/ssml-text.ts";

test.each([
  [
    "one paragraph",
    "<speak><p>There is a good service on the Victoria line.</p></speak>",
    "There is a good service on the Victoria line.",
  ],
  [
    "two paragraphs, one a line each",
    "<speak><p>Jubilee line: severe delays.</p><p>Central line: minor delays.</p></speak>",
    "Jubilee line: severe delays.\nCentral line: minor delays.",
  ],
  [
    "escaped text",
    "<speak><p>Hammersmith &amp; City &lt;Circle&gt; &quot;Met&quot; King&apos;s Cross &#39;St&#39; caf&#xE9;</p></speak>",
    "Hammersmith & City <Circle> \"Met\" King's Cross 'St' café",
  ],
  ["a sub that speaks its alias", '<speak><sub alias="Saint">St</sub> Pancras</speak>', "Saint Pancras"],
  [
    "a say-as that speaks its content",
    '<speak>The <say-as interpret-as="characters">DLR</say-as> is fine</speak>',
    "The DLR is fine",
  ],
  ["a break and sentences", '<speak><s>First.</s><break time="500ms"/><s>Second.</s></speak>', "First. Second."],
  ["audio", '<speak><audio src="https://example.com/chime.mp3"/>Welcome</speak>', "[audio] Welcome"],
  [
    "whitespace and new lines",
    "<speak>\n  <p>  Minor   delays\n between\tstations </p>\n</speak>",
    "Minor delays between stations",
  ],
  ["text without tags", "Plain words", "Plain words"],
  ["an empty document", "<speak></speak>", ""],
  ["an entity that spells a tag, kept as text", "<speak>&lt;p&gt;literal&lt;/p&gt;</speak>", "<p>literal</p>"],
])("renders %s", (_title, ssml, text) => {
  expect(renderSsmlAsText(ssml)).toBe(text);
});

test.each([
  ["an unknown named entity stays as written", "&bogus;", "&bogus;"],
  ["an out-of-range code point stays as written", "&#x110000;", "&#x110000;"],
  ["a decimal code point", "&#8217;", "\u2019"],
])("decodes entities: %s", (_title, input, output) => {
  expect(decodeXmlEntities(input)).toBe(output);
});
