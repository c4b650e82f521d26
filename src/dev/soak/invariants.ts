/**
 * What must hold for every answer, whatever the input: the Alexa response is well formed and within
 * Alexa's limits, SSML contains only the tags the skill writes with all text escaped, every
 * outbound request went to a configured host with only catalogue ids in its path, and no secret
 * marker appears anywhere. Each check returns a list of problems (empty: fine).
 */
import {
  ALEXA_RESPONSE_BUDGET_BYTES,
  DISRUPTION_MODES,
  LINES,
  MAX_SSML_LENGTH,
  OVERGROUND_MODE,
} from "../../skill/index.ts";

const ALLOWED_TAGS = new Set(["speak", "p"]);

/** Problems with an SSML string: tags other than <speak>/<p>, unbalanced tags, unescaped & < >. */
export function ssmlProblems(ssml: unknown): string[] {
  if (typeof ssml !== "string") return ["ssml is not a string"];
  if (!ssml.startsWith("<speak>") || !ssml.endsWith("</speak>")) return ["ssml is not wrapped in <speak>"];
  if (ssml.length > MAX_SSML_LENGTH) return [`ssml has ${ssml.length} characters`];
  const problems: string[] = [];
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z:-]+)>|&(?:amp|lt|gt|quot|apos);|[^<>&]+|[<>&]/gy;
  let match: RegExpExecArray | null;
  let position = 0;
  while ((match = token.exec(ssml)) !== null && problems.length === 0) {
    position = token.lastIndex;
    const [text, closing, tag] = match;
    if (tag !== undefined) {
      if (!ALLOWED_TAGS.has(tag)) problems.push(`tag <${closing}${tag}> in ssml`);
      else if (closing === "/") {
        if (stack.pop() !== tag) problems.push(`unbalanced </${tag}>`);
      } else stack.push(tag);
    } else if (text === "<" || text === ">" || text === "&") {
      problems.push(`unescaped ${JSON.stringify(text)} in ssml`);
    }
  }
  if (problems.length === 0 && position !== ssml.length) problems.push(`unreadable ssml at ${position}`);
  if (problems.length === 0 && stack.length !== 0) problems.push(`unclosed <${stack.join("><")}>`);
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(ssml)) problems.push("control character in ssml");
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Problems with a whole Alexa response value. */
export function alexaResponseProblems(response: unknown): string[] {
  if (!isRecord(response)) return ["response is not an object"];
  const problems: string[] = [];
  if (response["version"] !== "1.0") problems.push("version is not 1.0");
  let bytes = 0;
  try {
    bytes = new TextEncoder().encode(JSON.stringify(response)).byteLength;
  } catch (error) {
    problems.push(`response is not serialisable: ${String(error)}`);
  }
  if (bytes > ALEXA_RESPONSE_BUDGET_BYTES) problems.push(`response is ${bytes} bytes`);
  const body = response["response"];
  if (!isRecord(body)) return [...problems, "response.response is not an object"];
  const speech = body["outputSpeech"];
  if (speech !== undefined) {
    if (!isRecord(speech) || speech["type"] !== "SSML") problems.push("outputSpeech is not SSML");
    else problems.push(...ssmlProblems(speech["ssml"]));
  }
  const reprompt = body["reprompt"];
  if (reprompt !== undefined) {
    const inner = isRecord(reprompt) ? reprompt["outputSpeech"] : undefined;
    if (!isRecord(inner) || inner["type"] !== "SSML") problems.push("reprompt is not SSML");
    else problems.push(...ssmlProblems(inner["ssml"]).map((problem) => `reprompt: ${problem}`));
  }
  const card = body["card"];
  if (card !== undefined) {
    if (!isRecord(card)) problems.push("card is not an object");
    else if (card["type"] === "Standard") {
      const title = card["title"];
      const text = card["text"];
      if (typeof title !== "string" || typeof text !== "string") problems.push("card title or text is not a string");
      else if (title.length + text.length > MAX_SSML_LENGTH) problems.push("card is too long");
    } else if (card["type"] !== "LinkAccount") problems.push(`card type ${String(card["type"])}`);
  }
  const end = body["shouldEndSession"];
  if (end !== undefined && typeof end !== "boolean") problems.push("shouldEndSession is not a boolean");
  return problems;
}

const LINE_IDS = new Set<string>(LINES.map((line) => line.id));
const MODES = new Set<string>([...DISRUPTION_MODES, OVERGROUND_MODE]);

/** Problems with one TfL request path: anything but /Line/{catalogue ids}/Status or /Line/Mode/{modes}/…. */
export function tflPathProblems(path: string): string[] {
  const byId = /^\/Line\/([^/]+)\/Status$/.exec(path);
  const byMode = /^\/Line\/Mode\/([^/]+)\/(?:Status|Disruption)$/.exec(path);
  const joined = byId?.[1] ?? byMode?.[1];
  if (joined === undefined) return [`TfL path ${JSON.stringify(path)} is not one the skill calls`];
  const allowed = byId !== null ? LINE_IDS : MODES;
  // The client joins ids with "," and percent-encodes the segment; "," becomes "%2C".
  const ids = decodeURIComponent(joined).split(",");
  return ids
    .filter((id) => !allowed.has(id))
    .map((id) => `TfL path carries ${JSON.stringify(id)}, not from the catalogue`);
}

/** Problems with one skill-API request path. */
export function skillApiPathProblems(path: string): string[] {
  return path === "/api/preferences" ? [] : [`skill API path ${JSON.stringify(path)} is not /api/preferences`];
}

/** Problems with an outbound URL: its origin must be one of `origins`, its path allowed for that host. */
export function outboundProblems(url: string, hosts: { tfl: string; skillApi: string }): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`unparseable outbound URL`];
  }
  const tfl = new URL(hosts.tfl);
  const skillApi = new URL(hosts.skillApi);
  if (parsed.origin === tfl.origin) return tflPathProblems(parsed.pathname);
  if (parsed.origin === skillApi.origin) return skillApiPathProblems(parsed.pathname);
  return [`request to ${parsed.origin}, which is neither TfL nor the skill API`];
}

/** The markers (and their URL- and JSON-escaped forms) found in `text`. */
export function leakedSecrets(text: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    if (secret === "") continue;
    const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
    for (const form of forms) {
      if (text.includes(form)) {
        found.push(secret);
        break;
      }
    }
  }
  return found;
}
