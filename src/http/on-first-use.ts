/**
 * A value built the first time it is asked for, then kept for the life of the sandbox. The clients
 * build their response schemas this way: a cold start whose first request calls no upstream never
 * builds them (README, Decisions D28).
 */
export function onFirstUse<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}
