/**
 * Reads a response body with a byte cap, so a misbehaving upstream cannot make a 192 MB Lambda
 * buffer an endless body: a declared Content-Length over the cap is refused before reading, and
 * a streamed or compressed body is cancelled as soon as its decoded bytes pass the cap.
 */

/** Thrown (and turned into an UpstreamError by the caller) when a body passes the cap. */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super(`response body exceeds ${maxBytes} bytes`);
    this.maxBytes = maxBytes;
  }
}

/** The whole body as bytes, at most `maxBytes` of them. */
export async function readCappedBody(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = response.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    await cancelQuietly(response.body);
    throw new BodyTooLargeError(maxBytes);
  }
  const encoding = response.headers.get("content-encoding")?.trim().toLowerCase();
  if (declared !== null && (encoding === undefined || encoding === "" || encoding === "identity")) {
    // The declared length, already checked, bounds the read, so use the native body read: it
    // never materialises a JS ReadableStream (measured: several MiB less RSS over 1,000 calls).
    // Not for compressed bodies: there Content-Length counts compressed bytes.
    return await response.bytes();
  }
  const body = response.body;
  if (body === null) return new Uint8Array(0);

  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new BodyTooLargeError(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Discards a body we will not read, so the connection is released; never throws. */
export async function cancelQuietly(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (body === null) return;
  await body.cancel().catch(() => undefined);
}
