import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

// A bare process reading the key through the SDK: a client and one GetSecretValue at init.
const client = new SecretsManagerClient({});
export const secret = await client.send(new GetSecretValueCommand({ SecretId: process.env['API_KEY_SECRET_ARN'] }));
