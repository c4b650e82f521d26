/**
 * Shared harness for tests that drive the Runtime API: an emulator that is always stopped, a log
 * capture, and the in-process loop with an exit that throws instead of ending the test process.
 */
import { EventEmitter } from "node:events";
import { startRuntimeApiEmulator } from "../../src/dev/base/emulator.ts";
import type { RuntimeApiEmulator, RuntimeApiEmulatorOptions } from "../../src/dev/base/emulator.ts";
import { startRuntime } from "../../src/runtime/index.ts";
import type { Handler, Init, RuntimeOptions } from "../../src/runtime/index.ts";

/** Thrown by exitThrowing: how a test sees the loop "exit" without ending the process. */
export class ExitCalled extends Error {
  override readonly name = "ExitCalled";
  readonly code: number;

  constructor(code: number) {
    super(`exit(${code})`);
    this.code = code;
  }
}

/** An options.exit for startRuntime that throws ExitCalled, so startRuntime rejects with it. */
export function exitThrowing(code: number): never {
  throw new ExitCalled(code);
}

/** Log lines written through options.write, with helpers to read them back. */
export interface LogCapture {
  readonly lines: string[];
  write(line: string): void;
  /** Every line parsed as JSON (JSON format only). */
  records(): Array<Record<string, unknown>>;
  /** The `event` of every JSON line. */
  events(): string[];
}

/** Captures log lines in memory. */
export function captureLog(): LogCapture {
  const lines: string[] = [];
  return {
    lines,
    write: (line) => {
      lines.push(line);
    },
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    events: () => lines.map((line) => String((JSON.parse(line) as { event?: unknown }).event)),
  };
}

/** Runs `body` with a fresh emulator and always stops it, even when `body` throws. */
export async function withEmulator<T>(
  body: (emulator: RuntimeApiEmulator) => Promise<T>,
  options?: RuntimeApiEmulatorOptions,
): Promise<T> {
  const emulator = await startRuntimeApiEmulator(options);
  try {
    return await body(emulator);
  } finally {
    await emulator.stop();
  }
}

/** The loop running in-process against an emulator. */
export interface RunningLoop {
  /** The env object given to the loop (AWS_LAMBDA_RUNTIME_API set; `_X_AMZN_TRACE_ID` changes in it). */
  readonly env: Record<string, string | undefined>;
  readonly log: LogCapture;
  /** Receives the loop's uncaughtException/unhandledRejection listeners instead of the test process. */
  readonly process: EventEmitter;
  /** Resolves with what startRuntime rejected with (it never resolves otherwise). */
  readonly ended: Promise<unknown>;
  /** The code given to exit; rejects if the loop ended any other way. */
  exitCode(): Promise<number>;
  /** Aborts the loop (options.signal) and waits for it to end. */
  stop(): Promise<void>;
}

/**
 * Starts startRuntime against the emulator with a throwing exit, a log capture and an AbortSignal.
 * Call stop() (or await exitCode()) in every test: an abandoned loop keeps polling the emulator.
 */
export function runLoop<D>(
  emulator: RuntimeApiEmulator,
  handler: Handler<D>,
  init: Init<D>,
  overrides: RuntimeOptions = {},
): RunningLoop {
  const controller = new AbortController();
  const log = captureLog();
  const env: Record<string, string | undefined> = overrides.env ?? { AWS_LAMBDA_RUNTIME_API: emulator.address };
  const events = new EventEmitter();
  const ended = startRuntime(handler, init, {
    env,
    write: log.write,
    exit: exitThrowing,
    signal: controller.signal,
    process: events,
    ...overrides,
  }).then(
    () => new Error("startRuntime resolved, which it never should"),
    (reason: unknown) => reason,
  );
  return {
    env,
    log,
    process: events,
    ended,
    async exitCode(): Promise<number> {
      const reason = await ended;
      if (reason instanceof ExitCalled) return reason.code;
      throw reason;
    },
    async stop(): Promise<void> {
      controller.abort(new Error("test stopped the loop"));
      await ended;
    },
  };
}
