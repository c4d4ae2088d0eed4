import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createOktaClient, DEFAULT_CALL_TIMEOUT_MS } from '../okta/client.js';
import { jsonLineLog } from '../okta/log.js';
import { DEFAULT_RETRY_POLICY } from '../okta/retry-policy.js';
import { SecretsManagerStore } from '../shared/secret-store.js';
import { fundedDeadlines, OAUTH_UNDO_CALLS, undoBudgetMs, undoCalls, type Deadlines } from './budget.js';
import type { OnEventResponse } from './cfn-event.js';
import { readOktaCredentials } from './credentials-secret.js';
import { handleEvent } from './handle-event.js';
import { resolveTargets } from './target.js';

// Module scope is cold start: one Secrets Manager client for every event of this container, each call
// bounded (the SDK's default waits for ever on a stalled connection).
const secrets = new SecretsManagerStore(new SecretsManagerClient({ requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } }));

/** Whether the event's hook is secured with OAuth 2.0 (its undo has more to remove). */
function usesOAuth(event: unknown): boolean {
  return typeof event === 'object' && event !== null && typeof (event as { ResourceProperties?: { Auth?: unknown } }).ResourceProperties?.Auth === 'object';
}

interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** The event's deadlines for the undo of `rules` rules, from its start and the time Lambda gave it. */
function deadlinesFrom(startedMs: number, remainingMs: number, oauth: boolean): (rules: number) => Deadlines {
  const extra = oauth ? OAUTH_UNDO_CALLS : 0;
  return (rules) => fundedDeadlines(startedMs, remainingMs, undoBudgetMs(DEFAULT_RETRY_POLICY, DEFAULT_CALL_TIMEOUT_MS, undoCalls(rules) + extra));
}

/**
 * The CDK Provider framework's `onEvent`: returns the physical id (the Okta hook id) and `Data`, or
 * throws; the framework answers CloudFormation. Logs the event without its ResponseURL.
 */
export async function onEvent(event: unknown, context?: LambdaContext): Promise<OnEventResponse> {
  return handleEvent(event, {
    secrets,
    resolveTargets,
    log: (line) => console.log(JSON.stringify(line)),
    ...(context ? { deadlines: deadlinesFrom(Date.now(), context.getRemainingTimeInMillis(), usesOAuth(event)) } : {}),
    oktaFor: async (credentialsSecretArn) =>
      createOktaClient({ credentials: await readOktaCredentials(secrets, credentialsSecretArn), log: jsonLineLog }),
  });
}
