export {
  buildInteractionModel,
  buildLineSlotValues,
  INVOCATION_NAME,
  LINE_SLOT,
  LINE_SLOT_TYPE,
  type InteractionModel,
  type ModelIntent,
  type SlotTypeValue,
} from "./interaction-model.ts";
export {
  buildSkillManifest,
  EXAMPLE_PHRASES,
  PLACEHOLDER_ENDPOINT_ARN,
  type ManifestOptions,
  type SkillManifest,
} from "./manifest.ts";
export { formatJson, INTERACTION_MODEL_PATH, SKILL_MANIFEST_PATH, writeSkillPackage } from "./write.ts";
