import { afterAll } from "bun:test";

/**
 * Returns `stopLater`: every server or function handed to it is stopped after the file's last test,
 * all at once, so a failing test leaves nothing listening or running.
 */
export function stopAfterAll(): (stop: () => Promise<unknown>) => void {
  const stoppers: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    await Promise.all(stoppers.map((stop) => stop()));
  });
  return (stop) => {
    stoppers.push(stop);
  };
}
