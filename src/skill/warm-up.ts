/**
 * Work the first request needs whatever it is, done before it arrives: the composition root hands
 * this to the runtime, which runs it while the first GET /next is in flight (Bun's HTTP client is
 * still starting its thread and connecting, and the main thread would otherwise wait; README,
 * Decisions D28). It parses a made-up launch envelope (building the probe and launch schemas and
 * running valibot's parse once), builds the intent envelope schema, and runs the speech and response
 * code once on the welcome, which every spoken answer shares (verbalizer, SSML, limits). Nothing is
 * sent or logged, and nothing is kept but the schemas.
 */
import { parseAlexaEvent } from "./handler.ts";
import { speak } from "./response.ts";
import { requestEnvelopeSchema } from "./schemas.ts";
import { strings } from "./speech/strings.ts";

/** The shape of a real launch request, with made-up values; only ever parsed, never answered. */
const WARM_UP_EVENT = {
  version: "1.0",
  session: {
    sessionId: "warm-up",
    application: { applicationId: "warm-up" },
    user: { userId: "warm-up" },
  },
  context: { System: { application: { applicationId: "warm-up" } } },
  request: { type: "LaunchRequest", requestId: "warm-up", timestamp: "2026-01-01T00:00:00Z", locale: "en-GB" },
};

/** Prepares the skill for its first request. */
export function warmUp(): void {
  parseAlexaEvent(WARM_UP_EVENT);
  requestEnvelopeSchema("IntentRequest");
  speak([strings.launch]).withReprompt([strings.launchReprompt]).keepSessionOpen().build();
}
