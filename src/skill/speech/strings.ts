/** Upper-cases the first character, so a sentence may start with "the Victoria line". */
function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
  goodbye: "Goodbye.",

  noDisruption:
    "There's no disruption on the Tube, the London Overground, the DLR or the Elizabeth line at the moment.",
  otherLinesGoodService: "Every other line has a good service.",
  disruptionCardTitle: "Current Disruption",

  overgroundCardTitle: "London Overground Status",

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
  /** "The Bakerloo line is closed at the moment." (argument: lineNameInSentence). */
  closed: (lineInSentence: string): string => `${capitalise(lineInSentence)} is closed at the moment.`,
  /** "Victoria Line: <status>" when several lines are read out together (argument: lineNameAsTitle). */
  commutePrefix: (title: string, text: string): string => `${title}: ${text}`,
  /** Card title for one line: "Bakerloo Line Status", "DLR Status" (argument: lineNameAsTitle). */
  lineCardTitle: (title: string): string => `${title} Status`,
});

/** The shape of the string table, for code that receives it as a value. */
export type Strings = typeof strings;
