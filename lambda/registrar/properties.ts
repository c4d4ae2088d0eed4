import * as z from 'zod';
import {
  CfnBoolean,
  CUSTOM_RESOURCE_TYPE,
  HookTargetSchema,
  RegistrarPropertiesSchema,
  TargetSpecSchema,
  type RegistrarProperties,
} from '../shared/contract.js';

const TargetsSchema = z.array(TargetSpecSchema).min(1);
import { InvalidPropertiesError } from './errors.js';
import { isReservedHeader } from './hook-definition.js';

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** The properties of a create or update, validated against the current schema. */
export function parseProperties(raw: unknown, which = 'ResourceProperties'): RegistrarProperties {
  const parsed = RegistrarPropertiesSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidPropertiesError(`invalid ${which} of ${CUSTOM_RESOURCE_TYPE}: ${describe(parsed.error)}`);
  }
  const reserved = parsed.data.Headers.find((h) => isReservedHeader(h.Key));
  if (reserved) {
    throw new InvalidPropertiesError(`header ${reserved.Key} is reserved by the registrar: choose another header name`);
  }
  return parsed.data;
}

/**
 * What delete needs, read leniently: properties written by older versions of this resource (fewer
 * fields, other fields, strings for booleans) must still delete cleanly.
 */
export const DeletePropertiesSchema = z.looseObject({
  CredentialsSecretArn: z.string().min(1),
  OrgUrl: z.string().optional(),
  Target: HookTargetSchema.loose().optional(),
  Targets: z.array(z.looseObject({ AuthorizationServer: z.string().min(1) })).optional(),
  RetainOnDelete: CfnBoolean.optional().default(false),
  HookName: z.string().optional(),
  /** OAuth 2.0: where the OAuth client's policy and scope are, when the hook is gone. */
  Auth: z.looseObject({ AuthorizationServer: z.string().min(1), Scope: z.string().min(1) }).optional(),
});
export type DeleteProperties = z.infer<typeof DeletePropertiesSchema>;

export function parseDeleteProperties(raw: unknown): DeleteProperties {
  const parsed = DeletePropertiesSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidPropertiesError(`cannot read the properties of the resource to delete: ${describe(parsed.error)}`);
  }
  return parsed.data;
}

/** Org URLs compared without a trailing slash or case in the host. */
export function sameOrg(a: string | undefined, b: string | undefined): boolean {
  const normal = (url: string | undefined) => (url ?? '').replace(/\/+$/, '').toLowerCase();
  return normal(a) === normal(b);
}

/**
 * The previous properties of an update. Written by an older version they may not pass today's schema:
 * then what can be read is used, the rest taken from the new properties, and the key is treated as
 * changed so it is sent again (harmless; skipping it could leave Okta with a stale key).
 */
export function parseOldProperties(raw: unknown, current: RegistrarProperties): RegistrarProperties {
  const strict = RegistrarPropertiesSchema.safeParse(raw);
  if (strict.success) return strict.data;
  const loose = DeletePropertiesSchema.safeParse(raw);
  const readable = loose.success ? loose.data : undefined;
  const targets = readable?.Targets ? TargetsSchema.safeParse(readable.Targets) : undefined;
  const { Target: _target, Targets: _targets, ...rest } = current;
  return {
    ...rest,
    OrgUrl: readable?.OrgUrl ?? current.OrgUrl,
    ...(readable?.Target
      ? { Target: { AuthorizationServer: readable.Target.AuthorizationServer, Policy: readable.Target.Policy, Rule: readable.Target.Rule } }
      : targets?.success
        ? { Targets: targets.data }
        : current.Targets
          ? { Targets: current.Targets }
          : { Target: current.Target }),
    ApiKeyVersion: `${current.ApiKeyVersion} (previous version unknown)`,
  };
}
