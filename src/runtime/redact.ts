const REDACTED = "[redacted]";

/** Replaces literal secrets in text; shared by the logger and the error bodies posted to Lambda. */
export interface Redactor {
  /** Adds secrets, e.g. keys that only init discovers; the longest are replaced first. */
  add(secrets: readonly string[]): void;
  apply(text: string): string;
}

/**
 * Builds a redactor. Empty strings are ignored (replacing "" would mangle every line) and each
 * secret is also matched in its JSON-escaped form, because log lines and error bodies are JSON.
 */
export function createRedactor(secrets: readonly string[] = []): Redactor {
  const needles: string[] = [];
  const redactor: Redactor = {
    add(more) {
      for (const secret of more) {
        if (typeof secret !== "string" || secret === "") continue;
        insertByLength(needles, secret);
        insertByLength(needles, JSON.stringify(secret).slice(1, -1));
      }
    },
    apply(text) {
      let out = text;
      for (const needle of needles) if (out.includes(needle)) out = out.replaceAll(needle, REDACTED);
      return out;
    },
  };
  redactor.add(secrets);
  return redactor;
}

/**
 * Adds `needle` unless present, keeping the longest first, so a secret that contains another is
 * replaced whole. By hand, not a Set and a sort: init adds the function's keys on every cold start,
 * and each built-in's first call costs it 0.1-0.3 ms (README, Decisions D28).
 */
function insertByLength(needles: string[], needle: string): void {
  let at = needles.length;
  for (let index = 0; index < needles.length; index += 1) {
    const present = needles[index] as string;
    if (present === needle) return;
    if (at === needles.length && present.length < needle.length) at = index;
  }
  needles.splice(at, 0, needle);
}
