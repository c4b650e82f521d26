import { onFirstUse } from "./on-first-use.ts";
import { lineNameAsTitle } from "./speech/line-names.ts";
import { strings } from "./speech/strings.ts";

/** TfL ids of every line the skill can report on. */
export type LineId =
  | "bakerloo"
  | "central"
  | "circle"
  | "district"
  | "dlr"
  | "elizabeth"
  | "hammersmith-city"
  | "jubilee"
  | "liberty"
  | "lioness"
  | "metropolitan"
  | "mildmay"
  | "northern"
  | "piccadilly"
  | "suffragette"
  | "victoria"
  | "waterloo-city"
  | "weaver"
  | "windrush";

/** TfL mode a line belongs to. */
export type LineMode = "tube" | "dlr" | "elizabeth-line" | "overground";

/** One line of the catalogue: the single source of truth for ids, names and the interaction model. */
export interface Line {
  readonly id: LineId;
  /** TfL display name, e.g. "Hammersmith & City", "Elizabeth line", "DLR". */
  readonly name: string;
  readonly mode: LineMode;
  /** Value published in the interaction model's LINE_NAME slot type. */
  readonly slotValue: string;
  /** Synonyms published in the interaction model. */
  readonly synonyms: readonly string[];
  /** Extra spoken forms accepted from a raw slot value but not published (legacy names, nicknames). */
  readonly aliases: readonly string[];
  /** Status card title: "Bakerloo Line Status", "DLR Status", "Elizabeth line Status", "Mildmay line Status". */
  readonly cardTitle: string;
}

/** What a spoken line name asks for: one line, or all six London Overground lines. */
export type LineQuery = { readonly kind: "line"; readonly line: Line } | { readonly kind: "overground" };

/** The TfL mode whose lines answer "the Overground". */
export const OVERGROUND_MODE = "overground";

/** The LINE_NAME slot value for the London Overground as a whole (its id is the TfL mode). */
export const OVERGROUND_SLOT = Object.freeze({
  id: OVERGROUND_MODE,
  slotValue: "london overground",
  synonyms: Object.freeze(["overground"]) as readonly string[],
  aliases: Object.freeze(["london-overground"]) as readonly string[],
});

/** TfL modes queried for "is there any disruption": the Tube, the Overground, the DLR and the Elizabeth line. */
export const DISRUPTION_MODES: readonly string[] = Object.freeze(["dlr", "elizabeth-line", "overground", "tube"]);

function defineLine(
  id: LineId,
  name: string,
  mode: LineMode,
  slotValue: string,
  synonyms: readonly string[] = [],
  aliases: readonly string[] = [],
): Line {
  return Object.freeze({
    id,
    name,
    mode,
    slotValue,
    synonyms: Object.freeze([...synonyms]),
    aliases: Object.freeze([...aliases]),
    // Derived when read, not when the catalogue is built at import: deriving all 19 titles there
    // cost every cold start about 0.9 ms before the first answer (README, Decisions D28).
    get cardTitle(): string {
      return strings.lineCardTitle(lineNameAsTitle(name));
    },
  });
}

/** All 19 lines, ordered by TfL id. */
export const LINES: readonly Line[] = Object.freeze([
  defineLine("bakerloo", "Bakerloo", "tube", "bakerloo"),
  defineLine("central", "Central", "tube", "central"),
  defineLine("circle", "Circle", "tube", "circle"),
  defineLine("district", "District", "tube", "district"),
  defineLine("dlr", "DLR", "dlr", "dlr", [
    "d. l. r.",
    "d.l.r.",
    "docklands",
    "docklands light railway",
    "docklands light rail",
    "docklands railway",
    "docklands rail",
  ]),
  defineLine(
    "elizabeth",
    "Elizabeth line",
    "elizabeth-line",
    "elizabeth",
    ["crossrail", "liz", "lizzie", "lizzy"],
    ["liz line", "lizzy line", "tfl rail", "tfl-rail", "elizabeth-line"],
  ),
  defineLine(
    "hammersmith-city",
    "Hammersmith & City",
    "tube",
    "hammersmith and city",
    ["hammersmith"],
    ["hammersmith & city", "hammersmith city"],
  ),
  defineLine("jubilee", "Jubilee", "tube", "jubilee"),
  defineLine("liberty", "Liberty", "overground", "liberty"),
  defineLine("lioness", "Lioness", "overground", "lioness"),
  defineLine("metropolitan", "Metropolitan", "tube", "metropolitan", ["met"]),
  defineLine("mildmay", "Mildmay", "overground", "mildmay"),
  defineLine("northern", "Northern", "tube", "northern"),
  defineLine("piccadilly", "Piccadilly", "tube", "piccadilly"),
  defineLine("suffragette", "Suffragette", "overground", "suffragette"),
  defineLine("victoria", "Victoria", "tube", "victoria"),
  defineLine(
    "waterloo-city",
    "Waterloo & City",
    "tube",
    "waterloo and city",
    ["waterloo", "city", "drain"],
    ["waterloo & city", "waterloo city"],
  ),
  defineLine("weaver", "Weaver", "overground", "weaver"),
  defineLine("windrush", "Windrush", "overground", "windrush"),
]);

