/**
 * The secrets client room: Secrets Manager secrets read over HTTP through the AWS Parameters and
 * Secrets Lambda Extension. HTTP only; it knows nothing of Lambda's runtime loop or of Alexa.
 */
export { DEFAULT_SECRETS_TIMEOUT_MS, readSecrets, SecretReadError } from "./extension-client.ts";
export type { ReadSecretsOptions, SecretsFetch, SecretToRead } from "./extension-client.ts";
