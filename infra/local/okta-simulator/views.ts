import type { SimAuthorizationServer, SimInlineHook, SimPolicy, SimRule } from './model.js';

/**
 * What the management API answers for each stored object: Okta's JSON with `_links`, and never a
 * write-only secret.
 */

type Link = { href: string; hints?: { allow: string[] } };

function link(href: string, ...allow: string[]): Link {
  return allow.length > 0 ? { href, hints: { allow } } : { href };
}

export function inlineHookView(orgUrl: string, hook: SimInlineHook): Record<string, unknown> {
  const self = `${orgUrl}/api/v1/inlineHooks/${hook.id}`;
  const { authValue: _authValue, clientSecret: _clientSecret, ...stored } = hook;
  const config: Record<string, unknown> = structuredClone(stored.channel.config);
  if (config.authScheme && typeof config.authScheme === 'object') {
    const { value: _value, ...scheme } = config.authScheme as Record<string, unknown>;
    config.authScheme = scheme;
  }
  // An active hook can be executed and deactivated; an inactive one activated or deleted, not executed.
  const links: Record<string, Link> =
    hook.status === 'ACTIVE'
      ? { self: link(self), execute: link(`${self}/execute`, 'POST'), deactivate: link(`${self}/lifecycle/deactivate`, 'POST') }
      : { activate: link(`${self}/lifecycle/activate`, 'POST'), self: link(self), delete: link(self, 'DELETE') };
  return { ...structuredClone(stored), channel: { ...structuredClone(stored.channel), config }, _links: links };
}

/** Okta rotates an `AUTO` server's signing key every 90 days. */
const ROTATION_DAYS = 90;
const DEFAULT_SERVER_ID = 'default';

export function authorizationServerView(orgUrl: string, server: SimAuthorizationServer): Record<string, unknown> {
  const self = `${orgUrl}/api/v1/authorizationServers/${server.id}`;
  const issuer = `${orgUrl}/oauth2/${server.id}`;
  const nextRotation = new Date(Date.parse(server.lastRotated) + ROTATION_DAYS * 86_400_000).toISOString();
  return {
    id: server.id,
    name: server.name,
    description: server.description,
    audiences: [...server.audiences],
    issuer,
    issuerMode: server.issuerMode,
    status: server.status,
    created: server.created,
    lastUpdated: server.lastUpdated,
    credentials: {
      signing: {
        kid: `sim-${server.id}`,
        rotationMode: server.rotationMode,
        lastRotated: server.lastRotated,
        ...(server.rotationMode === 'AUTO' ? { nextRotation } : {}),
      },
    },
    default: server.id === DEFAULT_SERVER_ID,
    _links: {
      rotateKey: link(`${self}/credentials/lifecycle/keyRotate`, 'POST'),
      metadata: [
        { name: 'oauth-authorization-server', ...link(`${issuer}/.well-known/oauth-authorization-server`, 'GET') },
        { name: 'openid-configuration', ...link(`${issuer}/.well-known/openid-configuration`, 'GET') },
      ],
      keys: link(`${self}/credentials/keys`, 'GET'),
      claims: link(`${self}/claims`, 'GET', 'POST'),
      policies: link(`${self}/policies`, 'GET', 'POST'),
      self: link(self, 'GET', 'DELETE', 'PUT'),
      scopes: link(`${self}/scopes`, 'GET', 'POST'),
      ...lifecycleLink(self, server.status),
    },
  };
}

export function policyView(orgUrl: string, serverId: string, policy: SimPolicy): Record<string, unknown> {
  const self = `${orgUrl}/api/v1/authorizationServers/${serverId}/policies/${policy.id}`;
  const { rules: _rules, ...stored } = policy;
  return {
    ...structuredClone(stored),
    _links: {
      self: link(self, 'GET', 'PUT', 'DELETE'),
      ...lifecycleLink(self, policy.status),
      rules: link(`${self}/rules`, 'GET'),
    },
  };
}

export function ruleView(orgUrl: string, serverId: string, policyId: string, rule: SimRule): Record<string, unknown> {
  const self = `${orgUrl}/api/v1/authorizationServers/${serverId}/policies/${policyId}/rules/${rule.id}`;
  return { ...structuredClone(rule), _links: { self: link(self, 'GET', 'PUT', 'DELETE'), ...lifecycleLink(self, rule.status) } };
}

function lifecycleLink(self: string, status: string): Record<string, Link> {
  return status === 'ACTIVE'
    ? { deactivate: link(`${self}/lifecycle/deactivate`, 'POST') }
    : { activate: link(`${self}/lifecycle/activate`, 'POST') };
}
