import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startOktaSimulator, type OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import type { OnEventResponse } from '../../../lambda/registrar/cfn-event.js';
import { event, ruleHook, useSuite, DEFAULT_RULE } from './harness.js';

/**
 * The Lambda entry as deployed: module-scope Secrets Manager client reaching the local endpoint through
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`, the real Okta client, the Provider framework's event.
 */

const suite = useSuite();
let sim: OktaSimulator;
let onEvent: (event: unknown, context?: { getRemainingTimeInMillis(): number }) => Promise<OnEventResponse>;
let properties: Record<string, unknown>;
const lines: string[] = [];
const context = { getRemainingTimeInMillis: () => 60_000 };

beforeAll(async () => {
  sim = await startOktaSimulator({ hookTimeoutMs: 1_000 });
  const credentialsArn = suite.secrets.createSecret('okta-token-hook/handler/credentials', JSON.stringify({ orgUrl: sim.url, apiToken: sim.apiToken }));
  properties = {
    ...event('create', {})['ResourceProperties'] as Record<string, unknown>,
    OrgUrl: sim.url,
    CredentialsSecretArn: credentialsArn,
    ApiKeySecretArn: suite.apiKeyArn,
    HookUrl: suite.hook.url,
  };
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', suite.secrets.url);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  ({ onEvent } = await import('../../../lambda/registrar/handler.js'));
});

afterAll(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await sim.close();
});

describe('onEvent', () => {
  it('creates and deletes through the deployed entry point, reading both secrets from Secrets Manager', async () => {
    const created = await onEvent(event('create', { ResourceProperties: properties }), context);
    const attached = ruleHook(sim.snapshot().authorizationServers[0]!.policies[0]!.rules.find((r) => r.id === DEFAULT_RULE.ruleId) as never);
    const deleted = await onEvent(event('delete', { ResourceProperties: properties, PhysicalResourceId: created.PhysicalResourceId }), context);

    expect(attached).toBe(created.PhysicalResourceId);
    expect(deleted).toEqual({ PhysicalResourceId: created.PhysicalResourceId });
    expect(sim.snapshot().inlineHooks).toEqual([]);
  });

  it('logs the event without its ResponseURL and never logs a secret', async () => {
    const logged = lines.join('\n');

    expect(logged).toContain('"RequestType":"Create"');
    expect(logged).not.toContain('ResponseURL');
    expect(logged).not.toContain('X-Amz-Signature');
    expect(logged).not.toContain('test-api-key-do-not-log-0123456789');
    expect(logged).not.toContain(sim.apiToken);
  });

  it('returns Data without secret values', async () => {
    const created = await onEvent(event('create', { ResourceProperties: properties }), context);
    await onEvent(event('delete', { ResourceProperties: properties, PhysicalResourceId: created.PhysicalResourceId }), context);

    expect(Object.values(created.Data ?? {}).join(' ')).not.toContain('test-api-key');
    expect(Object.keys(created.Data ?? {}).sort()).toEqual(['AuthorizationServerId', 'HookId', 'PolicyId', 'PreviousHookId', 'RuleCount', 'RuleId']);
  });

  it('fails with a message naming both orgs when the credentials are for another org than OrgUrl', async () => {
    await expect(onEvent(event('create', { ResourceProperties: { ...properties, OrgUrl: 'https://other.okta.com' } }), context)).rejects.toThrow(
      /credentials secret \S+ is for http:\/\/127\.0\.0\.1:\d+ but OrgUrl is https:\/\/other\.okta\.com/,
    );
  });

  it('rejects an event that is not a custom resource request', async () => {
    await expect(onEvent({ RequestType: 'Restart' }, context)).rejects.toThrow(/not a custom resource event/);
  });
});
