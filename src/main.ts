/**
 * The composition root and the only compiled entry: configuration, the TfL and account-linking
 * clients, the Alexa skill and the Lambda runtime loop meet here and nowhere else.
 */
import { version } from "../package.json" with { type: "json" };
import {
  loadConfig,
  loadSecretSources,
  loadTraceConfig,
  MIN_REDACTABLE_LENGTH,
  secretsInEnvironment,
  type TraceConfig,
} from "./config.ts";
import type { Tracer } from "./otel/index.ts";
import { startRuntime } from "./runtime/index.ts";
import type { Handler, Init, InvocationContext, RuntimeLogger } from "./runtime/index.ts";
import { describeRequest, handleAlexaRequest } from "./skill/index.ts";
import type { SkillDeps } from "./skill/index.ts";
import { createSkillApiClient } from "./skill-api/index.ts";
import { createTflClient } from "./tfl/index.ts";

/** Downstream calls must end this long before Lambda's deadline, so the apology can still be posted. */
const DEADLINE_MARGIN_MS = 500;
/** Alexa gives up on a skill after 8 s; leave a second to build and post the answer. */
const ALEXA_PATIENCE_MS = 7_000;
/**
 * The JIT policy the skill keeps once it is warm (after the first answer is posted): JavaScriptCore's
 * tier-up thresholds times a million, so in practice the JIT compiles nothing more and the skill runs in
 * the interpreter (regular expressions keep their own compiler). A status request is a few hundred
 * microseconds of short functions around two awaits: over its first 2,000 status requests a sandbox
 * answers as fast as under a policy that compiles (p50 0.58 against 0.57 ms), 8 % slower by 10,000,
 * and, with the runtime's full collection every 500 answers, its resident set stays flat at about
 * 36 MiB, where compiling grows it to 50 MiB, the compilers' code paged in and their working memory
 * (README, Decisions D29). The bench gives one of its floors the same policy.
 */
export const WARM_JIT_POLICY = 1_000_000;
/** The trace export ends this long before Lambda's deadline at the latest, so the answer is posted. */
const EXPORT_MARGIN_MS = 250;

/** When every downstream call of one invocation must have finished (README, Decisions D12). */
export function downstreamDeadline(lambdaDeadlineMs: number, arrivalMs: number): number {
  return Math.min(lambdaDeadlineMs - DEADLINE_MARGIN_MS, arrivalMs + ALEXA_PATIENCE_MS);
}

/** The skill's dependencies, plus the tracer when traces are exported. */
export interface AppDeps extends SkillDeps {
  readonly tracing: { readonly tracer: Tracer; readonly timeoutMs: number } | undefined;
}

type Environment = Record<string, string | undefined>;

/**
 * Builds the dependencies once per sandbox; a bad setting throws and becomes an init error. Secrets
 * referenced by `<NAME>_SECRET` are read first (the only asynchronous step), and each value joins
 * the log redactor as soon as it arrives.
 */
export const init: Init<AppDeps> = async (log) => {
  const sources = loadSecretSources(process.env);
  if (sources === undefined) return await buildDeps(process.env, log);
  // Every other setting is checked before the wait for secrets, with stand-ins for the secrets.
  const standIns = Object.fromEntries(sources.references.map(({ variable }) => [variable, "stand-in=1"]));
  loadConfig({ ...process.env, ...standIns });
  loadTraceConfig({ ...process.env, ...standIns });
  log.redact([sources.token]);
  const redact = (value: string): void => {
    if (value.length >= MIN_REDACTABLE_LENGTH) log.redact([value]);
  };
  // Imported only when a secret is referenced: a function without references never evaluates it.
  const { readSecrets } = await import("./secrets/index.ts");
  const values = await readSecrets(sources.references, { port: sources.port, token: sources.token, onSecret: redact });
  const env = { ...process.env, ...Object.fromEntries(values) };
  log.redact(secretsInEnvironment(env));
  return await buildDeps(env, log);
};

