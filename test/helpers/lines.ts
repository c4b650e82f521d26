/** The 19 TfL line ids the skill knows, sorted: what the catalogue and the recordings must both hold. */
export const ALL_LINE_IDS: string[] = [
  "bakerloo",
  "central",
  "circle",
  "district",
  "dlr",
  "elizabeth",
  "hammersmith-city",
  "jubilee",
  "liberty",
  "lioness",
  "metropolitan",
  "mildmay",
  "northern",
  "piccadilly",
  "suffragette",
  "victoria",
  "waterloo-city",
  "weaver",
  "windrush",
];

/**
 * Each line's Status card title: "Line" for the Tube, nothing for the DLR, and TfL's lower-case "line"
 * for the Elizabeth line and the six London Overground lines.
 */
export const CARD_TITLES: ReadonlyArray<readonly [id: string, title: string]> = [
  ["bakerloo", "Bakerloo Line Status"],
  ["central", "Central Line Status"],
  ["circle", "Circle Line Status"],
  ["district", "District Line Status"],
  ["dlr", "DLR Status"],
  ["elizabeth", "Elizabeth line Status"],
  ["hammersmith-city", "Hammersmith & City Line Status"],
  ["jubilee", "Jubilee Line Status"],
  ["liberty", "Liberty line Status"],
  ["lioness", "Lioness line Status"],
  ["metropolitan", "Metropolitan Line Status"],
  ["mildmay", "Mildmay line Status"],
  ["northern", "Northern Line Status"],
  ["piccadilly", "Piccadilly Line Status"],
  ["suffragette", "Suffragette line Status"],
  ["victoria", "Victoria Line Status"],
  ["waterloo-city", "Waterloo & City Line Status"],
  ["weaver", "Weaver line Status"],
  ["windrush", "Windrush line Status"],
];
