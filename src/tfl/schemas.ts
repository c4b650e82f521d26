/**
 * The TfL Unified API answers we read, as valibot schemas listing only the fields the skill uses.
 * Unknown keys (`$type`, `routeSections`, `disruption`, …) are accepted and dropped, which also
 * keeps cached answers small. Built on the first call that needs them, not at import: a launch
 * answer never calls TfL (README, Decisions D28).
 */
import * as v from "valibot";
import { onFirstUse } from "../http/index.ts";

/** One entry of a line's `lineStatuses`; a line can have several at once (README, Decisions D26). */
function lineStatusSchema() {
  return v.object({
    statusSeverity: v.number(),
    statusSeverityDescription: v.optional(v.string()),
    reason: v.optional(v.nullable(v.string())),
    validityPeriods: v.optional(
      v.array(
        v.object({
          isNow: v.optional(v.boolean()),
        }),
      ),
    ),
  });
}
export type LineStatus = v.InferOutput<ReturnType<typeof lineStatusSchema>>;

/** One line from `/Line/{ids}/Status` or `/Line/Mode/{modes}/Status`. */
function lineSchema() {
  return v.object({
    id: v.string(),
    name: v.string(),
    /** "tube", "overground", …: lets a mode answer drop a line of another mode. */
    modeName: v.optional(v.string()),
    lineStatuses: v.array(lineStatusSchema()),
  });
}
export type Line = v.InferOutput<ReturnType<typeof lineSchema>>;

/** One item from `/Line/Mode/{modes}/Disruption`; only `description` is spoken. */
function disruptionSchema() {
  return v.object({
    description: v.string(),
  });
}
export type Disruption = v.InferOutput<ReturnType<typeof disruptionSchema>>;

/** The body of both status endpoints. */
export const linesSchema = onFirstUse(() => v.array(lineSchema()));

/** The body of the disruption endpoint. */
export const disruptionsSchema = onFirstUse(() => v.array(disruptionSchema()));
