/**
 * A value built the first time it is asked for, then kept for the life of the sandbox. The skill
 * builds its schemas, patterns and indexes this way rather than at import, so a cold start builds
 * only what its first request uses (README, Decisions D28).
 */
export function onFirstUse<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}
