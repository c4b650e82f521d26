/**
 * The TfL Unified API answers we read, as valibot schemas listing only the fields the skill uses.
 * Unknown keys (`$type`, `routeSections`, `disruption`, …) are accepted and dropped, which also
 * keeps cached answers small.
 */
import * as v from "valibot";

/** One entry of a line's `lineStatuses`; a line can have several at once (README, Decisions D26). */
export const LineStatusSchema = v.object({
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
export type LineStatus = v.InferOutput<typeof LineStatusSchema>;

/** One line from `/Line/{ids}/Status` or `/Line/Mode/{modes}/Status`. */
export const LineSchema = v.object({
  id: v.string(),
  name: v.string(),
  /** "tube", "overground", …: lets a mode answer drop a line of another mode. */
  modeName: v.optional(v.string()),
  lineStatuses: v.array(LineStatusSchema),
});
export type Line = v.InferOutput<typeof LineSchema>;

/** The body of both status endpoints. */
export const LinesSchema = v.array(LineSchema);

/** One item from `/Line/Mode/{modes}/Disruption`; only `description` is spoken. */
export const DisruptionSchema = v.object({
  description: v.string(),
});
export type Disruption = v.InferOutput<typeof DisruptionSchema>;

/** The body of the disruption endpoint. */
export const DisruptionsSchema = v.array(DisruptionSchema);
