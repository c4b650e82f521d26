/**
 * Removes credentials from text that may reach a log line or an error: ky 2 and Bun put the full
 * request URL (with `app_key`) into their messages (README, Decisions D13), and Bun's network
 * errors carry it in `path`. Clients never keep those errors; this scrubs what they do keep.
 */

const REDACTED = "[redacted]";
const CREDENTIAL_QUERY = /([?&;](?:app_key|app_id|access_token|token|key)=)[^&#\s"'<>]*/gi;
const BEARER = /\b(Bearer)\s+[^\s"',;]+/gi;

/** Replaces credential query values, bearer tokens and every literal secret (raw or URL-encoded). */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let result = text.replace(CREDENTIAL_QUERY, `$1${REDACTED}`).replace(BEARER, `$1 ${REDACTED}`);
  for (const secret of secretForms(secrets)) {
    result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** A fresh Error holding only a redacted name, message and `code`: safe to keep as a `cause`. */
export function sanitizeError(error: unknown, secrets: readonly string[] = []): Error {
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  const safe = new Error(redactSecrets(message, secrets));
  safe.name = redactSecrets(name, secrets);
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === "string") Object.defineProperty(safe, "code", { value: code, enumerable: true });
  return safe;
}

function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === "") continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}
