import type { SimAuthorizationServer, SimInlineHook, SimPolicy, SimRule } from './model.js';

/**
 * What the management API answers for each stored object: Okta's JSON with `_links`, and never a
 * write-only secret.
 */

type Link = { href: string; hints?: { allow: string[] } };

function link(href: string, ...allow: string[]): Link {
  return allow.length > 0 ? { href, hints: { allow } } : { href };
}

export function inlineHookView(orgUrl: string, hook: SimInlineHook, options: { created?: boolean } = {}): Record<string, unknown> {
  const self = `${orgUrl}/api/v1/inlineHooks/${hook.id}`;
  const { authValue: _authValue, clientSecret: _clientSecret, ...stored } = hook;
  const config: Record<string, unknown> = structuredClone(stored.channel.config);
  if (config.authScheme && typeof config.authScheme === 'object') {
    const { value: _value, ...scheme } = config.authScheme as Record<string, unknown>;
    config.authScheme = scheme;
  }
  if ('clientSecret' in config) config.clientSecret = null;
  const links: Record<string, Link> = { self: link(self) };
  if (hook.status === 'ACTIVE') {
    links.deactivate = link(`${self}/lifecycle/deactivate`, 'POST');
  } else if (!options.created) {
    links.activate = link(`${self}/lifecycle/activate`, 'POST');
    links.delete = link(self, 'DELETE');
  }
  links.execute = link(`${self}/execute`, 'POST');
  return { ...structuredClone(stored), channel: { ...structuredClone(stored.channel), config }, _links: links };
}

export function authorizationServerView(orgUrl: string, server: SimAuthorizationServer): Record<string, unknown> {
  const self = `${orgUrl}/api/v1/authorizationServers/${server.id}`;
  const issuer = `${orgUrl}/oauth2/${server.id}`;
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
    credentials: { signing: { rotationMode: 'AUTO', kid: `sim-${server.id}`, use: 'sig' } },
    _links: {
      scopes: link(`${self}/scopes`, 'GET'),
      claims: link(`${self}/claims`, 'GET'),
      policies: link(`${self}/policies`, 'GET'),
      self: link(self, 'GET', 'DELETE', 'PUT'),
      metadata: [
        { name: 'oauth-authorization-server', ...link(`${issuer}/.well-known/oauth-authorization-server`, 'GET') },
        { name: 'openid-configuration', ...link(`${issuer}/.well-known/openid-configuration`, 'GET') },
      ],
      deactivate: link(`${self}/lifecycle/deactivate`, 'POST'),
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
