/**
 * The fuzzers' correctness oracle: for the requests whose right answer is known from what the fake
 * backends served, it says what the user must hear and lists every way an answer falls short.
 * Content is judged on the card (plain text, not verbalized), speech on its plain reading; neither
 * is rebuilt with the skill's own code, so a wrong answer cannot agree with itself.
 */
import { strings } from "../../skill/index.ts";

/** What one line's answer must say. */
export interface ExpectedLine {
  /** The name TfL gave the line (the answer names it, whatever the wording). */
  readonly name: string;
  /**
   * Good service and closed have fixed sentences; anything else reads TfL's reason, or, when TfL
   * gave none, some sentence that names the line ("named").
   */
  readonly says: "good service" | "closed" | "named" | { readonly reason: string };
}

/** The answer a request must get. */
export type Expectation =
  | { readonly kind: "apology" }
  | {
      readonly kind: "lines";
      readonly lines: readonly ExpectedLine[];
      readonly cardTitle?: string | undefined;
      /** May be said instead of naming each line when every one has a good service. */
      readonly allGoodService?: string | undefined;
    }
  | { readonly kind: "disruptions"; readonly descriptions: readonly string[] }
  | { readonly kind: "unknownLine" }
  | { readonly kind: "relink" }
  | { readonly kind: "notLinked" }
  | { readonly kind: "noFavourites" };

/** Lines the answer must not talk about (a status question is answered about its line only). */
export interface Bystanders {
  readonly lines: readonly ExpectedLine[];
}

/** Expected content longer than this may be shortened to fit Alexa's limits; only its start is checked. */
const FULL_CHECK_LIMIT = 3_000;
const ELLIPSIS = "…";

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Characters no XML document or card may carry: C0 controls but tab and breaks, U+FFFE/F, lone surrogates. */
const NOT_TEXT =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as a card shows it: characters that cannot be shown dropped, whitespace runs as one space. */
export function plain(text: string): string {
  return text.replace(NOT_TEXT, "").replace(/\s+/g, " ").trim();
}

/** What the user hears, without tags and entities. */
export function spokenText(ssml: string): string {
  return ssml
    .replace(/<\/?(?:speak|p)>/g, " ")
    .replace(/&(amp|lt|gt|quot|apos);/g, (_match, name: string) => ENTITIES[name] ?? "")
    .replace(/\s+/g, " ")
    .trim();
}

