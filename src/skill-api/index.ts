/**
 * Public surface of the skill-API (account-linking preferences) client room.
 */
export { createSkillApiClient } from "./client.ts";
export type { PreferencesResult, SkillApiClient, SkillApiClientOptions } from "./client.ts";
export type { Preferences } from "./schemas.ts";
