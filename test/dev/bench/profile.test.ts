import { expect, test } from "bun:test";
import { summariseProfile } from "../../../src/dev/bench/profile.ts";

const profile = await Bun.file(new URL("../../fixtures/bench/profile.md", import.meta.url)).text();

test("keeps the profile's header, its top ten and the first rows of its hot-function table", () => {
  expect(summariseProfile(profile, 2)).toBe(
    [
      "| Duration | Samples | Interval | Functions |",
      "|----------|---------|----------|----------|",
      "| 1.20s | 1400 | 100us | 210 |",
      "",
      "**Top 10:** `fetch` 40.0%, `parse` 5.0%",
      "",
      "| Self% | Self | Total% | Total | Function | Location |",
      "|------:|-----:|-------:|------:|----------|----------|",
      "| 40.0% | 480.0ms | 40.0% | 480.0ms | `fetch` | `[native code]` |",
      "| 5.0% | 60.0ms | 5.0% | 60.0ms | `parse` | `[native code]` |",
    ].join("\n"),
  );
});

test("stops at the end of the hot-function table", () => {
  expect(summariseProfile(profile, 50)).not.toContain("Total% | Total | Self%");
  expect(summariseProfile(profile, 50)).toContain("`render`");
});
