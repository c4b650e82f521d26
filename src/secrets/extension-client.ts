/**
 * Reads Secrets Manager secrets through the AWS Parameters and Secrets Lambda Extension: a GET to
 * `http://localhost:<port>/secretsmanager/get?secretId=<id>` with the function's session token in
 * `X-Aws-Parameters-Secrets-Token`, answered with the GetSecretValue JSON. No AWS SDK and no request
 * signing: the extension holds the credentials.
 *
 * Fail closed: a secret that cannot be read is a SecretReadError naming the variable that referenced
 * it. Neither a secret value, the token, nor the extension's answer body ever enters an error.
 */
import * as v from "valibot";

/** One secret to read, and the variable that referenced it. */
export interface SecretToRead {
  /** The variable that named the secret, e.g. "TFL_APP_KEY_SECRET". */
  readonly referenceVariable: string;
  /** The variable the secret's text becomes, e.g. "TFL_APP_KEY". */
  readonly variable: string;
  readonly secretId: string;
}

/** The subset of `fetch` we call. */
export type SecretsFetch = (input: string, init: RequestInit) => Promise<Response>;

export interface ReadSecretsOptions {
  readonly port: number;
  /** `AWS_SESSION_TOKEN`. */
  readonly token: string;
  /** Whole wait for every secret, retries included, ms. */
  readonly timeoutMs?: number | undefined;
  /** Called with each value as soon as it is read, before anything can log it (the redactor). */
  readonly onSecret?: ((value: string) => void) | undefined;
  readonly fetch?: SecretsFetch | undefined;
  /** Epoch ms clock; default Date.now. */
  readonly now?: (() => number) | undefined;
}

/** A referenced secret could not be read. Names the variable and the secret id, never a value. */
export class SecretReadError extends Error {
  override readonly name = "SecretReadError";
  /** The `<NAME>_SECRET` variable at fault. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.variable = variable;
  }
}

/**
 * Lambda allows 10 s for init. The extension starts beside us and may not listen for the first few
 * hundred ms, and a first read goes to Secrets Manager (and KMS); 4 s leaves the rest of init room.
 */
export const DEFAULT_SECRETS_TIMEOUT_MS = 4_000;
/** Waits between attempts: short first, for an extension that is still starting. */
const RETRY_DELAYS_MS = [25, 50, 100, 200, 400];
/** Largest answer read: Secrets Manager allows 64 KB of secret text, JSON-escaped in the answer. */
const MAX_ANSWER_BYTES = 512 * 1024;

const AnswerSchema = v.object({ SecretString: v.string() });

/**
 * Reads every secret concurrently within one deadline and returns variable → trimmed text. Retries
 * refused or reset connections, 400 (what the extension answers while it is not ready), 429 and 5xx
 * until the deadline; any other status, an empty secret or a binary one fails at once.
 */
export async function readSecrets(
  secrets: readonly SecretToRead[],
  options: ReadSecretsOptions,
): Promise<Map<string, string>> {
  const now = options.now ?? Date.now;
  const fetchImpl: SecretsFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_SECRETS_TIMEOUT_MS;
  const deadline = now() + timeoutMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const context: ReadContext = { ...options, fetch: fetchImpl, now, deadline, timeoutMs, signal: controller.signal };
  try {
    const values = await Promise.all(secrets.map((secret) => readOne(secret, context)));
    return new Map(secrets.map((secret, index) => [secret.variable, values[index] ?? ""]));
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

interface ReadContext extends ReadSecretsOptions {
  readonly fetch: SecretsFetch;
  readonly now: () => number;
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

async function readOne(secret: SecretToRead, context: ReadContext): Promise<string> {
  const url = `http://localhost:${context.port}/secretsmanager/get?secretId=${encodeURIComponent(secret.secretId)}`;
  const fail = (why: string): SecretReadError =>
    new SecretReadError(secret.referenceVariable, `${secret.referenceVariable}: secret "${secret.secretId}" ${why}`);
  let lastProblem = "was not answered";
  for (let attempt = 0; ; attempt += 1) {
    let response: Response | undefined;
    try {
      response = await context.fetch(url, {
        headers: { "x-aws-parameters-secrets-token": context.token },
        signal: context.signal,
        redirect: "manual",
      });
    } catch (error) {
      if (context.signal.aborted) break;
      lastProblem = fetchProblem(error);
    }
    if (response !== undefined) {
      if (response.ok) {
        let value: string | undefined;
        let received = true;
        try {
          value = await readValue(response, context.signal);
        } catch (error) {
          // The answer broke off (a connection reset mid-body): nothing was received, so ask again.
          if (context.signal.aborted) break;
          received = false;
          lastProblem = fetchProblem(error);
        }
        if (received) {
          if (value === undefined) {
            if (context.signal.aborted) break;
            throw fail("was answered with something other than a text secret");
          }
          const trimmed = value.trim();
          if (trimmed === "") throw fail("is empty");
          context.onSecret?.(trimmed);
          return trimmed;
        }
      } else {
        await response.body?.cancel().catch(() => undefined);
        lastProblem = `was refused by the Parameters and Secrets extension (status ${response.status})`;
        if (!isRetryableStatus(response.status)) throw fail(lastProblem);
      }
    }
    const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)] ?? 0;
    if (context.now() + delay >= context.deadline) break;
    await sleep(delay, context.signal);
    if (context.signal.aborted) break;
  }
  throw fail(`${lastProblem}; gave up within the ${context.timeoutMs} ms allowed`);
}

function isRetryableStatus(status: number): boolean {
  return status === 400 || status === 429 || status >= 500;
}

/** Why a request got no answer, by the error's code only: Bun's messages name the URL, and nothing here may carry more. */
function fetchProblem(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return `could not be fetched (${typeof code === "string" ? code : "network error"})`;
}

/** The SecretString of a 200 answer, or undefined when it is not one; throws when the body cannot be read. */
async function readValue(response: Response, signal: AbortSignal): Promise<string | undefined> {
  const length = Number(response.headers.get("content-length") ?? "0");
  if (length > MAX_ANSWER_BYTES) return undefined;
  const text = await response.text();
  if (signal.aborted || text.length > MAX_ANSWER_BYTES) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = v.safeParse(AnswerSchema, json);
  return result.success ? result.output.SecretString : undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
