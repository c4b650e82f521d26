import { expect, test } from "bun:test";
import { zipSync } from "fflate";
import { listZipEntries } from "../../../src/dev/compare/zip-entries.ts";

test("lists every entry of a zip with its sizes, without inflating them", () => {
  const body = new TextEncoder().encode("#!/bin/sh\n".repeat(100));
  const zip = zipSync({ bootstrap: body, "README.txt": new Uint8Array(0) }, { level: 9 });
  const entries = listZipEntries(zip);
  expect(entries.map((entry) => entry.name)).toEqual(["bootstrap", "README.txt"]);
  expect(entries[0]?.bytes).toBe(1000);
  expect(entries[0]?.compressedBytes).toBeLessThan(1000);
});

test("lists nothing in an empty zip", () => {
  expect(listZipEntries(zipSync({}))).toEqual([]);
});

test("refuses bytes that are not a zip", () => {
  expect(() => listZipEntries(new TextEncoder().encode("not a zip at all"))).toThrow();
});
