/**
 * An empty program, compiled with the bootstrap's flags: its size is Bun's own, the base of the
 * "executable at most 1 MiB over an empty Bun executable" budget.
 */
export {};
