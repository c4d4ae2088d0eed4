import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../../infra/config.js';
import { captureConsole, type CapturedConsole } from '../../../infra/local/sandbox/console-capture.js';
import { startSandbox, type FinalState, type Sandbox } from '../../../infra/local/sandbox/run-sandbox.js';
import { OktaTokenHookStack, stackNameFor } from '../../../infra/okta-token-hook-stack.js';
import { HOOK_ENV } from '../../../lambda/shared/contract.js';
import { SecretsManagerStore } from '../../../lambda/shared/secret-store.js';
import { appWithoutBundling, cdkContext } from '../cdk-app.js';

/**
 * `npm start -- --env oauth`: the whole loop with private_key_jwt (the registrar provisions the hook key,
 * the OAuth client, the scope and the policy; Okta fetches a token for each hook call; the hook checks
 * it), and no secret shared by Okta and the hook exists in the template, the hook's environment, the
 * logs or Secrets Manager. The sandbox runs in this process, as `npm start` runs it.
 */
describe('sandbox: npm start -- --env oauth', () => {
  let sandbox: Sandbox;
  let captured: CapturedConsole;
  let output = '';
  let hookEnvironment: Record<string, string | undefined>;
  let final: FinalState | undefined;

  beforeAll(async () => {
    captured = captureConsole();
    try {
      sandbox = await startSandbox({ environment: 'oauth', write: (text) => void (output += text) });
    } catch (error) {
      captured.restore();
      throw error;
    }
    // What the bundled hook was loaded with, as the construct sets the function's environment.
    hookEnvironment = { apiKey: process.env[HOOK_ENV.apiKeySecretArn], auth: process.env[HOOK_ENV.hookAuth] };
  }, 120_000);
  afterAll(async () => {
    try {
      final ??= await sandbox?.stop();
    } finally {
      captured.restore();
    }
  });

  it('registers the hook with an OAUTH channel and mints tokens whose claims the hook added', () => {
    expect(output).toMatch(/OAuth 2\.0: Okta gets a token for scope okta-token-hook:invoke at http:\/\/127\.0\.0\.1:\d+\/oauth2\/ausPartnerApiSim0g3\/v1\/token as client \w+, hook key HKY\w+/);
    expect(output).toContain("verified through Okta's /execute");
    expect(output.match(/answered 200, Okta applied its commands/g)).toHaveLength(2);
    expect(output).toMatch(/\+ login +ada\.lovelace@example\.com/);
    expect(output).toMatch(/\+ tier +standard/);
  });

  it('keeps no shared secret in Secrets Manager: only the registrar\'s own private key', async () => {
    const store = new SecretsManagerStore();

    const values = await Promise.all(sandbox.secretArns.map(async (arn) => (await store.getSecret(arn))!.value));

    expect(values).toHaveLength(1);
    const credentials = JSON.parse(values[0]!);
    expect(Object.keys(credentials).sort()).toEqual(['clientId', 'keyId', 'orgUrl', 'privateKey', 'scopes']);
    expect(credentials.privateKey).toContain('BEGIN PRIVATE KEY');
    expect(output).not.toContain(credentials.privateKey.split('\n')[1]);
  });

  it("gives the hook no key secret, only the issuer, audience and scope of Okta's tokens", () => {
    expect(hookEnvironment.apiKey).toBeUndefined();
    expect(JSON.parse(hookEnvironment.auth!)).toEqual({
      type: 'oauth2',
      issuer: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/oauth2\/ausPartnerApiSim0g3$/),
      audience: 'api://partner',
      scope: 'okta-token-hook:invoke',
      acceptApiKey: false,
    });
  });

  it("logs no token, key or secret in the hook's and the registrar's lines", () => {
    const lines = captured.lines();

    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      // A JWT (Okta's bearer token, a client assertion) starts eyJ; a PEM or a secret field by its name.
      expect(line).not.toMatch(/eyJ[\w-]{10,}\.|PRIVATE KEY|client_secret"?\s*[:=]|authValue|"apiToken"/);
    }
  });

  it('synthesizes the oauth environment with no secret resource, no key variable and no secret value', () => {
    const stack = new OktaTokenHookStack(appWithoutBundling(), stackNameFor('oauth'), { environment: loadEnvironment(cdkContext, 'oauth') });

    const template = Template.fromStack(stack);
    const text = JSON.stringify(template.toJSON());
    expect(template.findResources('AWS::SecretsManager::Secret')).toEqual({});
    expect(text).not.toContain(HOOK_ENV.apiKeySecretArn);
    expect(text).not.toMatch(/resolve:secretsmanager|"SecretString"|GenerateSecretString/);
  });

  it('removes the hook and everything provisioned for it on stop, and puts the rule back', async () => {
    final = await sandbox.stop();

    expect(final).toMatchObject({ inlineHooks: 0, rulesRestored: true });
  });
});
