import { expect, test } from "bun:test";
import { onFirstUse } from "../../src/skill/on-first-use.ts";

test("builds nothing until asked, then builds once and hands out the same value", () => {
  let builds = 0;
  const value = onFirstUse(() => {
    builds += 1;
    return { built: builds };
  });
  expect(builds).toBe(0);
  const first = value();
  expect(value()).toBe(first);
  expect(first).toEqual({ built: 1 });
  expect(builds).toBe(1);
});
