import * as z from 'zod';

/**
 * The names `infra/` and `lambda/` share: environment variables, custom-resource properties and
 * attributes. Both sides import them from here, so a rename fails compilation, not a deploy.
 */

/** Environment variables of the hook function. */
export const HOOK_ENV = {
  /** ARN of the Secrets Manager secret holding the API key Okta sends. */
  apiKeySecretArn: 'API_KEY_SECRET_ARN',
  /** The hook's config (claim rules, failure mode, auth header, deadline) as JSON. */
  hookConfig: 'HOOK_CONFIG',
  /** How Okta authenticates (`HookAuth` as JSON): unset for the API key, or the OAuth 2.0 issuer, audience and scope. */
  hookAuth: 'HOOK_AUTH',
  /** SHA-256 of `HOOK_CONFIG` and `HOOK_AUTH` as the construct validated them: the hook trusts them while they match. */
  settingsDigest: 'HOOK_SETTINGS_SHA256',
} as const;

/** Environment variables of the rotation function. */
export const ROTATION_ENV = {
  credentialsSecretArn: 'OKTA_CREDENTIALS_SECRET_ARN',
  hookName: 'HOOK_NAME',
  /** What is rotated: `apiKey` (unset), `client_secret_post` (the OAuth client's secret) or `private_key_jwt` (the Hook Key). */
  authMethod: 'HOOK_AUTH_METHOD',
} as const;

/** The methods whose credential the rotation function rotates. */
export const ROTATED_AUTH_METHODS = ['apiKey', 'client_secret_post', 'private_key_jwt'] as const;
export type RotatedAuthMethod = (typeof ROTATED_AUTH_METHODS)[number];

/** The event the schedule sends the rotation function for a Hook Key (no secret, so no Secrets Manager rotation). */
export const HOOK_KEY_ROTATION_EVENT = { rotate: 'hook-key' } as const;

/** The custom resource type CloudFormation shows. */
export const CUSTOM_RESOURCE_TYPE = 'Custom::OktaTokenHook';

/** Attributes the registrar returns in `Data` (never a secret). */
export const REGISTRAR_ATTRIBUTES = {
  hookId: 'HookId',
  authorizationServerId: 'AuthorizationServerId',
  policyId: 'PolicyId',
  ruleId: 'RuleId',
  /**
   * The hook that was on the rule before ours, restored on delete; '' when there was none. Informational:
   * CloudFormation hands Data to no later event, so the registrar keeps the id on its hook in Okta.
   */
  previousHookId: 'PreviousHookId',
  /** How many rules the hook was attached to (the ids above are the first one's). */
  ruleCount: 'RuleCount',
} as const;

/** The targets of the properties, one form: the single `Target` is a list of one. */
export function targetsOf(properties: { readonly Target?: HookTarget | undefined; readonly Targets?: readonly TargetSpec[] | undefined }): TargetSpec[] {
  if (properties.Targets) return [...properties.Targets];
  return properties.Target ? [properties.Target] : [];
}

// CloudFormation hands every scalar property over as a string.
export const CfnBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

/** A rule to attach the hook to; each part is an id or an exact name (`default` for the default server). */
export const HookTargetSchema = z.strictObject({
  AuthorizationServer: z.string().min(1),
  Policy: z.string().min(1),
  Rule: z.string().min(1),
});
export type HookTarget = z.infer<typeof HookTargetSchema>;

/**
 * One entry of `Targets`: a rule (`Rule`), or every rule of the policy but those named in `Except`
 * (`AllRules`; a rule added to the policy later is attached on the next deploy).
 */
export const TargetSpecSchema = z
  .strictObject({
    AuthorizationServer: z.string().min(1),
    Policy: z.string().min(1),
    Rule: z.string().min(1).optional(),
    AllRules: CfnBoolean.optional(),
    Except: z.array(z.string().min(1)).optional(),
  })
  .refine((target) => (target.Rule !== undefined) !== (target.AllRules === true), {
    message: 'give either Rule or AllRules: true',
  })
  .refine((target) => target.Except === undefined || target.AllRules === true, { message: 'Except goes with AllRules: true' });
export type TargetSpec = z.infer<typeof TargetSpecSchema>;

export const HeaderSchema = z.strictObject({ Key: z.string().min(1), Value: z.string() });

/**
 * OAuth 2.0 for Okta's calls to the hook: the registrar provisions the OAuth client (an API Services
 * app), its custom scope and an access policy on the issuing server, the hook key (private_key_jwt),
 * and gives the hook an OAUTH channel.
 */
export const OAuthAuthPropertySchema = z.strictObject({
  Type: z.literal('oauth2'),
  Method: z.enum(['client_secret_post', 'private_key_jwt']),
  /** The authorization server that issues Okta's tokens for the hook: an id, `default`, or an exact name. */
  AuthorizationServer: z.string().min(1),
  Scope: z.string().min(1),
  /** The audience the hook requires: one of the issuing server's audiences. */
  Audience: z.string().min(1),
  /** client_secret_post: the secret the registrar keeps Okta's client secret in (never a property). */
  ClientSecretArn: z.string().min(1).optional(),
});
export type OAuthAuthProperty = z.infer<typeof OAuthAuthPropertySchema>;

/**
 * Properties of the custom resource. Secret values never appear here (CloudFormation shows
 * properties to anyone who can read the stack): only ARNs and a non-secret version marker.
 */
export const RegistrarPropertiesSchema = z.object({
  OrgUrl: z.string().url(),
  CredentialsSecretArn: z.string().min(1),
  /** The key Okta sends in `AuthHeader`; unused by the registrar when `Auth` is OAuth 2.0. */
  ApiKeySecretArn: z.string().min(1).optional(),
  /** Changes when the key should be re-sent to Okta; never the key itself. */
  ApiKeyVersion: z.string().default(''),
  HookName: z.string().min(1).max(255),
  HookUrl: z.string().url(),
  AuthHeader: z.string().min(1).default('Authorization'),
  Headers: z.array(HeaderSchema).default([]),
  /** The single-target form, as written by the first releases (kept so their stacks update in place). */
  Target: HookTargetSchema.optional(),
  /** Several targets, attached all or nothing. Exactly one of `Target` and `Targets` is given. */
  Targets: z.array(TargetSpecSchema).min(1).optional(),
  ReplaceExistingHook: CfnBoolean.default(false),
  Verify: CfnBoolean.default(true),
  RetainOnDelete: CfnBoolean.default(false),
  /** How Okta authenticates to the hook. @default - the API key in `AuthHeader` */
  Auth: OAuthAuthPropertySchema.optional(),
})
  .refine((properties) => (properties.Target === undefined) !== (properties.Targets === undefined), {
    message: 'give exactly one of Target and Targets',
    path: ['Targets'],
  })
  .refine((properties) => properties.Auth !== undefined || properties.ApiKeySecretArn !== undefined, {
    message: 'give ApiKeySecretArn, or Auth for OAuth 2.0',
    path: ['ApiKeySecretArn'],
  })
  .refine((properties) => properties.Auth?.Method !== 'client_secret_post' || properties.Auth.ClientSecretArn !== undefined, {
    message: 'client_secret_post needs ClientSecretArn, the secret that keeps the client secret',
    path: ['Auth', 'ClientSecretArn'],
  });
export type RegistrarProperties = z.infer<typeof RegistrarPropertiesSchema>;
/** What `infra/` writes: the schema's input side (booleans and defaults optional). */
export type RegistrarPropertiesInput = z.input<typeof RegistrarPropertiesSchema>;
