/**
 * TfL and the skill API for the bench: the recorded answers of `src/dev/base/fake-backends.ts`, once
 * with TfL's own `max-age` (the production path for a repeated question) and once with
 * `no-cache`, so every status, disruption and commute request crosses loopback.
 */
import { answerFromRecordings, startFakeBackends, type FakeBackends } from "../base/fake-backends.ts";
import { startFakeOtlpReceiver, type FakeOtlpReceiver } from "../base/fake-otlp-receiver.ts";

/** Both fakes; `stop` stops both. */
export interface BenchBackends {
  /** TfL answers carry `max-age=30`: the skill's cache serves repeats. */
  readonly cached: FakeBackends;
  /** TfL answers carry `no-cache`: the skill calls TfL every time. */
  readonly uncached: { readonly url: string; stop(): Promise<void> };
  /** Receives the traced candidate's exports; counts them without keeping the spans. */
  readonly otlp: FakeOtlpReceiver;
  stop(): Promise<void>;
}

/** Starts both fakes on 127.0.0.1, ephemeral ports. */
export function startBenchBackends(): BenchBackends {
  const cached = startFakeBackends();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const response = answerFromRecordings(request);
      response.headers.set("cache-control", "no-cache");
      return response;
    },
  });
  const uncached = {
    url: `http://127.0.0.1:${server.port}/`,
    stop: async (): Promise<void> => {
      await server.stop(true);
    },
  };
  const otlp = startFakeOtlpReceiver({ record: false });
  return {
    cached,
    uncached,
    otlp,
    stop: async () => {
      await Promise.all([cached.stop(), uncached.stop(), otlp.stop()]);
    },
  };
}
