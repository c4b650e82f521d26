import type { RuntimeLogger } from "./logger.ts";

/** What the handler learns about one invocation (the invocation headers and the function environment: README, Decisions D20 and D21). */
export interface InvocationContext {
  readonly awsRequestId: string;
  /** Epoch ms from Lambda-Runtime-Deadline-Ms (wall clock). */
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string | undefined;
  /** Lambda-Runtime-Trace-Id; the only per-invocation home of the trace id in concurrency mode. */
  readonly traceId: string | undefined;
  /** Lambda-Runtime-Aws-Tenant-Id, present only for tenant-isolated functions. */
  readonly tenantId: string | undefined;
  /** Parsed Lambda-Runtime-Client-Context JSON, or undefined when absent or not JSON. */
  readonly clientContext: unknown;
  /** Parsed Lambda-Runtime-Cognito-Identity JSON, or undefined when absent or not JSON. */
  readonly identity: unknown;
  readonly functionName: string | undefined;
  readonly functionVersion: string | undefined;
  readonly memoryLimitInMB: number | undefined;
  readonly logGroupName: string | undefined;
  readonly logStreamName: string | undefined;
  /** Milliseconds until the deadline, never negative. */
  getRemainingTimeInMillis(): number;
  /** Child logger carrying `requestId` (and `tenantId` when there is one). */
  readonly log: RuntimeLogger;
  /**
   * Work to run after the answer is posted and before this worker asks for the next event, e.g. a
   * telemetry export: Lambda freezes the sandbox only once the runtime calls GET /next again, so the
   * work still runs, and the caller has its answer without waiting for it. A task that throws is logged.
   */
  afterResponse(task: () => Promise<void>): void;
}

/** The function's fixed facts, read from the environment once at start-up. */
export interface FunctionInfo {
  readonly functionName: string | undefined;
  readonly functionVersion: string | undefined;
  readonly memoryLimitInMB: number | undefined;
  readonly logGroupName: string | undefined;
  readonly logStreamName: string | undefined;
}

/** The one header GET /next must carry; without it the loop cannot answer and exits. */
export const REQUEST_ID_HEADER = "lambda-runtime-aws-request-id";
// The X-Ray header copied into `_X_AMZN_TRACE_ID` on every invocation, which is deleted when absent (README, Decisions D20).
const TRACE_ID_HEADER = "lambda-runtime-trace-id";
const DEADLINE_HEADER = "lambda-runtime-deadline-ms";
const FUNCTION_ARN_HEADER = "lambda-runtime-invoked-function-arn";
const CLIENT_CONTEXT_HEADER = "lambda-runtime-client-context";
const COGNITO_IDENTITY_HEADER = "lambda-runtime-cognito-identity";
const TENANT_ID_HEADER = "lambda-runtime-aws-tenant-id";
/** A per-delivery nonce; the runtime echoes it on the answer so Lambda can refuse a stale one. */
export const INVOCATION_ID_HEADER = "lambda-runtime-invocation-id";
// Lambda's longest function timeout; the fallback deadline when the header is missing or garbled.
const MAX_FUNCTION_TIMEOUT_MS = 15 * 60 * 1000;

/** Reads AWS_LAMBDA_FUNCTION_NAME, _VERSION, _MEMORY_SIZE and the log group and stream names. */
export function readFunctionInfo(env: Record<string, string | undefined>): FunctionInfo {
  const memory = Number.parseInt(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? "", 10);
  return Object.freeze({
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: Number.isFinite(memory) ? memory : undefined,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  });
}

/**
 * The context of one invocation, built from the GET /next headers. Function facts are shared
 * getters and the child logger is created only when first used, to keep the per-invocation cost
 * at one object.
 */
export class LambdaInvocationContext implements InvocationContext {
  readonly awsRequestId: string;
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string | undefined;
  readonly traceId: string | undefined;
  readonly tenantId: string | undefined;
  readonly #headers: Headers;
  readonly #function: FunctionInfo;
  readonly #baseLog: RuntimeLogger;
  #log: RuntimeLogger | undefined;
  #after: Array<() => Promise<void>> | undefined;

  constructor(requestId: string, headers: Headers, functionInfo: FunctionInfo, baseLog: RuntimeLogger) {
    this.awsRequestId = requestId;
    const deadline = Number(headers.get(DEADLINE_HEADER) ?? Number.NaN);
    this.deadlineMs = Number.isFinite(deadline) && deadline > 0 ? deadline : Date.now() + MAX_FUNCTION_TIMEOUT_MS;
    this.invokedFunctionArn = headers.get(FUNCTION_ARN_HEADER) ?? undefined;
    // An empty header carries no trace: treat it as absent, so `_X_AMZN_TRACE_ID` is deleted, not set to "".
    this.traceId = headerValue(headers, TRACE_ID_HEADER);
    this.tenantId = headerValue(headers, TENANT_ID_HEADER);
    this.#headers = headers;
    this.#function = functionInfo;
    this.#baseLog = baseLog;
  }

  afterResponse(task: () => Promise<void>): void {
    (this.#after ??= []).push(task);
  }

  /** Runs the tasks afterResponse collected, in order; their failures are logged, never thrown. */
  async runAfterResponse(): Promise<void> {
    const tasks = this.#after;
    if (tasks === undefined) return;
    this.#after = undefined;
    for (const task of tasks) {
      try {
        await task();
      } catch (error) {
        this.log.warn("runtime.afterResponse.failed", { error });
      }
    }
  }

  get clientContext(): unknown {
    return parseJsonHeader(this.#headers.get(CLIENT_CONTEXT_HEADER));
  }

  get identity(): unknown {
    return parseJsonHeader(this.#headers.get(COGNITO_IDENTITY_HEADER));
  }

  get functionName(): string | undefined {
    return this.#function.functionName;
  }

  get functionVersion(): string | undefined {
    return this.#function.functionVersion;
  }

  get memoryLimitInMB(): number | undefined {
    return this.#function.memoryLimitInMB;
  }

  get logGroupName(): string | undefined {
    return this.#function.logGroupName;
  }

  get logStreamName(): string | undefined {
    return this.#function.logStreamName;
  }

  get log(): RuntimeLogger {
    this.#log ??= this.#baseLog.child(
      this.tenantId === undefined
        ? { requestId: this.awsRequestId }
        : { requestId: this.awsRequestId, tenantId: this.tenantId },
    );
    return this.#log;
  }

  getRemainingTimeInMillis(): number {
    return Math.max(0, this.deadlineMs - Date.now());
  }
}

/** A header's value, undefined when absent or empty. */
export function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers.get(name);
  return value === null || value === "" ? undefined : value;
}

function parseJsonHeader(value: string | null): unknown {
  if (value === null || value === "") return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
