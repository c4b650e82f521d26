/** Lists a zip's entries from its central directory without inflating anything (for the file count). */
import { unzipSync } from "fflate";

/** One entry: its name, compressed and uncompressed bytes. */
export interface ZipEntry {
  readonly name: string;
  readonly compressedBytes: number;
  readonly bytes: number;
}

/** The entries of a zip archive, in central-directory order; throws on bytes that are not a zip. */
export function listZipEntries(zip: Uint8Array): ZipEntry[] {
  const entries: ZipEntry[] = [];
  // The filter sees every central-directory record; returning false skips inflating the data.
  unzipSync(zip, {
    filter: (file) => {
      entries.push({ name: file.name, compressedBytes: file.size, bytes: file.originalSize });
      return false;
    },
  });
  return entries;
}
