/**
 * The London Travel website's `GET /api/preferences` answer, as far as the skill reads it:
 * `favoriteLines` only (`userId` and anything else are dropped). A `null` body, or a missing or
 * `null` list, means the user has no favourites (README, Decisions D8).
 */
import * as v from "valibot";
import { onFirstUse } from "../http/index.ts";

function buildPreferencesSchema() {
  return v.nullable(
    v.pipe(
      // valibot's `object` accepts arrays; an array is not a preferences document.
      v.custom<unknown>((input) => !Array.isArray(input), "Invalid type: Expected Object but received Array"),
      v.object({
        favoriteLines: v.nullish(v.array(v.string())),
      }),
    ),
  );
}
export type Preferences = v.InferOutput<ReturnType<typeof buildPreferencesSchema>>;

/**
 * The body of `GET /api/preferences`, built on the first commute question, not at import: most
 * sandboxes start with another request (README, Decisions D28).
 */
export const preferencesSchema = onFirstUse(buildPreferencesSchema);
