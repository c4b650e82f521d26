/**
 * A TCP proxy between the runtime and the Runtime API emulator that does what Lambda does to a
 * frozen sandbox's connections: while the process is stopped, every idle keep-alive socket is
 * closed (FIN, or RST), so a runtime that reuses a pooled connection after the thaw finds it dead.
 * A socket is busy while a request written by the runtime has not yet been answered (the parked
 * GET /next); every other socket is idle.
 */
import type { Socket, TCPSocketListener } from "bun";

/** How idle sockets are closed: a FIN (`end`) or an abortive close (`terminate`, an RST). */
export type CloseMode = "fin" | "reset";

/** The running proxy. */
export interface FreezeProxy {
  /** "127.0.0.1:PORT": give this to the runtime as AWS_LAMBDA_RUNTIME_API. */
  readonly address: string;
  /** Connections the runtime opened so far. */
  connectionsOpened(): number;
  /** Connections open now. */
  openConnections(): number;
  /** Open connections with no request waiting for an answer. */
  idleConnections(): number;
  /** Closes every idle connection; returns how many were closed. */
  closeIdle(mode: CloseMode): number;
  /**
   * The next request whose first line matches `pattern` is cut after `afterBytes` bytes and its
   * connection reset, as if the network failed while the runtime was sending it.
   */
  cutNextRequest(pattern: RegExp, afterBytes: number): void;
  /**
   * The next request matching `pattern` reaches the emulator whole, but its answer is replaced by a
   * connection reset: the runtime cannot know whether it was accepted.
   */
  dropNextAnswer(pattern: RegExp): void;
  /** New connections go to `target` from now on (existing ones are left alone). */
  retarget(target: string): void;
  stop(): void;
}

interface Pair {
  readonly client: Socket<ClientData>;
  upstream: Socket<UpstreamData> | undefined;
  /** Bytes not yet accepted by the upstream socket (not connected yet, or backpressure). */
  pending: Uint8Array[];
  /** Bytes not yet accepted by the client socket (backpressure). */
  pendingToClient: Uint8Array[];
  /** True from a client write until the upstream answers. */
  awaitingAnswer: boolean;
  /** The upstream's next answer is dropped and the connection reset. */
  dropAnswer: boolean;
  closed: boolean;
}

interface ClientData {
  pair?: Pair;
}

interface UpstreamData {
  pair: Pair;
}

/** Starts the proxy in front of `target` ("host:port"). */
export function startFreezeProxy(target: string): FreezeProxy {
  let upstreamTarget = parseTarget(target);
  const pairs = new Set<Pair>();
  const cuts: Array<{ pattern: RegExp; afterBytes: number }> = [];
  const drops: RegExp[] = [];
  let opened = 0;

  const closePair = (pair: Pair, mode: CloseMode): void => {
    if (pair.closed) return;
    pair.closed = true;
    pairs.delete(pair);
    if (mode === "reset") {
      pair.client.terminate();
      pair.upstream?.terminate();
    } else {
      pair.client.end();
      pair.upstream?.end();
    }
  };

  const listener: TCPSocketListener<ClientData> = Bun.listen<ClientData>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(client) {
        opened += 1;
        const pair: Pair = {
          client,
          upstream: undefined,
          pending: [],
          pendingToClient: [],
          awaitingAnswer: false,
          dropAnswer: false,
          closed: false,
        };
        client.data = { pair };
        pairs.add(pair);
        Bun.connect<UpstreamData>({
          hostname: upstreamTarget.hostname,
          port: upstreamTarget.port,
          data: { pair },
          socket: {
            open(upstream) {
              pair.upstream = upstream;
              flush(upstream, pair.pending);
            },
            data(_upstream, chunk) {
              if (pair.dropAnswer) {
                closePair(pair, "reset");
                return;
              }
              pair.awaitingAnswer = false;
              pair.pendingToClient.push(new Uint8Array(chunk));
              flush(pair.client, pair.pendingToClient);
            },
            drain(upstream) {
              flush(upstream, pair.pending);
            },
            close() {
              closePair(pair, "fin");
            },
            error() {
              closePair(pair, "reset");
            },
          },
        }).catch(() => closePair(pair, "reset"));
      },
      data(client, chunk) {
        const pair = client.data.pair;
        if (pair === undefined || pair.closed) return;
        const line = pair.awaitingAnswer ? "" : firstLine(chunk);
        pair.awaitingAnswer = true;
        const cut = cuts.findIndex((entry) => entry.pattern.test(line));
        if (cut !== -1) {
          const [entry] = cuts.splice(cut, 1);
          pair.pending.push(new Uint8Array(chunk.subarray(0, entry?.afterBytes ?? 0)));
          if (pair.upstream !== undefined) flush(pair.upstream, pair.pending);
          // Give the partial request a moment to reach the emulator, then reset both sides.
          setTimeout(() => closePair(pair, "reset"), 20);
          return;
        }
        const drop = drops.findIndex((pattern) => pattern.test(line));
        if (drop !== -1) {
          drops.splice(drop, 1);
          pair.dropAnswer = true;
        }
        pair.pending.push(new Uint8Array(chunk));
        if (pair.upstream !== undefined) flush(pair.upstream, pair.pending);
      },
      drain(client) {
        const pair = client.data.pair;
        if (pair !== undefined) flush(client, pair.pendingToClient);
      },
      close(client) {
        const pair = client.data.pair;
        if (pair !== undefined) closePair(pair, "fin");
      },
      error(client) {
        const pair = client.data.pair;
        if (pair !== undefined) closePair(pair, "reset");
      },
    },
  });

  return {
    address: `127.0.0.1:${listener.port}`,
    connectionsOpened: () => opened,
    openConnections: () => pairs.size,
    idleConnections: () => [...pairs].filter((pair) => !pair.awaitingAnswer).length,
    closeIdle(mode) {
      let closed = 0;
      for (const pair of [...pairs]) {
        if (pair.awaitingAnswer) continue;
        closePair(pair, mode);
        closed += 1;
      }
      return closed;
    },
    cutNextRequest(pattern, afterBytes) {
      cuts.push({ pattern, afterBytes });
    },
    dropNextAnswer(pattern) {
      drops.push(pattern);
    },
    retarget(next) {
      upstreamTarget = parseTarget(next);
    },
    stop() {
      for (const pair of [...pairs]) closePair(pair, "reset");
      listener.stop(true);
    },
  };
}

/** Writes queued chunks until the socket pushes back; the rest waits for `drain`. */
function flush(socket: Socket<ClientData> | Socket<UpstreamData>, queue: Uint8Array[]): void {
  while (queue.length > 0) {
    const chunk = queue[0];
    if (chunk === undefined) break;
    const written = socket.write(chunk);
    if (written >= chunk.byteLength) {
      queue.shift();
      continue;
    }
    queue[0] = chunk.subarray(Math.max(0, written));
    break;
  }
}

/** The request line at the start of a chunk ("POST /2018-06-01/… HTTP/1.1"), or "". */
function firstLine(chunk: Uint8Array): string {
  const head = new TextDecoder("latin1").decode(chunk.subarray(0, 256));
  const end = head.indexOf("\r\n");
  return end === -1 ? head : head.slice(0, end);
}

function parseTarget(target: string): { hostname: string; port: number } {
  const [hostname = "127.0.0.1", port = "0"] = target.split(":");
  return { hostname, port: Number(port) };
}