/** Looks a line up by its TfL id (case-insensitive); unknown ids give undefined, so they never reach a URL. */
export function findLine(id: string): Line | undefined {
  const wanted = id.trim().toLowerCase();
  return LINES.find((line) => line.id === wanted);
}

/**
 * Reduces a spoken or written line name to a lookup key: lower case, curly apostrophes straight,
 * "&" read as "and", hyphens and underscores as spaces, whitespace collapsed, a leading "the" and a
 * trailing "line" dropped, spelt-out letters ("d. l. r.") joined up. Regular expressions, written
 * inside the function so that nothing is compiled before the first lookup. A hand-written character
 * loop (with its own table of whitespace code points) was measured against them by `bun run
 * src/dev/bench/line-index.ts`: deriving the catalogue's keys took the same CPU time within the noise,
 * and warm keys were no faster, so the shorter definition stays.
 */
export function lineNameKey(text: string): string {
  let key = text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/&/g, " and ")
    .replace(/[-_]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  key = key
    .replace(/^the\s+/, "")
    .replace(/(?:^|\s+)line$/, "")
    .trim();
  if (/^[a-z](?:[.\s]+[a-z])+\.?$/.test(key) || /^(?:[a-z]\.){2,}$/.test(key)) {
    key = key.replace(/[.\s]/g, "");
  }
  return key;
}

/** What a lookup key names: a line, or the Overground as a whole. */
export type LineNameTarget = LineId | typeof OVERGROUND_MODE;

/**
 * Every lookup key of the catalogue and what it names, as `lineNameKey` derives it from every form
 * of LINES and OVERGROUND_SLOT (id, name, slot value, synonyms, aliases; later forms win).
 */
export function deriveLineNameKeys(): ReadonlyMap<string, LineNameTarget> {
  const keys = new Map<string, LineNameTarget>();
  for (const line of LINES) {
    for (const form of [line.id, line.name, line.slotValue, ...line.synonyms, ...line.aliases]) {
      keys.set(lineNameKey(form), line.id);
    }
  }
  const overground = OVERGROUND_SLOT;
  for (const form of [overground.id, overground.slotValue, ...overground.synonyms, ...overground.aliases]) {
    keys.set(lineNameKey(form), OVERGROUND_MODE);
  }
  return keys;
}

/**
 * The catalogue's lookup keys, derived on the first lookup rather than at import: the launch answer
 * never names a line. `bun run src/dev/bench/line-index.ts` measures the derivation against a
 * written-out table: a few milliseconds of CPU once per sandbox, on its first line lookup, against a
 * second copy of the catalogue to keep in step by hand.
 */
export const lineNameKeys: () => ReadonlyMap<string, LineNameTarget> = onFirstUse(deriveLineNameKeys);

const OVERGROUND_QUERY: LineQuery = Object.freeze({ kind: "overground" });

/** One frozen query per line, by id; built with the lookup keys, on the first lookup. */
const lineQueries: () => ReadonlyMap<string, LineQuery> = onFirstUse(
  () => new Map(LINES.map((line) => [line.id, Object.freeze({ kind: "line", line })] as const)),
);

/** Resolves one name (slot value, entity-resolution id or name) to a query, or undefined. */
function resolveLineName(text: string | null | undefined): LineQuery | undefined {
  if (typeof text !== "string") {
    return undefined;
  }
  const target = lineNameKeys().get(lineNameKey(text));
  if (target === undefined) {
    return undefined;
  }
  return target === OVERGROUND_MODE ? OVERGROUND_QUERY : lineQueries().get(target);
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function resolveFromEntityResolution(resolutions: unknown): LineQuery | undefined {
  const authorities = field(resolutions, "resolutionsPerAuthority");
  if (!Array.isArray(authorities)) {
    return undefined;
  }
  for (const authority of authorities) {
    if (field(field(authority, "status"), "code") !== "ER_SUCCESS_MATCH") {
      continue;
    }
    const values = field(authority, "values");
    if (!Array.isArray(values)) {
      continue;
    }
    for (const entry of values) {
      const value = field(entry, "value");
      const id = field(value, "id");
      const name = field(value, "name");
      const query =
        (typeof id === "string" ? resolveLineName(id) : undefined) ??
        (typeof name === "string" ? resolveLineName(name) : undefined);
      if (query !== undefined) {
        return query;
      }
    }
  }
  return undefined;
}

/**
 * Turns the LINE slot into a query (README, Decisions D1 and D2): Alexa's entity resolution first
 * (ER_SUCCESS_MATCH, by value id then name), then the raw value. Unknown or empty -> undefined.
 */
export function resolveLine(
  slot: { readonly value?: string | null | undefined; readonly resolutions?: unknown } | undefined,
): LineQuery | undefined {
  if (slot === undefined) {
    return undefined;
  }
  return resolveFromEntityResolution(slot.resolutions) ?? resolveLineName(slot.value);
}
