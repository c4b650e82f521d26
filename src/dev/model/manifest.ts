/** Where the Alexa-hosted manifest points; the deployer replaces the placeholder with the real function ARN. */
export const PLACEHOLDER_ENDPOINT_ARN = "arn:aws:lambda:eu-west-1:000000000000:function:london-travel";

/** Choices a deployment may make; everything else in the manifest is fixed. */
export interface ManifestOptions {
  /** Lambda function ARN for apis.custom.endpoint.uri. */
  readonly endpointArn?: string | undefined;
  /** Icon URIs; the ASK CLI resolves file:// against the skill package. */
  readonly smallIconUri?: string | undefined;
  readonly largeIconUri?: string | undefined;
}

/** The skill.json document (account linking is configured separately, not in the manifest). */
export interface SkillManifest {
  readonly manifest: {
    readonly manifestVersion: "1.0";
    readonly publishingInformation: {
      readonly locales: Readonly<
        Record<
          string,
          {
            readonly name: string;
            readonly summary: string;
            readonly description: string;
            readonly examplePhrases: readonly string[];
            readonly keywords: readonly string[];
            readonly smallIconUri: string;
            readonly largeIconUri: string;
          }
        >
      >;
      readonly isAvailableWorldwide: boolean;
      readonly distributionCountries: readonly string[];
      readonly category: string;
      readonly testingInstructions: string;
    };
    readonly apis: {
      readonly custom: { readonly endpoint: { readonly uri: string }; readonly interfaces: readonly unknown[] };
    };
    readonly permissions: readonly unknown[];
    readonly privacyAndCompliance: {
      readonly allowsPurchases: boolean;
      readonly usesPersonalInfo: boolean;
      readonly isChildDirected: boolean;
      readonly isExportCompliant: boolean;
      readonly containsAds: boolean;
      readonly locales: Readonly<Record<string, { readonly privacyPolicyUrl: string; readonly termsOfUseUrl: string }>>;
    };
  };
}

/** Example phrases; each must match a sample utterance of the generated model (a test checks this). */
export const EXAMPLE_PHRASES: readonly string[] = [
  "Alexa, ask London Travel about the Victoria line",
  "Alexa, ask London Travel is there any disruption",
  "Alexa, ask London Travel about my commute",
];

const WEBSITE = "https://londontravel.martincostello.com/";

/** The en-GB skill manifest, GB only, public transport category, pointing at our Lambda function. */
export function buildSkillManifest(options: ManifestOptions = {}): SkillManifest {
  return {
    manifest: {
      manifestVersion: "1.0",
      publishingInformation: {
        locales: {
          "en-GB": {
            name: "London Travel",
            summary: "Live status of the Tube, London Overground, DLR and Elizabeth line.",
            description:
              "Ask London Travel how London's trains are running. It reads the live status from Transport for London " +
              "for every London Underground line, the six London Overground lines, the DLR and the Elizabeth line.\n\n" +
              "Ask whether there is any disruption to hear about delays and closures across the network, or ask about " +
              "one line, such as the Northern line or the Overground.\n\n" +
              "Link your London Travel account and choose your favourite lines on the London Travel website to ask " +
              `about your commute. Manage your account and preferences at ${WEBSITE}`,
            examplePhrases: [...EXAMPLE_PHRASES],
            keywords: ["london", "travel", "tube", "underground", "overground", "dlr", "elizabeth line", "tfl"],
            smallIconUri: options.smallIconUri ?? "file://assets/images/small-icon.png",
            largeIconUri: options.largeIconUri ?? "file://assets/images/large-icon.png",
          },
        },
        isAvailableWorldwide: false,
        distributionCountries: ["GB"],
        category: "PUBLIC_TRANSPORTATION",
        testingInstructions:
          "Ask about any line (for example the Victoria line, the DLR or the Overground) or about disruption. " +
          "To try the commute question, create an account on the London Travel website, choose at least one " +
          "favourite line and link the account in the Alexa app.",
      },
      apis: { custom: { endpoint: { uri: options.endpointArn ?? PLACEHOLDER_ENDPOINT_ARN }, interfaces: [] } },
      permissions: [],
      privacyAndCompliance: {
        allowsPurchases: false,
        usesPersonalInfo: true,
        isChildDirected: false,
        isExportCompliant: true,
        containsAds: false,
        locales: {
          "en-GB": {
            privacyPolicyUrl: `${WEBSITE}privacy-policy/`,
            termsOfUseUrl: `${WEBSITE}terms-of-service/`,
          },
        },
      },
    },
  };
}
