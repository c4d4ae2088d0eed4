import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerStore } from '../shared/secret-store.js';
import { createRotationHandler } from './rotation-function.js';

/** Secrets Manager's rotation function for the hook's API key (see rotation-steps.ts). */
export const handler = createRotationHandler({
  // Every call bounded: the SDK's default waits for ever on a stalled connection.
  secrets: new SecretsManagerStore(new SecretsManagerClient({ requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } })),
  env: process.env,
});
