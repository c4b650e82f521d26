import { afterEach, describe, expect, test } from "bun:test";
import { unzipSync } from "fflate";
import { crc32 } from "node:zlib";
import {
  ZIP_ENTRY_MODE,
  ZIP_ENTRY_NAME,
  ZIP_LEVEL,
  ZIP_MTIME,
  ZipTooLargeError,
  assertZipFits,
  zipSingleFile,
  zipSingleFileAsync,
  type ZipEntryOptions,
} from "../../../src/dev/build/index.ts";

const OPTIONS: ZipEntryOptions = {
  entryName: ZIP_ENTRY_NAME,
  mode: ZIP_ENTRY_MODE,
  mtime: ZIP_MTIME,
  level: ZIP_LEVEL,
};

/** Central-directory fields of one entry, read straight from the bytes (APPNOTE 4.3.12). */
interface CentralEntry {
  readonly name: string;
  readonly madeByOs: number;
  readonly method: number;
  readonly dosTime: number;
  readonly dosDate: number;
  readonly localDosTime: number;
  readonly localDosDate: number;
  readonly externalAttributes: number;
  readonly extraLength: number;
  readonly localExtraLength: number;
  readonly flags: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly local: {
    readonly flags: number;
    readonly crc: number;
    readonly compressedSize: number;
    readonly size: number;
  };
}

