/**
 * `bun run bench --profile`: the skill from source (so the profile names our functions) under
 * Bun's `--cpu-prof-md`, answering every request kind in turn with TfL uncached on 127.0.0.1,
 * then the profile's summary and JavaScriptCore's heap statistics.
 */
import { mkdir, readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { LocalRunError } from "../base/cli-support.ts";
import { startRuntimeApiEmulator } from "../base/emulator.ts";
import { buildEvent, LOCAL_SKILL_ID } from "../base/events.ts";
import { RECORDED_ACCESS_TOKEN } from "../base/fake-backends.ts";
import type { ProfileSettings } from "./args.ts";
import { startBenchBackends } from "./backends.ts";
import { functionEnvironment, REQUEST_KINDS, rotate, type Candidate } from "./plan.ts";
import { spawnMeasured } from "../base/bootstrap-process.ts";

/** Where the profile went and what it says in brief. */
export interface ProfileOutcome {
  readonly profilePath: string;
  /** The profile's "Top 10" line and its hot-function table, as Bun wrote them. */
  readonly summary: string;
  /** The `bench.profile.heap` line the entry printed before exiting. */
  readonly heap: string;
}

const PROFILE_ENTRY = "src/dev/bench/profile-entry.ts";

/** Runs one profiled process; throws `LocalRunError` when it fails or writes no profile. */
export async function runProfile(settings: ProfileSettings, root: string, bun: string): Promise<ProfileOutcome> {
  const dir = resolve(root, settings.distDir, "bench", "profile");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const backends = startBenchBackends();
  const emulator = await startRuntimeApiEmulator({ timeoutMs: 10_000, record: false });
  const candidate: Candidate = {
    id: "bun-jit",
    label: "bun src/dev/bench/profile-entry.ts",
    description: "",
    role: "skill",
    argv: [bun, "--cpu-prof-md", "--cpu-prof-interval=100", `--cpu-prof-dir=${dir}`, resolve(root, PROFILE_ENTRY)],
    env: { PROFILE_INVOCATIONS: String(settings.invocations) },
    executable: bun,
    startExecutables: [bun],
    noColdStart: undefined,
    memoryInvocations: 0,
  };
  const env = functionEnvironment(candidate, {
    runtimeApi: emulator.address,
    backendUrl: backends.uncached.url,
    taskRoot: dir,
    path: process.env["PATH"] ?? "/usr/bin:/bin",
    skillId: LOCAL_SKILL_ID,
  });
  const child = spawnMeasured(candidate.argv, { env, cwd: dir });
  try {
    await Promise.race([emulator.waitForNext(), child.exited]);
    const events = {
      launch: buildEvent("launch"),
      status: buildEvent("status", { line: "victoria" }),
      disruption: buildEvent("disruption"),
      commute: buildEvent("commute", { accessToken: RECORDED_ACCESS_TOKEN }),
      help: buildEvent("help"),
    };
    for (let index = 0; index < settings.invocations; index += 1) {
      const kind = rotate(REQUEST_KINDS, index)[0] ?? "status";
      const outcome = await emulator.invoke(events[kind]);
      if (outcome.kind !== "response")
        throw new LocalRunError(`the profiled process failed a ${kind} request: ${outcome.kind}`);
    }
    const code = await Promise.race([child.exited, Bun.sleep(10_000).then(() => "late")]);
    if (code !== 0)
      throw new LocalRunError(`the profiled process did not exit cleanly (${code}):\n${child.outputTail()}`);
  } finally {
    await child.stop();
    await emulator.stop();
    await backends.stop();
  }
  const file = (await readdir(dir)).find((name) => name.endsWith(".md"));
  if (file === undefined) throw new LocalRunError(`no profile in ${dir}:\n${child.outputTail()}`);
  const text = await Bun.file(join(dir, file)).text();
  const heap = /bench\.profile\.heap .*/.exec(child.outputTail())?.[0] ?? "bench.profile.heap (not printed)";
  return { profilePath: join(dir, file), summary: summariseProfile(text, 25), heap };
}

/** The header, "Top 10" line and the first `rows` rows of the hot-function table of Bun's Markdown profile. */
export function summariseProfile(markdown: string, rows: number): string {
  const lines = markdown.split("\n");
  const top = lines.find((line) => line.startsWith("**Top 10:**")) ?? "";
  const start = lines.findIndex((line) => line.startsWith("## Hot Functions"));
  const table: string[] = [];
  for (const line of start === -1 ? [] : lines.slice(start + 1)) {
    if (line.startsWith("|")) table.push(line);
    else if (table.length > 0) break;
  }
  const header = lines.slice(0, 6).filter((line) => line.startsWith("|"));
  return [...header, "", top, "", ...table.slice(0, rows + 2)].join("\n");
}
