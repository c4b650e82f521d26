/**
 * Case-insensitive ordering and de-duplication, as the peer does with ordinal-ignore-case
 * comparisons (no locale rules, so the order never depends on the host's ICU data).
 */

/** Orders strings ignoring case; ties are broken by the exact text so sorting is deterministic. */
export function compareIgnoringCase(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  if (left !== right) return left < right ? -1 : 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Keeps the first of each group of strings that differ only in case, in input order. */
export function uniqueIgnoringCase(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const value of values) {
    const key = value.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(value);
  }
  return unique;
}

/** Sorts TfL lines by display name, ignoring case, without touching the input. */
export function sortByName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareIgnoringCase(a.name, b.name));
}
