import { LINES, OVERGROUND_SLOT } from "../../skill/index.ts";

/** A LINE_NAME slot value as the Alexa interaction model spells it. */
export interface SlotTypeValue {
  readonly id: string;
  readonly name: { readonly value: string; readonly synonyms?: readonly string[] };
}

/** One intent of the model. */
export interface ModelIntent {
  readonly name: string;
  readonly slots?: ReadonlyArray<{ readonly name: string; readonly type: string }>;
  readonly samples: readonly string[];
}

/** The en-GB interaction model document (skill-package/interactionModels/custom/en-GB.json). */
export interface InteractionModel {
  readonly interactionModel: {
    readonly languageModel: {
      readonly invocationName: string;
      readonly intents: readonly ModelIntent[];
      readonly types: ReadonlyArray<{ readonly name: string; readonly values: readonly SlotTypeValue[] }>;
      readonly modelConfiguration: {
        readonly fallbackIntentSensitivity: { readonly level: "LOW" | "MEDIUM" | "HIGH" };
      };
    };
  };
}

/** Invocation name of the published skill ("Alexa, ask London Travel ..."). */
export const INVOCATION_NAME = "london travel";
/** StatusIntent's slot name in the published model; the backend reads this key (drop-in backend). */
export const LINE_SLOT = "LINE";
/** The published custom slot type holding line names. */
export const LINE_SLOT_TYPE = "LINE_NAME";

/** Every template combined with every ending, in order, without duplicates. */
function expand(templates: readonly string[], endings: readonly string[]): string[] {
  const samples = new Set<string>();
  for (const template of templates) {
    for (const ending of endings) {
      samples.add(`${template}${ending}`.replace(/\s+/g, " ").trim());
    }
  }
  return [...samples];
}

/** Replaces %L with each way of saying a line around the slot. */
function withLineForms(templates: readonly string[]): string[] {
  const forms = ["{LINE}", "the {LINE}", "{LINE} line", "the {LINE} line"];
  return templates.flatMap((template) => forms.map((form) => template.replace("%L", `${form}`)));
}

const WHEN = ["", " today", " now", " right now", " this morning", " this evening", " tonight"];

const STATUS_TEMPLATES = withLineForms([
  "%L",
  "about %L",
  "tell me about %L",
  "how %L is",
  "how %L is running",
  "how %L is doing",
  "is %L running",
  "is %L delayed",
  "is %L closed",
  "what's happening on %L",
  "what is happening on %L",
  "what's going on with %L",
  "what's the status of %L",
  "what is the status of %L",
  "for the status of %L",
  "for an update on %L",
  "the status of %L",
  "status of %L",
  "%L status",
  "are there delays on %L",
  "are there any delays on %L",
  "if there are delays on %L",
  "is there a good service on %L",
  "whether %L is running",
]);

const DISRUPTION_SINGULAR = ["disruption", "tube disruption", "engineering work", "planned engineering work"];
const DISRUPTION_PLURAL = [
  "delays",
  "disruptions",
  "closures",
  "line closures",
  "problems",
  "engineering works",
  "tube delays",
];

const DISRUPTION_TEMPLATES = [
  ...DISRUPTION_SINGULAR.flatMap((noun) => [
    `about ${noun}`,
    `about any ${noun}`,
    `is there ${noun}`,
    `is there any ${noun}`,
    `if there is any ${noun}`,
    `whether there is any ${noun}`,
    `what ${noun} there is`,
  ]),
  ...DISRUPTION_PLURAL.flatMap((noun) => [
    `about ${noun}`,
    `about any ${noun}`,
    `are there ${noun}`,
    `are there any ${noun}`,
    `if there are any ${noun}`,
    `whether there are any ${noun}`,
    `what ${noun} there are`,
  ]),
  "how the tube is",
  "how the tube is running",
  "how the trains are running",
  "is the tube running",
  "what's happening on the tube",
  "what's going wrong",
  "for a disruption report",
  "for a travel update",
  "for the latest travel news",
];

const COMMUTE_TEMPLATES = [
  "my commute",
  "about my commute",
  "for my commute",
  "how my commute is",
  "how my commute is looking",
  "how is my commute",
  "how's my commute",
  "what my commute is like",
  "what's my commute like",
  "what is my commute like",
  "is my commute okay",
  "about my journey to work",
  "about my lines",
  "about my favourite lines",
  "how my lines are",
  "how my favourite lines are",
  "how are my lines",
  "how are my favourite lines",
];

/** Built-in intents the skill handles; Fallback and NavigateHome get the "can't help" answer. */
const BUILT_IN_INTENTS = [
  "AMAZON.CancelIntent",
  "AMAZON.HelpIntent",
  "AMAZON.StopIntent",
  "AMAZON.NavigateHomeIntent",
  "AMAZON.FallbackIntent",
];

/** The LINE_NAME values: one per catalogue line (id = TfL id) plus the London Overground (id = TfL mode). */
export function buildLineSlotValues(): SlotTypeValue[] {
  const entries = [
    ...LINES.map((line) => ({ id: line.id, value: line.slotValue, synonyms: line.synonyms })),
    { id: OVERGROUND_SLOT.id, value: OVERGROUND_SLOT.slotValue, synonyms: OVERGROUND_SLOT.synonyms },
  ];
  return entries.map(({ id, value, synonyms }) => ({
    id,
    name: synonyms.length > 0 ? { value, synonyms: [...synonyms] } : { value },
  }));
}

/** The en-GB interaction model, generated from the line catalogue (README, Decisions D15). */
export function buildInteractionModel(): InteractionModel {
  return {
    interactionModel: {
      languageModel: {
        invocationName: INVOCATION_NAME,
        intents: [
          {
            name: "StatusIntent",
            slots: [{ name: LINE_SLOT, type: LINE_SLOT_TYPE }],
            samples: expand(STATUS_TEMPLATES, WHEN),
          },
          { name: "DisruptionIntent", samples: expand(DISRUPTION_TEMPLATES, WHEN) },
          { name: "CommuteIntent", samples: expand(COMMUTE_TEMPLATES, WHEN) },
          ...BUILT_IN_INTENTS.map((name) => ({ name, samples: [] })),
        ],
        types: [{ name: LINE_SLOT_TYPE, values: buildLineSlotValues() }],
        modelConfiguration: { fallbackIntentSensitivity: { level: "LOW" } },
      },
    },
  };
}
