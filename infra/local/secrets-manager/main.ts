import { parseArgs } from 'node:util';
import { startLocalSecretsManager } from './index.js';

/**
 * Runs the local Secrets Manager as its own process:
 * `npx tsx infra/local/secrets-manager/main.ts --port 4566 --secret hook/api-key=k1`.
 * Prints the environment another process needs to reach it with the real SDK.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    secret: { type: 'string', multiple: true, default: [] },
  },
});

const endpoint = await startLocalSecretsManager({ port: Number(values.port), host: values.host });
for (const entry of values.secret) {
  const split = entry.indexOf('=');
  if (split < 1) throw new Error(`--secret ${JSON.stringify(entry)} is not NAME=VALUE`);
  console.log(`secret ${entry.slice(0, split)}: ${endpoint.createSecret(entry.slice(0, split), entry.slice(split + 1))}`);
}
for (const [name, value] of Object.entries(endpoint.env)) console.log(`export ${name}=${value}`);
const stop = (): void => void endpoint.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
