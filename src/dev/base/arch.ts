/** The two Lambda architectures we build, named as Lambda names them (`--architectures`). */
export type Arch = "x86_64" | "arm64";

/** Both architectures, x86_64 first: the order of every table and build. */
export const ARCHS: readonly Arch[] = ["x86_64", "arm64"];
