/**
 * The Lambda zip: one deflated entry, its Unix mode in the external attributes (made by Unix, so
 * unzip and Lambda keep the executable bit) and a fixed timestamp, so equal input gives equal bytes.
 *
 * The container is fflate's streaming `Zip`; the deflate stream comes from Bun's built-in libdeflate
 * through fflate's custom-compression seam (`ZipInputFile`). On the ~111 MB bootstrap libdeflate's
 * level 10 is about 2.3 MB smaller than fflate's own level 9, which went over Lambda's
 * 52,428,800-byte limit; it also gives identical bytes on x64 and arm64 hosts.
 */
import { Zip, type ZipInputFile } from "fflate";
import { formatBytes } from "./format.ts";

/** libdeflate's levels; 12 is its slowest and smallest. */
export type DeflateLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12;

/** What goes into the single entry; the zip step of a plan carries exactly these. */
export interface ZipEntryOptions {
  /** ASCII file name at the root of the zip. */
  readonly entryName: string;
  /** Full `st_mode`, file type included (e.g. `0o100755`). */
  readonly mode: number;
  /** MS-DOS local time as `YYYY-MM-DDTHH:MM:SS` (zip stores no zone; seconds are kept to 2 s). */
  readonly mtime: string;
  readonly level: DeflateLevel;
}

/** APPNOTE 4.4.2.2: host 3 = Unix; readers apply the mode in the external attributes only then. */
const MADE_BY_UNIX = 3;
/** APPNOTE 4.4.5: deflate. */
const METHOD_DEFLATE = 8;

/** Zips `data` as the single entry, on the calling thread (a 111 MB bootstrap takes ~7 s at level 10). */
export function zipSingleFile(data: Uint8Array<ArrayBuffer>, options: ZipEntryOptions): Uint8Array<ArrayBuffer> {
  assertEntryName(options.entryName);
  const compressed = Bun.deflateSync(data, { library: "libdeflate", level: options.level });
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error !== null) failure = error;
    else chunks.push(chunk);
  });
  const entry: ZipInputFile = {
    filename: options.entryName,
    size: data.byteLength,
    crc: Bun.hash.crc32(data),
    compression: METHOD_DEFLATE,
    os: MADE_BY_UNIX,
    attrs: (options.mode << 16) >>> 0,
    mtime: toLocalDate(options.mtime),
  };
  zip.add(entry);
  entry.ondata?.(null, compressed, true);
  zip.end();
  if (failure !== null) throw failure;
  return concat(chunks);
}

/**
 * Same bytes as `zipSingleFile`, made on a worker thread so both architectures' zips use both
 * cores. `data` is copied to the worker, so the caller keeps it.
 */
export function zipSingleFileAsync(
  data: Uint8Array<ArrayBuffer>,
  options: ZipEntryOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./zip-worker.ts", import.meta.url).href);
    worker.onmessage = (event: MessageEvent<ZipWorkerReply>) => {
      worker.terminate();
      if (event.data.ok) resolve(event.data.zip);
      else reject(new Error(event.data.error));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(event.error instanceof Error ? event.error : new Error(event.message));
    };
    const request: ZipWorkerRequest = { data, options };
    worker.postMessage(request);
  });
}

/** Message to `zip-worker.ts`. */
export interface ZipWorkerRequest {
  readonly data: Uint8Array<ArrayBuffer>;
  readonly options: ZipEntryOptions;
}

/** Message back from `zip-worker.ts`; errors travel as text (structured clone drops the class). */
export type ZipWorkerReply =
  { readonly ok: true; readonly zip: Uint8Array<ArrayBuffer> } | { readonly ok: false; readonly error: string };

/** Refuses a zip over `limitBytes`, naming it, its size and the limit. */
export function assertZipFits(path: string, bytes: number, limitBytes: number): void {
  if (bytes > limitBytes) throw new ZipTooLargeError(path, bytes, limitBytes);
}

/**
 * The `YYYY-MM-DDTHH:MM:SS` timestamp as a Date in this machine's zone: fflate writes the DOS time
 * from the local fields, so the stored fields are the string's, whatever TZ the build runs under.
 */
export function toLocalDate(mtime: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(mtime);
  const [year, month, day, hours, minutes, seconds] = (match?.slice(1) ?? []).map(Number);
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hours === undefined ||
    minutes === undefined ||
    seconds === undefined ||
    year < 1980 ||
    year > 2099 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hours > 23 ||
    minutes > 59 ||
    seconds > 59
  ) {
    throw new RangeError(
      `zip timestamp must be YYYY-MM-DDTHH:MM:SS between 1980 and 2099, not ${JSON.stringify(mtime)}`,
    );
  }
  return new Date(year, month - 1, day, hours, minutes, seconds);
}

function assertEntryName(name: string): void {
  if (!/^[\x21-\x7e]+$/.test(name) || name.includes("\\")) {
    throw new RangeError(`zip entry name must be printable ASCII without backslashes, not ${JSON.stringify(name)}`);
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** A Lambda zip is over the direct-upload limit (`CodeSizeZipped`); the zip is not written. */
export class ZipTooLargeError extends Error {
  override readonly name = "ZipTooLargeError";
  readonly path: string;
  readonly bytes: number;
  readonly limitBytes: number;

  constructor(path: string, bytes: number, limitBytes: number) {
    super(
      `${path} is ${formatBytes(bytes)} bytes, over Lambda's direct-upload limit of ` +
        `${formatBytes(limitBytes)} bytes (upload it through S3 instead, or make the bootstrap smaller)`,
    );
    this.path = path;
    this.bytes = bytes;
    this.limitBytes = limitBytes;
  }
}
