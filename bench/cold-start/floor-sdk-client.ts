import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

// Cold-start floor: the least any function reading a secret loads, a Secrets Manager client.
export const client = new SecretsManagerClient({});