interface Heard {
  readonly speech: string;
  readonly cardType: string | undefined;
  readonly cardTitle: string;
  readonly cardText: string;
  readonly reprompt: boolean;
  readonly endSession: unknown;
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function heard(response: unknown): Heard {
  const body = field(response, "response");
  const card = field(body, "card");
  return {
    speech: spokenText(text(field(field(body, "outputSpeech"), "ssml"))),
    cardType: typeof field(card, "type") === "string" ? (field(card, "type") as string) : undefined,
    cardTitle: text(field(card, "title")),
    // Cards keep TfL's line breaks; what matters is the words, so whitespace is compared as one space.
    cardText: plain(text(field(card, "text"))),
    reprompt: field(body, "reprompt") !== undefined,
    endSession: field(body, "shouldEndSession"),
  };
}

/** The part of a reason the answer must read: TfL's "<Line> line: " prefix may be dropped, case may change. */
function reasonBody(reason: string): string {
  const cleaned = plain(reason);
  const colon = /^[^:]{1,40}:\s/.exec(cleaned);
  return colon === null ? cleaned : cleaned.slice(colon[0].length);
}

function contentLength(expectation: Expectation): number {
  if (expectation.kind === "disruptions") return expectation.descriptions.reduce((sum, d) => sum + d.length, 0);
  if (expectation.kind !== "lines") return 0;
  return expectation.lines.reduce(
    (sum, line) => sum + (typeof line.says === "object" ? line.says.reason.length : 40),
    0,
  );
}

/** Every way `response` differs from what `expectation` says the user must hear (empty: right answer). */
export function answerProblems(response: unknown, expectation: Expectation, bystanders?: Bystanders): string[] {
  const answer = heard(response);
  const problems: string[] = [];
  const apologised = answer.speech.includes(strings.apology);
  if (expectation.kind === "apology") {
    if (answer.speech !== strings.apology) problems.push(`expected the apology, heard ${quote(answer.speech)}`);
    if (answer.endSession !== true) problems.push("the apology must end the session");
    return problems;
  }
  if (apologised) return [`apologised, but the backends' answers were usable (expected ${expectation.kind})`];
  switch (expectation.kind) {
    case "unknownLine":
      if (!answer.speech.startsWith("Sorry, I'm not sure which line you meant.")) {
        problems.push(`expected the unknown-line question, heard ${quote(answer.speech)}`);
      }
      if (!answer.reprompt || answer.endSession !== false) problems.push("unknown line: must reprompt, session open");
      return problems;
    case "relink":
    case "notLinked":
    case "noFavourites": {
      const wanted = { relink: strings.commuteRelink, notLinked: strings.commuteNotLinked }[
        expectation.kind as "relink" | "notLinked"
      ];
      if (expectation.kind === "noFavourites") {
        if (answer.cardText !== strings.commuteNoFavourites)
          problems.push(`expected no favourites, heard ${quote(answer.cardText)}`);
      } else {
        if (answer.speech !== wanted) problems.push(`expected ${expectation.kind}, heard ${quote(answer.speech)}`);
        if (answer.cardType !== "LinkAccount") problems.push(`${expectation.kind}: no LinkAccount card`);
      }
      if (answer.endSession !== true) problems.push(`${expectation.kind}: session must end`);
      return problems;
    }
    case "disruptions":
      return [...disruptionProblems(answer, expectation.descriptions), ...endProblems(answer)];
    case "lines":
      return [...lineProblems(answer, expectation, bystanders), ...endProblems(answer)];
  }
}

function endProblems(answer: Heard): string[] {
  return answer.endSession === true ? [] : ["the session must end after an answer"];
}

function quote(value: string): string {
  return JSON.stringify(value.length > 160 ? `${value.slice(0, 160)}…` : value);
}

function disruptionProblems(answer: Heard, descriptions: readonly string[]): string[] {
  const wanted = descriptions.map(plain).filter((description) => description !== "");
  if (wanted.length === 0) {
    return answer.cardText === strings.noDisruption ? [] : [`expected no disruption, heard ${quote(answer.cardText)}`];
  }
  if (answer.cardText === "" || answer.cardText === strings.noDisruption) {
    return [`TfL reported ${wanted.length} disruption(s), the answer read none`];
  }
  if (!answer.speech.endsWith(strings.otherLinesGoodService) && wanted.join("").length <= FULL_CHECK_LIMIT) {
    return ["the disruption answer does not end by saying the other lines are fine"];
  }
  if (wanted.join("").length > FULL_CHECK_LIMIT) return [];
  const card = answer.cardText.toLowerCase();
  return wanted
    .filter((description) => !card.includes(description.toLowerCase()))
    .map((description) => `disruption not read: ${quote(description)}`);
}

function lineProblems(
  answer: Heard,
  expectation: Extract<Expectation, { kind: "lines" }>,
  bystanders: Bystanders | undefined,
): string[] {
  const problems: string[] = [];
  const card = answer.cardText.toLowerCase();
  if (expectation.cardTitle !== undefined && answer.cardTitle !== expectation.cardTitle) {
    problems.push(`card title ${quote(answer.cardTitle)}, expected ${quote(expectation.cardTitle)}`);
  }
  if (answer.speech === "" || card === "") problems.push("the answer says nothing");
  const allGood = expectation.lines.every((line) => line.says === "good service");
  if (allGood && expectation.allGoodService !== undefined && card === plain(expectation.allGoodService).toLowerCase()) {
    return problems;
  }
  if (contentLength(expectation) > FULL_CHECK_LIMIT) {
    // Shortened to fit: a single reason must still be read from its start.
    const only = expectation.lines.length === 1 ? expectation.lines[0] : undefined;
    if (only !== undefined && typeof only.says === "object") {
      const kept = card.endsWith(ELLIPSIS) ? card.slice(0, -ELLIPSIS.length) : card;
      const whole = plain(only.says.reason).toLowerCase();
      if (kept === "" || !(whole.startsWith(kept) || reasonBody(only.says.reason).toLowerCase().startsWith(kept))) {
        problems.push(`the shortened reason is not the start of TfL's: ${quote(answer.cardText)}`);
      }
    }
    return problems;
  }
  for (const line of expectation.lines) {
    if (typeof line.says === "object") {
      const body = reasonBody(line.says.reason);
      if (!card.includes(body.toLowerCase())) problems.push(`${line.name}: reason not read (${quote(body)})`);
      const bare = line.name.toLowerCase().replace(/ line$/, "");
      if (expectation.lines.length === 1 && [`${bare} line:`, `${bare}:`].some((prefix) => card.startsWith(prefix))) {
        problems.push(`${line.name}: TfL's "${line.name}:" prefix was read out`);
      }
      continue;
    }
    if (!card.includes(line.name.toLowerCase())) problems.push(`${line.name} is not named`);
    if (line.says !== "named" && !card.includes(line.says)) problems.push(`${line.name}: "${line.says}" not said`);
  }
  const ownReasons = expectation.lines
    .map((line) => (typeof line.says === "object" ? plain(line.says.reason).toLowerCase() : ""))
    .join("\n");
  for (const other of bystanders?.lines ?? []) {
    if (expectation.lines.some((line) => line.name === other.name)) continue;
    const name = other.name.toLowerCase();
    if (new RegExp(`(^|[^a-z])${escapeRegExp(name)}([^a-z]|$)`).test(card) && !ownReasons.includes(name)) {
      problems.push(`names another line, ${other.name}`);
    }
    if (typeof other.says === "object" && card.includes(reasonBody(other.says.reason).toLowerCase())) {
      problems.push(`reads another line's reason (${other.name})`);
    }
  }
  return problems;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A TfL line status as the fakes serve it (only what the rule reads). */
export interface ServedStatus {
  readonly statusSeverity: number;
  readonly reason?: string | null | undefined;
  readonly validityPeriods?: ReadonlyArray<{ readonly isNow?: boolean | undefined }> | undefined;
}

/**
 * What a served line must be answered with, by the rule the product states: its state now is the
 * most severe status in effect now (a status whose validity periods all say isNow: false is future
 * work, never the state now). Good service (10) and no issues (18), or nothing in effect now, are a
 * good service; 20 is closed; anything else reads the reason, or names the line in a sentence when
 * TfL gave no reason. Undefined when TfL gave the line no status at all: nothing truthful to say.
 */
export function expectedLine(line: {
  readonly name: string;
  readonly lineStatuses: readonly ServedStatus[];
}): ExpectedLine | undefined {
  if (line.lineStatuses.length === 0) return undefined;
  const future = (status: ServedStatus): boolean =>
    (status.validityPeriods ?? []).length > 0 &&
    (status.validityPeriods ?? []).every((period) => period.isNow === false);
  const now = line.lineStatuses.filter((status) => !future(status));
  const worst = now.reduce<ServedStatus | undefined>(
    (most, status) => (most === undefined || status.statusSeverity < most.statusSeverity ? status : most),
    undefined,
  );
  if (worst === undefined || worst.statusSeverity === 10 || worst.statusSeverity === 18) {
    return { name: line.name, says: "good service" };
  }
  if (worst.statusSeverity === 20) return { name: line.name, says: "closed" };
  const reason = worst.reason ?? "";
  return reasonBody(reason) === "" ? { name: line.name, says: "named" } : { name: line.name, says: { reason } };
}
