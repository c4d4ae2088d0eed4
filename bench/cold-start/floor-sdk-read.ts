import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

// Cold-start floor with the unavoidable key read: a client and one GetSecretValue at init.
const client = new SecretsManagerClient({});
export const secret = await client.send(new GetSecretValueCommand({ SecretId: process.env['API_KEY_SECRET_ARN'] }));