function readCentralDirectory(zip: Uint8Array): CentralEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.byteLength - 22; // no archive comment
  expect(view.getUint32(eocd, true)).toBe(0x06054b50);
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const entries: CentralEntry[] = [];
  for (let index = 0; index < count; index++) {
    expect(view.getUint32(offset, true)).toBe(0x02014b50);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const local = view.getUint32(offset + 42, true);
    expect(view.getUint32(local, true)).toBe(0x04034b50);
    entries.push({
      name: new TextDecoder().decode(zip.subarray(offset + 46, offset + 46 + nameLength)),
      madeByOs: view.getUint8(offset + 5),
      method: view.getUint16(offset + 10, true),
      dosTime: view.getUint16(offset + 12, true),
      dosDate: view.getUint16(offset + 14, true),
      localDosTime: view.getUint16(local + 10, true),
      localDosDate: view.getUint16(local + 12, true),
      externalAttributes: view.getUint32(offset + 38, true),
      extraLength,
      localExtraLength: view.getUint16(local + 28, true),
      flags: view.getUint16(offset + 8, true),
      crc: view.getUint32(offset + 16, true),
      compressedSize: view.getUint32(offset + 20, true),
      size: view.getUint32(offset + 24, true),
      local: {
        flags: view.getUint16(local + 6, true),
        crc: view.getUint32(local + 14, true),
        compressedSize: view.getUint32(local + 18, true),
        size: view.getUint32(local + 22, true),
      },
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Pseudo-random but repeatable bytes, partly compressible like an executable. */
function sampleBytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    bytes[index] = index % 7 === 0 ? state >>> 24 : index % 251;
  }
  return bytes;
}

const SMALL = sampleBytes(4096, 1);
const LARGE = sampleBytes(300_000, 2);

describe("zipSingleFile", () => {
  test("holds only bootstrap", () => {
    expect(readCentralDirectory(zipSingleFile(SMALL, OPTIONS)).map((entry) => entry.name)).toEqual(["bootstrap"]);
    expect(Object.keys(unzipSync(zipSingleFile(SMALL, OPTIONS)))).toEqual(["bootstrap"]);
  });

  test("marks bootstrap as a regular file with mode 0755, made by Unix", () => {
    const [entry] = readCentralDirectory(zipSingleFile(SMALL, OPTIONS));
    expect(entry?.madeByOs).toBe(3);
    expect((entry?.externalAttributes ?? 0) >>> 16).toBe(0o100755);
    expect(((entry?.externalAttributes ?? 0) >>> 16) & 0o170000).toBe(0o100000);
    expect(((entry?.externalAttributes ?? 0) >>> 16) & 0o7777).toBe(0o755);
  });

  test("deflates and stores 1980-01-01 00:00:00 in both headers, with no extra timestamp fields", () => {
    const [entry] = readCentralDirectory(zipSingleFile(SMALL, OPTIONS));
    const dosDate = (0 << 9) | (1 << 5) | 1; // years since 1980, month, day
    expect(entry).toMatchObject({
      method: 8,
      dosTime: 0,
      dosDate,
      localDosTime: 0,
      localDosDate: dosDate,
      extraLength: 0,
      localExtraLength: 0,
    });
  });

  test("records the CRC-32 and both sizes in the central directory, after a data descriptor", () => {
    const zip = zipSingleFile(LARGE, OPTIONS);
    const [entry] = readCentralDirectory(zip);
    // headers with "bootstrap", the 16-byte data descriptor, the end record
    const compressedSize = zip.length - (30 + 9) - 16 - (46 + 9) - 22;
    const dataDescriptor = 0b1000; // APPNOTE 4.4.4 bit 3: CRC and sizes follow the data
    expect(entry).toMatchObject({ flags: dataDescriptor, crc: crc32(LARGE), size: LARGE.length, compressedSize });
    const descriptor = new DataView(zip.buffer, 30 + 9 + compressedSize, 16);
    expect([
      descriptor.getUint32(0, true),
      descriptor.getUint32(4, true),
      descriptor.getUint32(8, true),
      descriptor.getUint32(12, true),
    ]).toEqual([0x08074b50, crc32(LARGE), compressedSize, LARGE.length]);
  });

  test("deflates a compressible file to a fraction of its size", () => {
    expect(zipSingleFile(LARGE, OPTIONS).length).toBeLessThan(LARGE.length / 2);
  });

  test.each([
    ["an empty file", new Uint8Array(0)],
    ["a small file", SMALL],
    ["a larger file", LARGE],
  ])("round-trips %s byte for byte", (_, data) => {
    expect(unzipSync(zipSingleFile(data, OPTIONS))).toEqual({ bootstrap: new Uint8Array(data) });
  });

  test("gives byte-identical zips for the same input", () => {
    expect(zipSingleFile(LARGE, OPTIONS)).toEqual(zipSingleFile(LARGE.slice(), OPTIONS));
  });

  test("gives different zips for different input", () => {
    expect(zipSingleFile(SMALL, OPTIONS)).not.toEqual(zipSingleFile(sampleBytes(4096, 9), OPTIONS));
  });
});

describe("zipSingleFile refusals", () => {
  test.each(["", "dir\\bootstrap", "bootstrap é", "boot strap"])("refuses the entry name %p", (entryName) => {
    expect(() => zipSingleFile(SMALL, { ...OPTIONS, entryName })).toThrow(RangeError);
  });
});

describe("zip timestamps", () => {
  test.each([
    ["1980-01-01T00:00:00", 0, (0 << 9) | (1 << 5) | 1],
    ["2026-11-27T10:41:59", (10 << 11) | (41 << 5) | 29, (46 << 9) | (11 << 5) | 27],
    ["2099-12-31T23:59:58", (23 << 11) | (59 << 5) | 29, (119 << 9) | (12 << 5) | 31],
  ])("stores %s as DOS time %d and date %d", (mtime, time, date) => {
    const [entry] = readCentralDirectory(zipSingleFile(SMALL, { ...OPTIONS, mtime }));
    expect(entry?.dosTime).toBe(time);
    expect(entry?.dosDate).toBe(date);
  });

  test.each([
    "1979-12-31T23:59:59",
    "2100-01-01T00:00:00",
    "1980-01-01",
    "1980-13-01T00:00:00",
    "1980-01-00T00:00:00",
    "1980-01-01T24:00:00",
    "1980-01-01T00:00:00Z",
  ])("refuses %p", (mtime) => {
    expect(() => zipSingleFile(SMALL, { ...OPTIONS, mtime })).toThrow(RangeError);
  });
});

describe("zipSingleFile in other time zones", () => {
  const original = process.env["TZ"];
  afterEach(() => {
    if (original === undefined) delete process.env["TZ"];
    else process.env["TZ"] = original;
  });

  test.each([
    ["UTC", 0],
    ["America/Los_Angeles", 480],
    ["Pacific/Auckland", -780],
    ["Asia/Kolkata", -330],
  ])("writes the same bytes with TZ=%s (UTC offset %d min in 1980)", (zone, offsetMinutes) => {
    process.env["TZ"] = "UTC";
    const reference = zipSingleFile(SMALL, OPTIONS);
    process.env["TZ"] = zone;
    expect(new Date(ZIP_MTIME).getTimezoneOffset()).toBe(offsetMinutes); // the zone really changed
    expect(zipSingleFile(SMALL, OPTIONS)).toEqual(reference);
  });
});

describe("zipSingleFileAsync", () => {
  test.each([
    ["a small file", SMALL],
    ["a larger file", LARGE],
  ])("writes the same bytes as zipSingleFile for %s", async (_, data) => {
    expect(await zipSingleFileAsync(data, OPTIONS)).toEqual(zipSingleFile(data, OPTIONS));
  });

  test("rejects with the worker's error", async () => {
    await expect(zipSingleFileAsync(SMALL, { ...OPTIONS, mtime: "yesterday" })).rejects.toThrow(
      'RangeError: zip timestamp must be YYYY-MM-DDTHH:MM:SS between 1980 and 2099, not "yesterday"',
    );
  });

  test("leaves the caller's data in place", async () => {
    const data = sampleBytes(10_000, 4);
    await zipSingleFileAsync(data, OPTIONS);
    expect(data).toEqual(sampleBytes(10_000, 4));
  });

  test("zips two files at once", async () => {
    const other = sampleBytes(300_000, 3);
    const [first, second] = await Promise.all([zipSingleFileAsync(LARGE, OPTIONS), zipSingleFileAsync(other, OPTIONS)]);
    expect(unzipSync(first ?? new Uint8Array())).toEqual({ bootstrap: new Uint8Array(LARGE) });
    expect(unzipSync(second ?? new Uint8Array())).toEqual({ bootstrap: new Uint8Array(other) });
  });
});

describe("assertZipFits", () => {
  test.each([0, 999, 1000])("accepts a %d-byte zip under a 1,000-byte limit", (bytes) => {
    expect(() => assertZipFits("dist/lambda-arm64.zip", bytes, 1000)).not.toThrow();
  });

  test("refuses a zip one byte over the limit, naming the zip, its size and the limit", () => {
    let caught: unknown;
    try {
      assertZipFits("dist/lambda-x86_64.zip", 52_428_801, 52_428_800);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ZipTooLargeError);
    expect(caught).toMatchObject({
      name: "ZipTooLargeError",
      path: "dist/lambda-x86_64.zip",
      bytes: 52_428_801,
      limitBytes: 52_428_800,
      message:
        "dist/lambda-x86_64.zip is 52,428,801 bytes, over Lambda's direct-upload limit of 52,428,800 bytes " +
        "(upload it through S3 instead, or make the bootstrap smaller)",
    });
  });

  test("refuses a real zip over a small fake limit", () => {
    const zip = zipSingleFile(SMALL, OPTIONS);
    expect(() => assertZipFits("dist/lambda-arm64.zip", zip.length, 100)).toThrow(ZipTooLargeError);
  });
});
