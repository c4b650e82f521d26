/**
 * One size limit on a list of paragraphs. `cost` must be additive (cost(a + b) = cost(a) + cost(b)),
 * which holds for character counts, escaped lengths and JSON byte counts.
 */
export interface Allowance {
  readonly cost: (text: string) => number;
  /** Total that may be spent on paragraphs, after any fixed overhead. */
  readonly limit: number;
  /** Extra cost of each paragraph kept (separator or wrapper). */
  readonly perParagraph: number;
}

interface Room {
  readonly cost: (text: string) => number;
  readonly limit: number;
}

/** Marks text cut in the middle of a sentence. */
export const ELLIPSIS = "…";

/** Bytes a string takes inside a JSON document, without its quotes. */
export function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), "utf8") - 2;
}

function takeWhileFits(pieces: readonly string[], separator: string, rooms: readonly Room[]): string[] {
  const used = rooms.map(() => 0);
  const taken: string[] = [];
  for (const piece of pieces) {
    const needs = rooms.map((room) => room.cost(piece) + (taken.length > 0 ? room.cost(separator) : 0));
    if (!rooms.every((room, i) => (used[i] ?? 0) + (needs[i] ?? 0) <= room.limit)) {
      break;
    }
    needs.forEach((need, i) => {
      used[i] = (used[i] ?? 0) + need;
    });
    taken.push(piece);
  }
  return taken;
}

/**
 * Shortens one paragraph to fit every room: whole sentences if at least one fits, else whole words
 * then an ellipsis, else characters then an ellipsis; "" when not even that fits.
 */
export function truncateText(text: string, rooms: readonly Room[]): string {
  const fitsWhole = rooms.every((room) => room.cost(text) <= room.limit);
  if (fitsWhole) {
    return text;
  }
  const sentences = text.split(/(?<=[.!?])\s+/);
  if (sentences.length > 1) {
    const taken = takeWhileFits(sentences, " ", rooms);
    if (taken.length > 0) {
      return taken.join(" ");
    }
  }
  const withEllipsis = rooms.map((room) => ({ cost: room.cost, limit: room.limit - room.cost(ELLIPSIS) }));
  const words = takeWhileFits(text.split(/\s+/), " ", withEllipsis);
  if (words.length > 0) {
    return words.join(" ") + ELLIPSIS;
  }
  const characters = takeWhileFits(Array.from(text), "", withEllipsis);
  return characters.length > 0 ? characters.join("") + ELLIPSIS : "";
}

/**
 * Keeps paragraphs in order while they fit every allowance; the first one that does not fit is
 * shortened sensibly and everything after it is dropped.
 */
export function fitParagraphs(paragraphs: readonly string[], allowances: readonly Allowance[]): string[] {
  const used = allowances.map(() => 0);
  const kept: string[] = [];
  for (const paragraph of paragraphs) {
    const needs = allowances.map((allowance) => allowance.perParagraph + allowance.cost(paragraph));
    if (allowances.every((allowance, i) => (used[i] ?? 0) + (needs[i] ?? 0) <= allowance.limit)) {
      needs.forEach((need, i) => {
        used[i] = (used[i] ?? 0) + need;
      });
      kept.push(paragraph);
      continue;
    }
    const rooms = allowances.map((allowance, i) => ({
      cost: allowance.cost,
      limit: allowance.limit - (used[i] ?? 0) - allowance.perParagraph,
    }));
    const shortened = truncateText(paragraph, rooms);
    if (shortened !== "") {
      kept.push(shortened);
    }
    break;
  }
  return kept;
}
