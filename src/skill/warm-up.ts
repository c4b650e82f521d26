/**
 * Work the first request needs whatever it is, done before it arrives: the composition root hands
 * this to the runtime, which runs it while the first GET /next is in flight (Bun's HTTP client is
 * still starting its thread and connecting, and the main thread would otherwise wait). It builds the
 * envelope schemas and runs the speech and response code once, on the welcome, which every spoken
 * answer shares (verbalizer, SSML, limits). Nothing is sent, logged or kept but the schemas.
 * Measured: the launch answer 0.? ms sooner (README, Decisions D28).
 */
import { speak } from "./response.ts";
import { buildEnvelopeSchemas } from "./schemas.ts";
import { strings } from "./speech/strings.ts";

/** Prepares the skill for its first request. */
export function warmUp(): void {
  buildEnvelopeSchemas();
  speak([strings.launch]).withReprompt([strings.launchReprompt]).keepSessionOpen().build();
}
