/** Upper-cases the first character, so a sentence may start with "the Victoria line". */
function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Joins a list the British way: "A", "A and B", "A, B and C" (no comma before "and"). Written by
 * hand: Intl.ListFormat costs about 12 ms and 7 MiB at its first use in a compiled binary.
 */
export function andList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1) ?? ""}`;
}

/**
 * Every sentence Alexa says and every card title, in British English. Nothing else in the skill
 * writes words for the user; the verbalizer only adjusts pronunciation ("DLR" -> "D.L.R.").
 */
export const strings = Object.freeze({
  launch:
    "Welcome to London Travel. Ask me about disruption, or about any Tube line, the London Overground, " +
    "the DLR or the Elizabeth line. What would you like to know?",
  launchReprompt: "Which line would you like to hear about? Or ask me whether there's any disruption.",

  help: Object.freeze([
    "I can tell you how London's trains are running: any Tube line, the London Overground, " +
      "the Docklands Light Railway or the Elizabeth line.",
    "Ask whether there's any disruption, and I'll go through the lines that have delays, closures or other problems.",
    "Ask about one line, such as the Victoria line or the Overground, and I'll tell you how it's running right now.",
    "If you link your London Travel account and pick your favourite lines on the London Travel website, " +
      "you can ask about your commute.",
    "What would you like to know?",
  ]),
  helpReprompt: "What would you like to know? You can ask about a line, or about disruption.",

  unknownLine:
    "Sorry, I'm not sure which line you meant. You can ask about any Tube line, the London Overground, " +
    "the DLR or the Elizabeth line. Which one would you like?",
  unknownLineReprompt: "Which line would you like to hear about?",

  unknownIntent: "Sorry, I can't help with that.",
  apology: "Sorry, something went wrong. Please try again in a little while.",

  noDisruption:
    "There's no disruption on the Tube, the London Overground, the DLR or the Elizabeth line at the moment.",
  otherLinesGoodService: "Every other line has a good service.",
  disruptionCardTitle: "Current Disruption",

  overgroundCardTitle: "London Overground Status",
  overgroundAllGoodService: "All London Overground lines have a good service.",

  commuteCardTitle: "Commute Status",
  commuteNotLinked: "To hear about your commute, please link your London Travel account in the Alexa app.",
  commuteRelink:
    "Your London Travel account doesn't seem to be linked any more. " +
    "Please link it again in the Alexa app to hear about your commute.",
  commuteNoFavourites:
    "You haven't picked any favourite lines yet. Choose the lines you use on the London Travel website, " +
    "then ask me again.",

  /** "The Victoria line has a good service." (argument: lineNameInSentence). */
  goodService: (lineInSentence: string): string => `${capitalise(lineInSentence)} has a good service.`,
  /** "The Liberty, Lioness and Weaver lines have a good service." (argument: linesInSentence). */
  goodServiceMany: (linesInSentence: string): string => `${capitalise(linesInSentence)} have a good service.`,
  /**
   * A line that is fine now with a change planned: "The Victoria line has a good service now.
   * Planned: Saturday 8 March, no service between Brixton and Stockwell." (the plan is TfL's reason).
   */
  goodServiceNowPlanned: (lineInSentence: string, plan: string): string =>
    `${capitalise(lineInSentence)} has a good service now. Planned: ${plan}`,
  /** "The Bakerloo line is closed at the moment." (argument: lineNameInSentence). */
  closed: (lineInSentence: string): string => `${capitalise(lineInSentence)} is closed at the moment.`,
  /** "The Bakerloo and Victoria lines are closed at the moment." (argument: linesInSentence). */
  closedMany: (linesInSentence: string): string => `${capitalise(linesInSentence)} are closed at the moment.`,

  /**
   * What a line "has" or "is" for each TfL severity description (lower case), said when TfL sends a
   * status without a reason: "The Mildmay line has minor delays."
   */
  severityPhrases: Object.freeze({
    "special service": "has a special service",
    closed: "is closed",
    suspended: "is suspended",
    "part suspended": "is part suspended",
    "planned closure": "has a planned closure",
    "part closure": "has a part closure",
    "severe delays": "has severe delays",
    "reduced service": "has a reduced service",
    "bus service": "has a replacement bus service",
    "minor delays": "has minor delays",
    "part closed": "is part closed",
    "exit only": "has stations that are exit only",
    "no step free access": "has no step-free access at some stations",
    "change of frequency": "has a change of frequency",
    diverted: "is diverted",
    "not running": "is not running",
    "issues reported": "has reported issues",
    information: "has a service update",
  }) as Readonly<Record<string, string>>,
  /** "The Mildmay line has minor delays." (arguments: lineNameInSentence, a severityPhrases value). */
  severitySentence: (lineInSentence: string, phrase: string): string => `${capitalise(lineInSentence)} ${phrase}.`,
  /** A severity description we have no phrase for: "TfL lists the Mildmay line as Flooded." */
  severityUnknown: (lineInSentence: string, description: string): string =>
    `TfL lists ${lineInSentence} as ${description}.`,
  /** TfL sent neither a reason nor a description we can read. */
  severityWithoutDetails: (lineInSentence: string): string =>
    `TfL reports a change to ${lineInSentence} but gives no details.`,

  /** "Victoria Line: <TfL's reason>" when several lines are read out together (argument: lineNameAsTitle). */
  linePrefix: (title: string, text: string): string => `${title}: ${text}`,
  /** Card title for one line: "Bakerloo Line Status", "DLR Status" (argument: lineNameAsTitle). */
  lineCardTitle: (title: string): string => `${title} Status`,
});

/** The shape of the string table, for code that receives it as a value. */
export type Strings = typeof strings;
