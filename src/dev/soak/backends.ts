/**
 * TfL and the skill API as two real HTTP servers on 127.0.0.1 (different ports, so "which host was
 * asked" is observable), answering from recordings, recording every request in full, and able to
 * serve hostile texts. The fuzzer, the soak and the security tests point the skill at these.
 */
import { answerFromRecordings, DEFAULT_RECORDINGS, type RecordedLine, type Recordings } from "../base/fake-backends.ts";
import { TOKENS } from "./events.ts";

/** One request as a backend saw it: nothing redacted, the tests look for secrets themselves. */
export interface SeenRequest {
  readonly server: "tfl" | "skillApi";
  readonly method: string;
  /** Path as sent on the wire (still percent-encoded). */
  readonly path: string;
  /** Raw query without "?". */
  readonly query: string;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly status: number;
}

/** Both servers, their base URLs and what they saw. */
export interface ReliabilityBackends {
  readonly tflUrl: string;
  readonly skillApiUrl: string;
  readonly requests: SeenRequest[];
  stop(): Promise<void>;
}

/** Text the hostile recordings put where TfL's prose goes: tags, entities, quotes, controls. */
export const HOSTILE_TFL_TEXT =
  'Victoria line: <speak><audio src="https://rel.invalid/x.mp3"/></speak> & <break time="10s"/> "signal" ' +
  "failure ]]> at St Pancras' </p><p> \u0000\u0007 end";

/** Favourite ids the hostile account returns: only the catalogue ones may reach a TfL URL. */
export const HOSTILE_FAVOURITES: readonly string[] = Object.freeze([
  "../../Line/Mode/tube/Status",
  "victoria/../../x",
  "victoria,central",
  "VICTORIA",
  "%2e%2e%2f",
  "__proto__",
  "jubilee",
  "",
  "victoria?app_key=stolen",
  "victoria#frag",
  "elizabeth line",
]);

/** The recordings: the default line statuses, plus our accounts; `hostile` swaps prose for tags. */
export function reliabilityRecordings(options: { hostile?: boolean } = {}): Recordings {
  const preferencesByToken: Record<string, unknown> = {
    [TOKENS.favourites]: { favoriteLines: ["victoria", "jubilee"], userId: "rel-user-1" },
    [TOKENS.none]: { favoriteLines: [], userId: "rel-user-2" },
    [TOKENS.nullList]: { favoriteLines: null, userId: "rel-user-3" },
    [TOKENS.hostile]: { favoriteLines: HOSTILE_FAVOURITES, userId: "rel-user-4" },
    [TOKENS.wrongShape]: [{ favoriteLines: "victoria" }],
  };
  if (options.hostile !== true) {
    return { ...DEFAULT_RECORDINGS, preferencesByToken };
  }
  const lines: RecordedLine[] = DEFAULT_RECORDINGS.lines.map((line) => ({
    ...line,
    name: line.modeName === "overground" ? `${line.name} <b>&amp;</b> "${line.id}"` : line.name,
    lineStatuses: [
      {
        statusSeverity: 6,
        statusSeverityDescription: "Severe Delays <emphasis>",
        reason: HOSTILE_TFL_TEXT,
        validityPeriods: [{ isNow: true }],
      },
    ],
  }));
  const disruption = {
    $type: "Tfl.Api.Presentation.Entities.Disruption",
    category: "RealTime",
    description: HOSTILE_TFL_TEXT,
  };
  return {
    lines,
    disruptionsByMode: {
      tube: [disruption],
      overground: [{ ...disruption, description: `${HOSTILE_TFL_TEXT} (2)` }],
      dlr: [],
      "elizabeth-line": [],
    },
    preferencesByToken,
  };
}

/** Options of {@link startReliabilityBackends}. */
export interface BackendOptions {
  /** Overrides TfL's `max-age` (the recordings say 30 s); a short one makes the client refetch. */
  readonly tflMaxAgeSeconds?: number | undefined;
}

/** Starts TfL and the skill API on two free loopback ports. */
export function startReliabilityBackends(
  recordings: Recordings = reliabilityRecordings(),
  options: BackendOptions = {},
): ReliabilityBackends {
  const requests: SeenRequest[] = [];
  const serve = (server: SeenRequest["server"]) =>
    Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(request) {
        const url = new URL(request.url);
        // Each server answers only its own API: a TfL path on the skill API host is a 404, and so on.
        const ownPath = server === "skillApi" ? url.pathname === "/api/preferences" : !url.pathname.startsWith("/api/");
        const response = !ownPath
          ? Response.json({ message: "not this host" }, { status: 404 })
          : server === "skillApi"
            ? answerPreferences(request, recordings)
            : withMaxAge(answerFromRecordings(request, recordings), options.tflMaxAgeSeconds);
        const headers: Record<string, string> = {};
        request.headers.forEach((value, name) => {
          headers[name.toLowerCase()] = value;
        });
        const rawPath = rawPathOf(request.url);
        requests.push({
          server,
          method: request.method,
          path: rawPath.path,
          query: rawPath.query,
          headers,
          status: response.status,
        });
        return response;
      },
    });
  const tfl = serve("tfl");
  const skillApi = serve("skillApi");
  return {
    tflUrl: `http://127.0.0.1:${tfl.port}/`,
    skillApiUrl: `http://127.0.0.1:${skillApi.port}/`,
    requests,
    async stop() {
      await Promise.all([tfl.stop(true), skillApi.stop(true)]);
    },
  };
}

function withMaxAge(response: Response, seconds: number | undefined): Response {
  if (seconds === undefined || response.status !== 200) return response;
  response.headers.set("cache-control", `public, max-age=${seconds}`);
  return response;
}

/**
 * GET /api/preferences by bearer token. Own-key lookup: a token such as "constructor" must be a
 * 401, not Object.prototype's member (src/dev/base/fake-backends.ts answers those with a 500).
 */
function answerPreferences(request: Request, recordings: Recordings): Response {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (token === undefined || !Object.hasOwn(recordings.preferencesByToken, token)) {
    return new Response(null, { status: 401, headers: { "www-authenticate": 'Bearer error="invalid_token"' } });
  }
  return Response.json(recordings.preferencesByToken[token], { headers: { "cache-control": "private, no-store" } });
}

/** Path and query of a URL exactly as written (URL normalises `..`; we want what was sent). */
function rawPathOf(href: string): { path: string; query: string } {
  const afterAuthority = href.replace(/^[a-z]+:\/\/[^/]+/i, "");
  const hash = afterAuthority.indexOf("#");
  const withoutHash = hash === -1 ? afterAuthority : afterAuthority.slice(0, hash);
  const question = withoutHash.indexOf("?");
  return question === -1
    ? { path: withoutHash, query: "" }
    : { path: withoutHash.slice(0, question), query: withoutHash.slice(question + 1) };
}
