import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../infra/cli/cli-error.js';
import { deployedFacts } from '../../../infra/cli/deployment.js';

function dirWithOutputs(content: unknown, file = 'cdk-outputs.json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-deployment-'));
  writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

const OUTPUTS = {
  'OktaTokenHook-prod': {
    HookFunctionUrl8A1B2C3D: 'https://abc.lambda-url.eu-west-1.on.aws/',
    HookId: 'calOURS',
    HookName: 'okta-token-hook-prod',
    Rule: 'aus1/00p2/0pr3',
    ApiKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:hook-key-AbCdEf',
  },
};

describe('deployedFacts', () => {
  it('reads the hook URL, id and name from the stack outputs cdk deploy wrote', () => {
    const facts = deployedFacts(dirWithOutputs(OUTPUTS), 'prod', {});

    expect(facts).toMatchObject({
      hookUrl: 'https://abc.lambda-url.eu-west-1.on.aws/',
      hookId: 'calOURS',
      hookName: 'okta-token-hook-prod',
      rule: { authServerId: 'aus1', policyId: '00p2', ruleId: '0pr3' },
    });
    expect(facts.source).toContain('OktaTokenHook-prod');
  });

  it('lets flags win over the outputs file', () => {
    const facts = deployedFacts(dirWithOutputs(OUTPUTS), 'prod', { hookName: 'other', hookUrl: 'https://x.example/' });

    expect(facts).toMatchObject({ hookName: 'other', hookUrl: 'https://x.example/' });
    expect(facts.hookId).toBeUndefined();
  });

  it('knows nothing when the default file is absent or holds another stack', () => {
    expect(deployedFacts(mkdtempSync(join(tmpdir(), 'cli-none-')), 'prod', {})).toEqual({
      source: 'the command line and cdk.json',
    });
    expect(deployedFacts(dirWithOutputs(OUTPUTS), 'staging', {}).hookUrl).toBeUndefined();
  });

  it('fails with the command to write it when an explicit file is missing or unusable', () => {
    const dir = dirWithOutputs('not json', 'broken.json');

    expect(() => deployedFacts(dir, 'prod', { outputsFile: 'missing.json' })).toThrow(/--outputs-file missing.json/);
    expect(() => deployedFacts(dir, 'prod', { outputsFile: 'broken.json' })).toThrow(CliError);
    expect(() => deployedFacts(dirWithOutputs(OUTPUTS, 'o.json'), 'staging', { outputsFile: 'o.json' })).toThrow(
      /no outputs for stack OktaTokenHook-staging/,
    );
  });
});
