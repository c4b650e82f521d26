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
  let needles: string[] = [];
  const redactor: Redactor = {
    add(more) {
      // Nothing to add is the common start (no secret in the environment): no copy, no sort, whose first
      // call costs a cold start about 0.1 ms, like every built-in's first call (README, Decisions D28).
      if (more.length === 0) return;
      const set = new Set(needles);
      for (const secret of more) {
        if (typeof secret !== "string" || secret === "") continue;
        set.add(secret);
        set.add(JSON.stringify(secret).slice(1, -1));
      }
      // Longest first, so a secret that contains another is replaced whole.
      needles = [...set].sort((a, b) => b.length - a.length);
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
