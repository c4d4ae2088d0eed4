import * as z from 'zod';
import { OktaSimError, notFound, validationError } from './errors.js';
import { ID_PREFIX, oktaId } from './ids.js';
import type { SimInlineHook, SimState } from './model.js';
import { parseBody } from './request-validation.js';

/** Okta's limit on inline hooks per org (spec and API reference; the concepts page says 100). */
export const MAX_INLINE_HOOKS = 50;

export const INLINE_HOOK_TYPES = [
  'com.okta.import.transform',
  'com.okta.oauth2.tokens.transform',
  'com.okta.saml.tokens.transform',
  'com.okta.telephony.provider',
  'com.okta.user.credential.password.import',
  'com.okta.user.pre-registration',
] as const;

// Okta refuses headers it sets itself.
const RESERVED_HEADERS = new Set(['accept', 'content-type', 'content-length', 'host', 'transfer-encoding']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Okta requires https; the simulator also accepts http on loopback, where the local hook runs. */
const HookUriSchema = z
  .string()
  .max(1024)
  .refine((uri) => !/\s/.test(uri), 'must not contain whitespace')
  .refine((uri) => {
    try {
      const url = new URL(uri);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
    } catch {
      return false;
    }
  }, 'must be an https URL');

const HeaderSchema = z.object({
  key: z
    .string()
    .min(1)
    .refine((key) => !RESERVED_HEADERS.has(key.toLowerCase()), 'is a reserved header'),
  value: z.string(),
});

const CommonConfig = {
  uri: HookUriSchema,
  method: z.literal('POST').optional(),
  headers: z.array(HeaderSchema).nullish(),
};

const HttpChannelSchema = z.object({
  type: z.literal('HTTP'),
  version: z.literal('1.0.0'),
  config: z.object({
    ...CommonConfig,
    authScheme: z
      .object({
        type: z.string().refine((type) => type.toUpperCase() === 'HEADER', 'must be HEADER'),
        key: z.string().min(1),
        value: z.string().min(1, 'is required'),
      })
      .nullish(),
  }),
});

const OAuthChannelSchema = z.object({
  type: z.literal('OAUTH'),
  version: z.literal('1.0.0'),
  config: z
    .object({
      ...CommonConfig,
      authType: z.enum(['client_secret_post', 'private_key_jwt']),
      clientId: z.string().min(1),
      tokenUrl: z.url(),
      scope: z.string().nullish(),
      clientSecret: z.string().nullish(),
      hookKeyId: z.string().nullish(),
      authScheme: z.null().optional(),
    })
    .refine((config) => config.authType !== 'client_secret_post' || !!config.clientSecret, {
      message: 'is required for client_secret_post',
      path: ['clientSecret'],
    })
    .refine((config) => config.authType !== 'private_key_jwt' || !!config.hookKeyId, {
      message: 'is required for private_key_jwt',
      path: ['hookKeyId'],
    }),
});

const ChannelSchema = z.discriminatedUnion('type', [HttpChannelSchema, OAuthChannelSchema]);
type Channel = z.infer<typeof ChannelSchema>;

const NameSchema = z.string().min(1).max(255);
/** The hook type's version: real Okta accepted and kept 1.0.0 to 1.0.3 for the same types. */
const VersionSchema = z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version such as 1.0.0');

/** `InlineHookCreate`; unknown fields are ignored, as Okta does. */
export const InlineHookCreateSchema = z.object({
  name: NameSchema,
  type: z.enum(INLINE_HOOK_TYPES),
  version: VersionSchema.optional(),
  channel: ChannelSchema,
});

/** `InlineHookReplace`; `type` may be sent (Okta's SDK does) but must not change. */
export const InlineHookReplaceSchema = z.object({
  name: NameSchema,
  type: z.string().optional(),
  version: VersionSchema.optional(),
  channel: ChannelSchema,
});

function storedChannel(channel: Channel): Pick<SimInlineHook, 'channel' | 'authValue' | 'clientSecret'> {
  const headers = (channel.config.headers ?? []).map(({ key, value }) => ({ key, value }));
  if (channel.type === 'HTTP') {
    const scheme = channel.config.authScheme;
    return {
      channel: {
        type: 'HTTP',
        version: channel.version,
        config: {
          uri: channel.config.uri,
          method: 'POST',
          headers,
          // Okta answers `authScheme: null` for a channel without one.
          authScheme: scheme ? { type: 'HEADER', key: scheme.key } : null,
        },
      },
      ...(scheme ? { authValue: scheme.value } : {}),
    };
  }
  const { clientSecret, authScheme: _authScheme, scope, hookKeyId, ...config } = channel.config;
  return {
    channel: {
      type: 'OAUTH',
      version: channel.version,
      // The secret is write-only: Okta's answers leave the key out, and name only the fields that were set.
      config: { ...config, method: 'POST', headers, authScheme: null, ...(scope ? { scope } : {}), ...(hookKeyId ? { hookKeyId } : {}) },
    },
    ...(clientSecret ? { clientSecret } : {}),
  };
}

export function findInlineHook(state: SimState, id: string): SimInlineHook {
  const hook = state.inlineHooks.find((candidate) => candidate.id === id);
  if (!hook) throw notFound(id, 'InlineHook');
  return hook;
}

function assertNameFree(state: SimState, name: string, exceptId?: string): void {
  if (state.inlineHooks.some((hook) => hook.name === name && hook.id !== exceptId)) {
    throw validationError(['name: An object with this field already exists in the current organization']);
  }
}

export function createInlineHook(state: SimState, body: unknown, now: string): SimInlineHook {
  const input = parseBody(InlineHookCreateSchema, body);
  assertNameFree(state, input.name);
  if (state.inlineHooks.length >= MAX_INLINE_HOOKS) {
    throw validationError([`inlineHooks: The maximum number of inline hooks (${MAX_INLINE_HOOKS}) has been reached`]);
  }
  const hook: SimInlineHook = {
    id: oktaId(ID_PREFIX.inlineHook),
    status: 'ACTIVE',
    name: input.name,
    type: input.type,
    version: input.version ?? '1.0.0',
    ...storedChannel(input.channel),
    created: now,
    lastUpdated: now,
  };
  state.inlineHooks.push(hook);
  return hook;
}

export function replaceInlineHook(state: SimState, id: string, body: unknown, now: string): SimInlineHook {
  const hook = findInlineHook(state, id);
  const input = parseBody(InlineHookReplaceSchema, body);
  if (input.type !== undefined && input.type !== hook.type) {
    throw validationError(['type: The type of an inline hook cannot be changed'], 'type');
  }
  assertNameFree(state, input.name, id);
  const { authValue: _authValue, clientSecret: _clientSecret, ...kept } = hook;
  const replaced: SimInlineHook = {
    ...kept,
    name: input.name,
    version: input.version ?? kept.version,
    ...storedChannel(input.channel),
    lastUpdated: now,
  };
  state.inlineHooks[state.inlineHooks.indexOf(hook)] = replaced;
  return replaced;
}

export function setInlineHookStatus(state: SimState, id: string, status: SimInlineHook['status'], now: string): SimInlineHook {
  const hook = findInlineHook(state, id);
  if (hook.status !== status) {
    hook.status = status;
    hook.lastUpdated = now;
  }
  return hook;
}

export function deleteInlineHook(state: SimState, id: string): void {
  const hook = findInlineHook(state, id);
  if (hook.status !== 'INACTIVE') {
    throw new OktaSimError('E0000001', {
      detail: 'status',
      causes: ['status: Only inline hooks with a status of INACTIVE can be deleted; deactivate it first'],
    });
  }
  state.inlineHooks.splice(state.inlineHooks.indexOf(hook), 1);
}
