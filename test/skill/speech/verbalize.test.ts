import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { verbalize } from "../../../src/skill/speech/verbalize.ts";

describe("verbalize", () => {
  test.each([
    [
      "spells out the DLR",
      "Minor delays on the DLR between Bank and Shadwell",
      "Minor delays on the D.L.R. between Bank and Shadwell",
    ],
    ["absorbs a full stop after the DLR", "Use the DLR.", "Use the D.L.R."],
    [
      "absorbs a full stop after the DLR before the next sentence",
      "Use the DLR. Buses also run.",
      "Use the D.L.R. Buses also run.",
    ],
    ["never leaves a doubled full stop after D.L.R.", "Change to the D.L.R.. Thanks.", "Change to the D.L.R. Thanks."],
    ["keeps a possessive after the DLR", "The DLR's new trains", "The D.L.R.'s new trains"],
    ["leaves DLR inside another word alone", "DLRX and XDLR", "DLRX and XDLR"],
    ["says eastbound for e/b", "No e/b trains", "No eastbound trains"],
    ["says northbound for n/b", "n/b platform closed", "northbound platform closed"],
    ["says southbound for S/B", "S/B only", "southbound only"],
    ["says westbound for w/b at the end", "Trains run w/b", "Trains run westbound"],
    ["leaves e/b inside another token alone", "see web/b and the/b", "see web/b and the/b"],
    ["leaves e/bound alone", "e/bound trains", "e/bound trains"],
    [
      "says Street for a street",
      "Trains do not stop at High St Kensington",
      "Trains do not stop at High Street Kensington",
    ],
    ["says Street before a comma", "Exit at Liverpool St, then walk", "Exit at Liverpool Street, then walk"],
    ["says Street at the end of a sentence", "Change at Baker St.", "Change at Baker Street."],
    [
      "drops the abbreviation's full stop inside a sentence",
      "No service between Liverpool St. and Chingford.",
      "No service between Liverpool Street and Chingford.",
    ],
    [
      "keeps the full stop when the abbreviation ends the sentence",
      "No service to Liverpool St. Use local buses.",
      "No service to Liverpool Street. Use local buses.",
    ],
    [
      "keeps the full stop at the very end",
      "Trains terminate at Liverpool St.",
      "Trains terminate at Liverpool Street.",
    ],
    ["reads Liverpool St. Station as one name", "Exit at Liverpool St. Station", "Exit at Liverpool Street Station"],
    ["reads High St. Kensington as one name", "Change at High St. Kensington", "Change at High Street Kensington"],
    ["drops the full stop before a comma", "Liverpool St., Bank and Moorgate", "Liverpool Street, Bank and Moorgate"],
    ["drops the full stop before a slash", "Liverpool St./Enfield Town", "Liverpool Street/Enfield Town"],
    ["drops the full stop before a bracket", "(via Liverpool St.) only", "(via Liverpool Street) only"],
    ["drops the full stop before a number", "Liverpool St. 10 minutes", "Liverpool Street 10 minutes"],
    ["keeps St. Pancras a saint", "King's Cross St. Pancras is closed", "King's Cross Saint Pancras is closed"],
    ["keeps St. John's Wood a saint", "No service to St. John's Wood.", "No service to Saint John's Wood."],
    ["keeps St. Albans a saint at the end", "Trains to St. Albans.", "Trains to Saint Albans."],
    ["keeps St Pancras a saint", "King's Cross St Pancras is closed", "King's Cross Saint Pancras is closed"],
    ["keeps St John's Wood a saint", "No service to St John's Wood", "No service to Saint John's Wood"],
    ["keeps St Paul's a saint", "Trains skip St Paul's", "Trains skip Saint Paul's"],
    ["keeps St James's Park a saint", "Change at St James's Park.", "Change at Saint James's Park."],
    [
      "keeps St James's Park a saint",
      "between Victoria and St James's Park",
      "between Victoria and Saint James's Park",
    ],
    ["keeps St James Street a saint", "at St James Street", "at Saint James Street"],
    ["keeps St. Margarets a saint", "at St. Margarets and St Albans", "at Saint Margarets and Saint Albans"],
    ["keeps a curly apostrophe saint", "St John’s Wood", "Saint John’s Wood"],
    ["leaves Stratford alone", "Stratford and Stepney Green", "Stratford and Stepney Green"],
    ["says South West Trains for SWT", "SWT tickets accepted", "South West Trains tickets accepted"],
    ["says T.F.L. for TfL", "TfL tickets are valid", "T.F.L. tickets are valid"],
    ["says T.F.L. for TFL and tfl", "TFL and tfl", "T.F.L. and T.F.L."],
    ["absorbs a full stop after TfL", "Ask TfL.", "Ask T.F.L."],
    ["says and for an ampersand", "Hammersmith & City", "Hammersmith and City"],
    ["says Redding for the town", "Trains to Reading are delayed", "Trains to Redding are delayed"],
    ["says Redding before a full stop", "No service to Reading.", "No service to Redding."],
    ["says Redding before a comma", "Reading, Twyford and Maidenhead", "Redding, Twyford and Maidenhead"],
    ["says Redding in brackets", "Paddington to Twyford (Reading)", "Paddington to Twyford (Redding)"],
    ["leaves reading a book alone", "Keep reading the signs", "Keep reading the signs"],
    ["leaves Readings alone", "Meter Readings", "Meter Readings"],
    [
      "leaves a web address untouched",
      "See https://tfl.gov.uk/DLR/e/b?line=Reading&St=1 for TfL news",
      "See https://tfl.gov.uk/DLR/e/b?line=Reading&St=1 for T.F.L. news",
    ],
    ["leaves a bare domain untouched", "Visit tfl.gov.uk for DLR news", "Visit tfl.gov.uk for D.L.R. news"],
    ["leaves a www address untouched", "Visit www.tfl.gov.uk/DLR-e/b today", "Visit www.tfl.gov.uk/DLR-e/b today"],
    ["leaves a mail address untouched", "Email help@tfl.gov.uk", "Email help@tfl.gov.uk"],
    ["leaves plain text alone", "Good service", "Good service"],
    ["copes with an empty string", "", ""],
  ])("%s", (_title, input, output) => {
    expect(verbalize(input)).toBe(output);
  });

  test("applies every rule in one sentence", () => {
    expect(verbalize("TfL: DLR e/b trains skip St Pancras & High St Kensington, not Reading.")).toBe(
      "T.F.L.: D.L.R. eastbound trains skip Saint Pancras and High Street Kensington, not Redding.",
    );
  });

  test("is stable when applied twice", () => {
    const once = verbalize("DLR and TfL trains to Reading via St Pancras & Baker St. and Liverpool St. Station.");
    expect(verbalize(once)).toBe(once);
  });
});

describe("the DLR is spelt out by a scan that agrees with the pattern it replaced", () => {
  test("verbalize matches \\bDLR\\b(?:\\.(?![\\w.]))? → D.L.R. on 5,000 generated texts", () => {
    // Pieces that trigger no other rule, so the two DLR rules alone decide the output.
    const pieces = ["DLR", "DLR", ".", "..", "a", "X", "_", "1", " ", "'", "D.L.R.", "D.L.R.."];
    const texts = fc.array(fc.constantFrom(...pieces), { maxLength: 10 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(texts, (text) => {
        const expected = text.replace(/\bDLR\b(?:\.(?![\w.]))?/g, "D.L.R.").replace(/D\.L\.R\.\.(?!\.)/g, "D.L.R.");
        expect(verbalize(text)).toBe(expected);
      }),
      { numRuns: 5_000, seed: 424_242 },
    );
  });
});
