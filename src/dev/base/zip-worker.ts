/**
 * Worker entry for `zipSingleFileAsync`: deflating a 111 MB bootstrap takes seconds of CPU, so each
 * architecture's zip gets its own thread. One request, one reply, then the caller terminates it.
 */
import { zipSingleFile, type ZipWorkerReply, type ZipWorkerRequest } from "./zip.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<ZipWorkerRequest>) => {
  let reply: ZipWorkerReply;
  try {
    reply = { ok: true, zip: zipSingleFile(event.data.data, event.data.options) };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
  self.postMessage(reply, reply.ok ? [reply.zip.buffer] : []);
};
