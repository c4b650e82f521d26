/**
 * What the dev tools read about a process: its memory from /proc/<pid>/status (the one reader), and
 * `runCommand` for a command whose output is wanted whole (compilers, git).
 */
import { readdirSync, readFileSync } from "node:fs";

/** What /proc/<pid>/status says about memory, KiB; undefined once the process is gone. */
export interface ProcessMemory {
  readonly peakKb: number;
  readonly rssKb: number;
  /** RssAnon: heap and stacks, what the process itself allocated. */
  readonly anonKb?: number | undefined;
  /** RssFile: mapped file pages (the executable, libc); depends on how the page cache holds them. */
  readonly fileKb?: number | undefined;
}

/** VmHWM and VmRSS of a live process, from /proc/<pid>/status. */
export function readProcessMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  return parseProcessMemory(status);
}

/** The `VmHWM` and `VmRSS` lines of a /proc status file, in KiB. */
export function parseProcessMemory(status: string): ProcessMemory | undefined {
  const field = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, "m").exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  };
  const peakKb = field("VmHWM");
  const rssKb = field("VmRSS");
  return peakKb === undefined || rssKb === undefined
    ? undefined
    : { peakKb, rssKb, anonKb: field("RssAnon"), fileKb: field("RssFile") };
}

/** What /proc/<pid>/io says: bytes fetched from the storage layer, bytes and calls through read(2). */
export interface ProcessIo {
  /** Bytes the process caused to be read from the disk, page faults on mapped files included. */
  readonly readBytes: number;
  /** Bytes passed through read(2) and friends, from the page cache or not. */
  readonly rchar: number;
  /** read(2)-like system calls. */
  readonly syscr: number;
}

/** /proc/<pid>/io of a live process (root, or the same user); undefined once it is gone. */
export function readProcessIo(pid: number): ProcessIo | undefined {
  try {
    return parseProcessIo(readFileSync(`/proc/${pid}/io`, "utf8"));
  } catch {
    return undefined;
  }
}

/** The `read_bytes`, `rchar` and `syscr` lines of a /proc io file. */
export function parseProcessIo(text: string): ProcessIo | undefined {
  const field = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+)$`, "m").exec(text);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  };
  const readBytes = field("read_bytes");
  const rchar = field("rchar");
  const syscr = field("syscr");
  return readBytes === undefined || rchar === undefined || syscr === undefined
    ? undefined
    : { readBytes, rchar, syscr };
}

/** Major (from the disk) and minor page faults so far, from /proc/<pid>/stat. */
export function readProcessFaults(pid: number): { readonly minor: number; readonly major: number } | undefined {
  try {
    return parseProcessFaults(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/** Fields 10 (minflt) and 12 (majflt) of a /proc stat line; the command name may hold spaces and parentheses. */
export function parseProcessFaults(stat: string): { readonly minor: number; readonly major: number } | undefined {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After "pid (comm) ", field 3 (state) is index 0, so field n is index n - 3.
  const minor = Number(fields[10 - 3]);
  const major = Number(fields[12 - 3]);
  return Number.isFinite(minor) && Number.isFinite(major) ? { minor, major } : undefined;
}

/**
 * Drops one file's pages from the page cache (GNU dd's `iflag=nocache count=0` is posix_fadvise
 * POSIX_FADV_DONTNEED over the whole file): the next start reads it from the disk, and nothing else
 * on the machine loses its cache. Pages a running process has mapped stay, and so do dirty ones, so
 * the file is synced first (a just-built executable is still being written back). Returns false
 * when dd failed.
 */
export function evictFromPageCache(path: string): boolean {
  Bun.spawnSync(["sync", path], { stdout: "ignore", stderr: "ignore" });
  const result = Bun.spawnSync(["dd", `if=${path}`, "iflag=nocache", "count=0", "status=none"], {
    stdout: "ignore",
    stderr: "ignore",
  });
  return result.exitCode === 0;
}

/**
 * KiB of a file's pages a live process has mapped (the Rss of its mappings in /proc/<pid>/smaps):
 * the part of the executable the start actually touched, whatever the kernel read ahead around it.
 */
export function readMappedFileKb(pid: number, path: string): number | undefined {
  let smaps: string;
  try {
    smaps = readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return undefined;
  }
  return parseMappedFileKb(smaps, path);
}

/** Sums the `Rss:` of every mapping in a smaps text whose pathname is `path`. */
export function parseMappedFileKb(smaps: string, path: string): number {
  let total = 0;
  let inFile = false;
  for (const line of smaps.split("\n")) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      inFile = line.endsWith(` ${path}`);
    } else if (inFile && line.startsWith("Rss:")) {
      total += Number(/(\d+)/.exec(line)?.[1] ?? 0);
    }
  }
  return total;
}

/**
 * CPU time so far, ns, from /proc/<pid>/task/<tid>/schedstat: the main thread's and all threads'
 * together. Unlike wall time it does not count waiting for a core, so other work on the machine
 * moves it much less.
 */
export function readProcessCpu(pid: number): { readonly mainNs: number; readonly allNs: number } | undefined {
  try {
    const mainNs = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ")[0]);
    let allNs = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        allNs += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return { mainNs, allNs };
  } catch {
    return undefined;
  }
}

/** Result of running a command: exit code and its stdout and stderr together. */
export interface CommandResult {
  readonly exitCode: number;
  readonly output: string;
}

/** Runs a command with both output streams captured; the real `runCommand`. */
export async function runCommand(argv: readonly string[], cwd: string): Promise<CommandResult> {
  const child = Bun.spawn([...argv], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { exitCode, output: `${stdout}${stderr}` };
}
