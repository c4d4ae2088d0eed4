import { AwsClient } from 'aws4fetch';

// A bare process reading the key the cheapest way measured: one SigV4-signed GetSecretValue over fetch.
const env = process.env;
const client = new AwsClient({ accessKeyId: env['AWS_ACCESS_KEY_ID']!, secretAccessKey: env['AWS_SECRET_ACCESS_KEY']!, service: 'secretsmanager', region: env['AWS_REGION']! });
const response = await client.fetch(env['AWS_ENDPOINT_URL_SECRETS_MANAGER']!, {
  method: 'POST',
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
  body: JSON.stringify({ SecretId: env['API_KEY_SECRET_ARN'] }),
});
export const secret = await response.json();
