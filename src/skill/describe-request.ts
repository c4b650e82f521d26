/**
 * The trace attributes of one Alexa request, named as the published skill names them
 * (`alexa.request.type`, `alexa.request.intent.name`, …). A pure function of the raw event, so the
 * composition root can label a span before the handler runs; it never throws, and reads nothing
 * personal (no user id, no access token).
 */
import * as v from "valibot";
import { onFirstUse } from "./on-first-use.ts";

/** Attribute name → value; undefined values are left out of the span. */
export type RequestAttributes = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The schema, built on the first traced request: with tracing off (the default) it is never needed,
 * and building it at import would put its construction on every cold start.
 */
const describedSchema = onFirstUse(buildSchema);

function buildSchema() {
  const OptionalText = v.fallback(v.nullish(v.string()), undefined);
  return v.object({
    request: v.object({
      type: OptionalText,
      requestId: OptionalText,
      locale: OptionalText,
      intent: v.fallback(
        v.nullish(
          v.object({
            name: OptionalText,
            slots: v.fallback(
              v.nullish(v.record(v.string(), v.object({ name: OptionalText, value: OptionalText }))),
              undefined,
            ),
          }),
        ),
        undefined,
      ),
    }),
    context: v.fallback(
      v.nullish(
        v.object({
          System: v.fallback(
            v.nullish(
              v.object({ application: v.fallback(v.nullish(v.object({ applicationId: OptionalText })), undefined) }),
            ),
            undefined,
          ),
        }),
      ),
      undefined,
    ),
    session: v.fallback(
      v.nullish(v.object({ application: v.fallback(v.nullish(v.object({ applicationId: OptionalText })), undefined) })),
      undefined,
    ),
  });
}

/** `alexa.*` attributes of the event; an event without a `request` object gets none. */
export function describeRequest(event: unknown): RequestAttributes {
  const parsed = v.safeParse(describedSchema(), event);
  if (!parsed.success) return {};
  const { request, context, session } = parsed.output;
  const slots = request.intent?.slots;
  return {
    "alexa.request.type": request.type ?? undefined,
    "alexa.request.id": request.requestId ?? undefined,
    "alexa.request.locale": request.locale ?? undefined,
    "alexa.request.intent.name": request.intent?.name ?? undefined,
    "alexa.request.intent.slots":
      slots === undefined || slots === null
        ? undefined
        : Object.entries(slots).map(([key, slot]) => `${slot.name ?? key}=${slot.value ?? ""}`),
    "alexa.context.system.application.id":
      context?.System?.application?.applicationId ?? session?.application?.applicationId ?? undefined,
  };
}
