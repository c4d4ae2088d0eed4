import { ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { OktaCredentialsError, parseOktaCredentials, type OktaCredentials } from '../okta/credentials.js';
import type { SecretStore } from '../shared/secret-store.js';
import { InvalidPropertiesError } from './errors.js';

/**
 * The Okta credentials from their secret, with errors that name the secret and say what to put in it;
 * never its value (the parser's messages name keys only).
 */
export async function readOktaCredentials(secrets: SecretStore, secretArn: string): Promise<OktaCredentials> {
  let text: string | undefined;
  try {
    text = (await secrets.getSecret(secretArn))?.value;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  if (!text) {
    throw new InvalidPropertiesError(
      `the okta credentials secret ${secretArn} does not exist or has no current value: create it with the org's ` +
        'credentials (README, "Okta credentials"), or point credentialsSecretArn at the right secret, then retry',
    );
  }
  try {
    return parseOktaCredentials(text);
  } catch (error) {
    if (!(error instanceof OktaCredentialsError)) throw error;
    throw new InvalidPropertiesError(`the okta credentials secret ${secretArn} cannot be used: ${error.message}; fix its value, then retry`, {
      cause: error,
    });
  }
}
