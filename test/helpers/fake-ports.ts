/**
 * Fake ports for the skill tests: plain objects that record every call and answer from what the
 * test scripted. A method the test did not script throws, so an unexpected TfL or skill-API call
 * fails the test instead of passing quietly.
 */
import type {
  Budget,
  Logger,
  PreferencesPort,
  PreferencesResult,
  SkillDeps,
  SkillInvocation,
  TflDisruption,
  TflLine,
  TflPort,
} from "../../src/skill/ports.ts";

/** One recorded port call. */
export type PortCall =
  | { readonly method: "getLineStatuses"; readonly ids: readonly string[]; readonly budget: Budget }
  | { readonly method: "getModeStatuses"; readonly modes: readonly string[]; readonly budget: Budget }
  | { readonly method: "getModeDisruptions"; readonly modes: readonly string[]; readonly budget: Budget }
  | { readonly method: "getPreferences"; readonly accessToken: string; readonly budget: Budget };

/** An answer: a value, an error to reject with, or a function of the arguments. */
export type Scripted<A, R> = R | Error | ((argument: A) => R | Promise<R>);

/** What each fake method answers; leave one out and calling it throws. */
export interface PortScript {
  readonly lineStatuses?: Scripted<readonly string[], readonly TflLine[]>;
  readonly modeStatuses?: Scripted<readonly string[], readonly TflLine[]>;
  readonly disruptions?: Scripted<readonly string[], readonly TflDisruption[]>;
  readonly preferences?: Scripted<string, PreferencesResult>;
}

/** Thrown by a fake port method the test did not script. */
export class UnexpectedPortCallError extends Error {
  override readonly name = "UnexpectedPortCallError";
}

/** A fake port failure, standing in for a TfL or skill-API client error. */
export class FakePortError extends Error {
  override readonly name = "FakePortError";
}

/** Fake TfL and preferences ports plus the list of calls they received. */
export interface FakePorts {
  readonly tfl: TflPort;
  readonly preferences: PreferencesPort;
  readonly calls: PortCall[];
}

/** Builds fake ports answering from `script`. */
export function createFakePorts(script: PortScript = {}): FakePorts {
  const calls: PortCall[] = [];
  const tfl: TflPort = {
    getLineStatuses(ids, budget) {
      calls.push({ method: "getLineStatuses", ids: [...ids], budget });
      return answer("getLineStatuses", script.lineStatuses, ids);
    },
    getModeStatuses(modes, budget) {
      calls.push({ method: "getModeStatuses", modes: [...modes], budget });
      return answer("getModeStatuses", script.modeStatuses, modes);
    },
    getModeDisruptions(modes, budget) {
      calls.push({ method: "getModeDisruptions", modes: [...modes], budget });
      return answer("getModeDisruptions", script.disruptions, modes);
    },
  };
  const preferences: PreferencesPort = {
    getPreferences(accessToken, budget) {
      calls.push({ method: "getPreferences", accessToken, budget });
      return answer("getPreferences", script.preferences, accessToken);
    },
  };
  return { tfl, preferences, calls };
}

async function answer<A, R>(method: string, scripted: Scripted<A, R> | undefined, argument: A): Promise<R> {
  if (scripted === undefined) throw new UnexpectedPortCallError(`unexpected call to ${method}`);
  if (scripted instanceof Error) throw scripted;
  if (typeof scripted === "function") return (scripted as (argument: A) => R | Promise<R>)(argument);
  return scripted;
}

/** Answers `getLineStatuses` with the lines whose ids were asked for, in the order asked. */
export function linesById(lines: readonly TflLine[]): (ids: readonly string[]) => TflLine[] {
  return (ids) => ids.flatMap((id) => lines.filter((line) => line.id === id));
}

/** One logged event. */
export interface LogEntry {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly event: string;
  readonly fields: Record<string, unknown>;
}

/** A logger that keeps every entry, plus a helper to find entries by event name. */
export interface RecordingLogger extends Logger {
  readonly entries: LogEntry[];
  find(event: string): LogEntry[];
}

/** Builds a {@link RecordingLogger}. */
export function createRecordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const record =
    (level: LogEntry["level"]) =>
    (event: string, fields: Record<string, unknown> = {}) => {
      entries.push({ level, event, fields });
    };
  return {
    entries,
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
    find: (event) => entries.filter((entry) => entry.event === event),
  };
}

/** The deadline every test invocation carries, far in the future so nothing times out. */
export const TEST_DEADLINE = Date.UTC(2030, 0, 1);

/** Everything `handleAlexaRequest` needs, with fakes; skill-id verification on by default. */
export interface SkillHarness {
  readonly deps: SkillDeps;
  readonly invocation: SkillInvocation;
  readonly log: RecordingLogger;
  readonly calls: PortCall[];
}

/** Builds deps and an invocation around fake ports answering from `script`. */
export function createHarness(
  script: PortScript = {},
  options: { skillId?: string | undefined; verifySkillId?: boolean } = {},
): SkillHarness {
  const ports = createFakePorts(script);
  const log = createRecordingLogger();
  const deps: SkillDeps = {
    tfl: ports.tfl,
    preferences: ports.preferences,
    skillId: "skillId" in options ? options.skillId : "amzn1.ask.skill.7c2d5e90-3f4b-4a61-9d0e-1b8a2c6f4e13",
    verifySkillId: options.verifySkillId ?? true,
  };
  return { deps, invocation: { log, deadline: TEST_DEADLINE }, log, calls: ports.calls };
}
