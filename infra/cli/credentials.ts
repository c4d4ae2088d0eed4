import { OktaCredentialsError, parseOktaCredentials, type OktaCredentials } from '../../lambda/okta/credentials.js';
import { CliError } from './cli-error.js';

/** Where the CLI found the credentials, shown to the operator (never the values). */
export interface ResolvedCredentials {
  readonly credentials: OktaCredentials;
  readonly source: string;
}

/** Where the environment keeps its credentials in AWS. */
export interface CredentialsSecretRef {
  readonly secretId: string;
  readonly region?: string;
}

export type SecretReader = (ref: CredentialsSecretRef) => Promise<string>;

const HOW_TO_SET =
  'set OKTA_ORG_URL with OKTA_API_TOKEN (or OKTA_CLIENT_ID and OKTA_PRIVATE_KEY), or give an environment whose credentials secret you can read with your AWS credentials';

/**
 * Okta credentials for the CLI: from `OKTA_*` variables for local use (the simulator, a laptop), else
 * from the environment's secret in AWS Secrets Manager, the same JSON the registrar reads.
 */
export async function resolveOktaCredentials(
  env: Readonly<Record<string, string | undefined>>,
  secret: CredentialsSecretRef | undefined,
  readSecret: SecretReader = readFromSecretsManager,
): Promise<ResolvedCredentials> {
  const fromEnv = credentialsJsonFromEnv(env);
  if (fromEnv) return { credentials: parse(fromEnv.json, fromEnv.source), source: fromEnv.source };
  if (!secret) throw new CliError(`no okta credentials: ${HOW_TO_SET}`);
  const source = `secret ${secret.secretId}`;
  return { credentials: parse(await readSecret(secret), source), source };
}

function credentialsJsonFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): { json: string; source: string } | undefined {
  const orgUrl = env.OKTA_ORG_URL;
  if (!orgUrl) return undefined;
  if (env.OKTA_API_TOKEN) {
    return { json: JSON.stringify({ orgUrl, apiToken: env.OKTA_API_TOKEN }), source: 'OKTA_ORG_URL + OKTA_API_TOKEN' };
  }
  if (env.OKTA_CLIENT_ID && env.OKTA_PRIVATE_KEY) {
    const key = env.OKTA_PRIVATE_KEY.trim();
    const credentials = {
      orgUrl,
      clientId: env.OKTA_CLIENT_ID,
      privateKey: key.startsWith('{') ? parseJwk(key) : key,
      ...(env.OKTA_KEY_ID ? { keyId: env.OKTA_KEY_ID } : {}),
      ...(env.OKTA_SCOPES ? { scopes: env.OKTA_SCOPES.split(/\s+/).filter(Boolean) } : {}),
    };
    return { json: JSON.stringify(credentials), source: 'OKTA_ORG_URL + OKTA_CLIENT_ID (service app)' };
  }
  throw new CliError('OKTA_ORG_URL is set without OKTA_API_TOKEN or OKTA_CLIENT_ID + OKTA_PRIVATE_KEY: set one of them');
}

function parseJwk(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError('OKTA_PRIVATE_KEY starts with { but is not JSON: give a private JWK or a PKCS#8 PEM');
  }
}

function parse(json: string, source: string): OktaCredentials {
  try {
    return parseOktaCredentials(json);
  } catch (error) {
    if (error instanceof OktaCredentialsError) throw new CliError(`${error.message} (from ${source})`);
    throw error;
  }
}

async function readFromSecretsManager(ref: CredentialsSecretRef): Promise<string> {
  const [{ SecretsManagerClient }, { SecretsManagerStore }] = await Promise.all([
    import('@aws-sdk/client-secrets-manager'),
    import('../../lambda/shared/secret-store.js'),
  ]);
  const store = new SecretsManagerStore(new SecretsManagerClient(ref.region ? { region: ref.region } : {}));
  try {
    const version = await store.getSecret(ref.secretId);
    if (!version) throw new Error('no current version');
    return version.value;
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CliError(`cannot read the okta credentials secret ${ref.secretId} (${reason}): ${HOW_TO_SET}`);
  }
}
