import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

// design.md's first floor: the least any function reading a secret with the SDK loads, a client.
export const client = new SecretsManagerClient({});
