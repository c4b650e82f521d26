import { describe, expect, test } from "bun:test";
import { parseAlexaEvent, warmUpSkill } from "../../src/skill/index.ts";
import { createLaunchEvent } from "../helpers/alexa.ts";

describe("the skill's warm-up", () => {
  test("runs, repeatedly, without touching what a request then gets", () => {
    const before = parseAlexaEvent(createLaunchEvent());
    expect(() => warmUpSkill()).not.toThrow();
    expect(() => warmUpSkill()).not.toThrow();
    expect(parseAlexaEvent(createLaunchEvent())).toEqual(before);
  });
});
