/**
 * TfL and the skill's preferences API on 127.0.0.1, answering from recorded responses embedded in
 * this repository, so `bun run invoke` gives a real answer with no network and no keys. The binary
 * finds them through `TFL_API_URL` and `SKILL_API_URL`, as it would find the real ones.
 */
import preferencesRecording from "./recordings/skill-api-preferences.json" with { type: "json" };
import disruptionsRecording from "./recordings/tfl-disruptions.json" with { type: "json" };
import lineStatusRecording from "./recordings/tfl-line-status.json" with { type: "json" };

/** A recorded TfL line as the fake serves it (only what routing needs is typed). */
export interface RecordedLine {
  readonly id: string;
  readonly name: string;
  readonly modeName: string;
  readonly [key: string]: unknown;
}

/** The answers the fake serves; tests pass their own. */
export interface Recordings {
  readonly lines: readonly RecordedLine[];
  readonly disruptionsByMode: Readonly<Record<string, readonly unknown[]>>;
  readonly preferencesByToken: Readonly<Record<string, unknown>>;
}

/** The embedded default: 19 lines, disruptions for the four modes, two linked accounts. */
export const DEFAULT_RECORDINGS: Recordings = {
  lines: lineStatusRecording,
  disruptionsByMode: disruptionsRecording.modes,
  preferencesByToken: preferencesRecording.tokens,
};

/** The token whose recorded preferences hold two favourite lines; `--intent commute` uses it offline. */
export const RECORDED_ACCESS_TOKEN = "local-token-two-lines";

// TfL's own header on status answers; the skill caches for max-age (README, Decisions D12).
const TFL_CACHE_CONTROL = "public, must-revalidate, max-age=30, s-maxage=60";

/** One request the fake saw; query strings are kept, `app_key` values are redacted. */
export interface BackendRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly authorized: boolean;
}

/** Answers one request from the recordings: TfL `/Line/…` routes and `GET /api/preferences`. */
export function answerFromRecordings(request: Request, recordings: Recordings = DEFAULT_RECORDINGS): Response {
  const url = new URL(request.url);
  if (request.method !== "GET") {
    return tflError(
      405,
      "MethodNotAllowed",
      url,
      `The requested resource does not support http method '${request.method}'.`,
    );
  }
  const segments = url.pathname
    .split("/")
    .filter((segment) => segment.length > 0)
    .map(decodeSegment);
  const [first, second, third, fourth] = segments.map((segment) => segment.toLowerCase());
  if (first === "api" && second === "preferences" && segments.length === 2) {
    return answerPreferences(request, recordings);
  }
  if (
    first === "line" &&
    second === "mode" &&
    segments.length === 4 &&
    (fourth === "status" || fourth === "disruption")
  ) {
    const modes = splitIds(segments[2] ?? "");
    if (fourth === "status") {
      return tflJson(recordings.lines.filter((line) => modes.includes(line.modeName.toLowerCase())));
    }
    return tflJson(modes.flatMap((mode) => recordings.disruptionsByMode[mode] ?? []));
  }
  if (first === "line" && segments.length === 3 && third === "status") {
    const ids = splitIds(segments[1] ?? "");
    const unknown = ids.filter((id) => !recordings.lines.some((line) => line.id === id));
    if (unknown.length > 0) {
      return tflError(404, "NotFound", url, `The following line ids are not recognised: ${unknown.join(", ")}`);
    }
    return tflJson(ids.map((id) => recordings.lines.find((line) => line.id === id)));
  }
  return tflError(404, "NotFound", url, "Resource not found");
}

function answerPreferences(request: Request, recordings: Recordings): Response {
  const authorization = request.headers.get("authorization") ?? "";
  const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  const preferences =
    token === undefined || !Object.hasOwn(recordings.preferencesByToken, token)
      ? undefined
      : recordings.preferencesByToken[token];
  if (preferences === undefined) {
    return new Response(null, { status: 401, headers: { "www-authenticate": 'Bearer error="invalid_token"' } });
  }
  return Response.json(preferences, { headers: { "cache-control": "private, no-store" } });
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function splitIds(joined: string): string[] {
  return joined
    .split(",")
    .map((id) => id.trim().toLowerCase())
    .filter((id) => id.length > 0);
}

function tflJson(body: unknown): Response {
  return Response.json(body, {
    headers: { "cache-control": TFL_CACHE_CONTROL, "content-type": "application/json; charset=utf-8" },
  });
}

function tflError(status: number, httpStatus: string, url: URL, message: string): Response {
  return Response.json(
    {
      $type: "Tfl.Api.Presentation.Entities.ApiError, Tfl.Api.Presentation.Entities",
      timestampUtc: new Date().toISOString(),
      exceptionType: status === 404 ? "EntityNotFoundException" : "HttpException",
      httpStatusCode: status,
      httpStatus,
      relativeUri: url.pathname + url.search,
      message,
    },
    { status, headers: { "cache-control": "no-cache" } },
  );
}

/** The running fake: its base URL (for both `TFL_API_URL` and `SKILL_API_URL`) and what it was asked. */
export interface FakeBackends {
  readonly url: string;
  readonly requests: readonly BackendRequest[];
  stop(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export function startFakeBackends(recordings: Recordings = DEFAULT_RECORDINGS): FakeBackends {
  const requests: BackendRequest[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const response = answerFromRecordings(request, recordings);
      const url = new URL(request.url);
      url.searchParams.forEach((_value, key) => {
        if (key.toLowerCase() === "app_key") {
          url.searchParams.set(key, "[redacted]");
        }
      });
      requests.push({
        method: request.method,
        path: url.pathname + url.search,
        status: response.status,
        authorized: request.headers.has("authorization"),
      });
      return response;
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/`,
    requests,
    stop: async () => {
      await server.stop(true);
    },
  };
}
