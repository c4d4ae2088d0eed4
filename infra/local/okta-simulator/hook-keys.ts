import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import * as z from 'zod';
import { validationError, notFound } from './errors.js';
import { oktaId } from './ids.js';
import type { SimState } from './model.js';
import { parseBody } from './request-validation.js';
import { managementRoute, type Route, type SimAnswer } from './router.js';

/** Okta's limit on hook keys per org. */
export const MAX_HOOK_KEYS = 50;
const HOOK_KEY_ID_PREFIX = 'HKY';
/** Okta signs a hook's client assertion for one token request; a short life is enough. */
const ASSERTION_LIFETIME_SECONDS = 300;

/** A hook key: Okta generates the pair and keeps the private half; the API shows only the public one. */
interface SimHookKey {
  id: string;
  keyId: string;
  name: string;
  created: string;
  lastUpdated: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const KeyRequestSchema = z.object({ name: z.string().min(1).max(255) });

/**
 * The Hook Keys API (`/api/v1/hook-keys`) and the signing it stands for: when a hook's OAUTH channel is
 * `private_key_jwt`, Okta signs the client assertion with the key named by `hookKeyId`.
 */
export class HookKeys {
  private readonly keys: SimHookKey[] = [];

  constructor(private readonly state: SimState) {}

  private find(id: string): SimHookKey {
    const key = this.keys.find((candidate) => candidate.id === id);
    if (!key) throw notFound(id, 'HookKey');
    return key;
  }

  private isUsed(key: SimHookKey): boolean {
    return this.state.inlineHooks.some((hook) => hook.channel.config.hookKeyId === key.id);
  }

  private assertNameFree(name: string, exceptId?: string): void {
    if (this.keys.some((key) => key.name === name && key.id !== exceptId)) {
      throw validationError(['name: A key with this name already exists in the current organization']);
    }
  }

  private view(key: SimHookKey, withPublicKey: boolean): Record<string, unknown> {
    return {
      id: key.id,
      keyId: key.keyId,
      name: key.name,
      created: key.created,
      lastUpdated: key.lastUpdated,
      isUsed: String(this.isUsed(key)),
      ...(withPublicKey ? { _embedded: publicKeyView(key) } : {}),
    };
  }

  async create(body: unknown, now: string): Promise<Record<string, unknown>> {
    const { name } = parseBody(KeyRequestSchema, body);
    this.assertNameFree(name);
    if (this.keys.length >= MAX_HOOK_KEYS) throw validationError([`keys: The maximum number of keys (${MAX_HOOK_KEYS}) has been reached`]);
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const keyId = randomUUID();
    const key: SimHookKey = { id: oktaId(HOOK_KEY_ID_PREFIX), keyId, name, created: now, lastUpdated: now, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: keyId } };
    this.keys.push(key);
    return this.view(key, true);
  }

  /** The client assertion Okta sends to the hook's token endpoint (RFC 7523), signed with the hook key. */
  async signClientAssertion(hookKeyId: string, clientId: string, tokenUrl: string): Promise<string> {
    const key = this.keys.find((candidate) => candidate.id === hookKeyId);
    if (!key) throw new Error(`the hook key ${hookKeyId} does not exist`);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: key.keyId })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenUrl)
      .setIssuedAt()
      .setExpirationTime(`${ASSERTION_LIFETIME_SECONDS}s`)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  routes(now: () => string): Route[] {
    const keys = '/api/v1/hook-keys';
    const route = managementRoute;
    const ok = (body: unknown): SimAnswer => ({ status: 200, body });
    return [
      route('GET', keys, 'listHookKeys', 'okta.inlineHooks.read', () => ok(this.keys.map((key) => this.view(key, false)))),
      route('POST', keys, 'createHookKey', 'okta.inlineHooks.manage', async (request) => ok(await this.create(request.body, now())), 'json'),
      route('GET', `${keys}/public/{keyId}`, 'getPublicKey', 'okta.inlineHooks.read', (request) => {
        const key = this.keys.find((candidate) => candidate.keyId === request.params.keyId);
        if (!key) throw notFound(request.params.keyId!, 'HookKey');
        return ok({ _embedded: publicKeyView(key) });
      }),
      route('GET', `${keys}/{id}`, 'getHookKey', 'okta.inlineHooks.read', (request) =>
        ok(this.view(this.find(request.params.id!), request.query.get('expand') === 'publickey')),
      ),
      route(
        'PUT',
        `${keys}/{id}`,
        'replaceHookKey',
        'okta.inlineHooks.manage',
        (request) => {
          const key = this.find(request.params.id!);
          const { name } = parseBody(KeyRequestSchema, request.body);
          this.assertNameFree(name, key.id);
          if (key.name !== name) {
            key.name = name;
            key.lastUpdated = now();
          }
          return ok(this.view(key, true));
        },
        'json',
      ),
      route('DELETE', `${keys}/{id}`, 'deleteHookKey', 'okta.inlineHooks.manage', (request) => {
        const key = this.find(request.params.id!);
        if (this.isUsed(key)) throw validationError(['id: The key is used by an inline hook; point the hook at another key first'], 'id');
        this.keys.splice(this.keys.indexOf(key), 1);
        return { status: 204 };
      }),
    ];
  }
}

/** `_embedded`: the public JWK as the Hook Keys API shows it (`use` is null). */
function publicKeyView(key: SimHookKey): Record<string, unknown> {
  return { kty: 'RSA', alg: 'RSA', kid: key.keyId, use: null, e: key.publicJwk.e, n: key.publicJwk.n };
}