async function buildDeps(env: Environment, log: RuntimeLogger): Promise<AppDeps> {
  const config = loadConfig(env);
  const traces = loadTraceConfig(env);
  const userAgent = `london-travel/${version}`;
  return {
    tfl: createTflClient({
      baseUrl: config.tflApiUrl,
      appId: config.tflAppId,
      appKey: config.tflAppKey,
      userAgent,
      log,
    }),
    preferences: createSkillApiClient({ baseUrl: config.skillApiUrl, userAgent, log }),
    skillId: config.skillId,
    verifySkillId: config.verifySkillId,
    tracing: traces === undefined ? undefined : { tracer: await buildTracer(traces, env), timeoutMs: traces.timeoutMs },
  };
}

/** The OTLP tracer, imported only when traces are exported: with no endpoint it is never evaluated. */
async function buildTracer(traces: TraceConfig, env: Environment): Promise<Tracer> {
  const { createTracer } = await import("./otel/index.ts");
  const memoryMb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  return createTracer({
    url: traces.url,
    headers: traces.headers,
    scopeName: "london-travel",
    scopeVersion: version,
    invocationSpanName: env.AWS_LAMBDA_FUNCTION_NAME ?? traces.serviceName,
    resource: {
      "cloud.provider": "aws",
      "cloud.platform": "aws_lambda",
      "cloud.region": env.AWS_REGION,
      "faas.name": env.AWS_LAMBDA_FUNCTION_NAME,
      "faas.version": env.AWS_LAMBDA_FUNCTION_VERSION,
      "faas.instance": env.AWS_LAMBDA_LOG_STREAM_NAME,
      "faas.max_memory": Number.isFinite(memoryMb) && memoryMb > 0 ? memoryMb * 1024 * 1024 : undefined,
      "host.arch": process.arch === "x64" ? "amd64" : process.arch,
      "process.runtime.name": "bun",
      "process.runtime.version": Bun.version,
      "telemetry.sdk.name": "london-travel",
      "telemetry.sdk.language": "nodejs",
      "service.version": version,
      ...traces.resourceAttributes,
      "service.name": traces.serviceName,
    },
  });
}

/** One Alexa request: InvalidRequestError and SkillIdMismatchError reach Lambda as invocation errors. */
export const handle: Handler<AppDeps> = (event, context, deps) => {
  const deadline = downstreamDeadline(context.deadlineMs, Date.now());
  if (deps.tracing === undefined) return handleAlexaRequest(event, { log: context.log, deadline }, deps);
  return handleTraced(event, context, deps, deps.tracing, deadline);
};

/**
 * The traced path: the invocation span continues Lambda's X-Ray trace, a "Skill Request" span
 * carries the request's `alexa.*` attributes, and all spans are exported after the answer is posted
 * and before the next event is asked for (the sandbox is not frozen until then). Export never fails
 * the answer.
 */
async function handleTraced(
  event: unknown,
  context: InvocationContext,
  deps: AppDeps,
  tracing: NonNullable<AppDeps["tracing"]>,
  deadline: number,
): Promise<unknown> {
  const trace = tracing.tracer.startInvocation({
    traceHeader: context.traceId,
    invocationId: context.awsRequestId,
    functionArn: context.invokedFunctionArn,
  });
  const span = trace.root.startChild("Skill Request", {});
  try {
    return await handleAlexaRequest(event, { log: context.log, deadline, trace: span }, deps);
  } catch (error) {
    span.fail(error);
    trace.root.fail(error);
    throw error;
  } finally {
    span.end();
    // Labelled and exported after the answer is posted and before the next GET /next: the caller waits
    // for neither (reading the request's attributes is a second parse of the event), and Lambda does
    // not freeze the sandbox until the runtime asks for the next event.
    context.afterResponse(() => {
      span.addAttributes(describeRequest(event));
      return trace.flush(context.log, Math.min(tracing.timeoutMs, context.deadlineMs - EXPORT_MARGIN_MS - Date.now()));
    });
  }
}

/** Runs the Lambda loop with a handler (the skill's own unless a test entry wraps it). */
export function serve(handler: Handler<AppDeps> = handle): Promise<never> {
  return startRuntime(handler, init, { redact: secretsInEnvironment(process.env), warmJitPolicy: WARM_JIT_POLICY });
}

if (import.meta.main) await serve();
