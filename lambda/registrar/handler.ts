import { createOktaClient, withDeadline } from '../okta/client.js';
import { parseOktaCredentials } from '../okta/credentials.js';
import { jsonLineLog } from '../okta/log.js';
import { SecretsManagerStore } from '../shared/secret-store.js';
import type { OnEventResponse } from './cfn-event.js';
import { InvalidPropertiesError } from './errors.js';
import { handleEvent } from './handle-event.js';
import { resolveTarget } from './target.js';

// Module scope is cold start: one Secrets Manager client for every event of this container.
const secrets = new SecretsManagerStore();

// Stop starting Okta calls this long before Lambda's timeout, so the error reaches CloudFormation.
const DEADLINE_MARGIN_MS = 15_000;

interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/**
 * The CDK Provider framework's `onEvent`: returns the physical id (the Okta hook id) and `Data`, or
 * throws; the framework answers CloudFormation. Logs the event without its ResponseURL.
 */
export async function onEvent(event: unknown, context?: LambdaContext): Promise<OnEventResponse> {
  const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS : undefined;
  return handleEvent(event, {
    secrets,
    resolveTarget,
    log: (line) => console.log(JSON.stringify(line)),
    oktaFor: async (credentialsSecretArn) => {
      const secret = await secrets.getSecret(credentialsSecretArn);
      if (!secret) throw new InvalidPropertiesError(`the okta credentials secret ${credentialsSecretArn} has no current value`);
      const api = createOktaClient({ credentials: parseOktaCredentials(secret.value), log: jsonLineLog });
      return deadline === undefined ? api : withDeadline(api, deadline);
    },
  });
}
