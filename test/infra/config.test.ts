import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  DEADLINE_MARGIN_MS,
  EnvironmentConfigError,
  EnvironmentSchema,
  UnknownEnvironmentError,
  environmentNames,
  loadEnvironment,
} from '../../infra/config.js';

const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

const minimal = {
  orgUrl: 'https://acme.okta.com',
  credentialsSecret: 'okta-token-hook/prod/okta-credentials',
  target: { authorizationServer: 'default', policy: 'Default Policy', rule: 'Default Policy Rule' },
  hook: {},
};

function contextWith(environments: Record<string, unknown>): Record<string, unknown> {
  return { environments };
}

function problemsOf(environment: unknown, name = 'prod'): readonly string[] {
  try {
    loadEnvironment(contextWith({ [name]: environment }), name);
  } catch (error) {
    if (error instanceof EnvironmentConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the environment to be rejected');
}

describe('loadEnvironment', () => {
  it('loads the example environment of cdk.json', () => {
    const environment = loadEnvironment(cdkContext, 'example');

    expect(environment.name).toBe('example');
    expect(environment.target?.rule).toBe('Default Policy Rule');
    expect(environment.hook.rules.length).toBeGreaterThan(0);
  });

  it('fills every default and derives the hook name from the environment', () => {
    const environment = loadEnvironment(contextWith({ prod: minimal }), 'prod');

    expect(environment).toMatchObject({
      hookName: 'okta-token-hook-prod',
      memorySize: 256,
      timeoutSeconds: 2,
      logRetentionDays: 30,
      replaceExistingHook: false,
      retainOnDelete: false,
      verify: true,
    });
    expect(environment.hook).toMatchObject({ failureMode: 'open', authHeader: 'authorization' });
    expect(environment.alarms).toBeUndefined();
  });

  it('gives an unset hook deadline the Lambda timeout less the margin', () => {
    const short = loadEnvironment(contextWith({ prod: { ...minimal, timeoutSeconds: 1 } }), 'prod');
    const long = loadEnvironment(contextWith({ prod: { ...minimal, timeoutSeconds: 2 } }), 'prod');

    expect(short.hook.deadlineMs).toBe(1000 - DEADLINE_MARGIN_MS);
    expect(long.hook.deadlineMs).toBe(2000 - DEADLINE_MARGIN_MS);
  });

  it('accepts the credentials secret as a name, a partial ARN or a full ARN', () => {
    for (const credentialsSecret of [
      'okta/creds',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:okta/creds',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:okta/creds-AbC123',
    ]) {
      const environment = loadEnvironment(contextWith({ prod: { ...minimal, credentialsSecret } }), 'prod');

      expect(environment.credentialsSecret).toBe(credentialsSecret);
    }
  });

  it('lists the environments when none is given', () => {
    const load = () => loadEnvironment(contextWith({ prod: minimal, dev: minimal }), undefined);

    expect(load).toThrow(UnknownEnvironmentError);
    expect(load).toThrow('no environment given: run with -c env=NAME, where NAME is one of: dev, prod');
  });

  it('lists the environments when the one given is unknown', () => {
    const load = () => loadEnvironment(contextWith({ prod: minimal }), 'staging');

    expect(load).toThrow("unknown environment 'staging': use -c env=NAME, where NAME is one of: prod");
  });

  it('says how to add an environment when cdk.json has none', () => {
    expect(() => loadEnvironment({}, 'prod')).toThrow('none: add one under context.environments in cdk.json');
  });

  it('names the key path and the fix of a missing key', () => {
    const { orgUrl: _, ...withoutOrg } = minimal;

    const problems = problemsOf(withoutOrg);

    expect(problems).toEqual(['environments.prod.orgUrl: is required: set the Okta org origin, e.g. https://example.okta.com']);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      ...minimal,
      credentialsSecret: 'not a secret name!',
      target: { authorizationServer: 'default', policy: 'Default Policy' },
      timeoutSeconds: 3,
      logRetentionDays: 31,
      retainOndelete: true,
    });

    expect(problems).toHaveLength(5);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^environments\.prod\.credentialsSecret: .*set the name or full ARN/),
        expect.stringMatching(/^environments\.prod\.target\.rule: is required: set the policy rule id or exact name/),
        expect.stringMatching(/^environments\.prod\.timeoutSeconds: .*<=2.*Okta waits 3 s/),
        expect.stringMatching(/^environments\.prod\.logRetentionDays: .*set one of 1, 3, 5/),
        "environments.prod: unknown key 'retainOndelete': did you mean 'retainOnDelete'?",
      ]),
    );
  });

  it('reports problems inside the hook config with their full path', () => {
    const hook = { rules: [{ name: 'bad', set: [{ claim: 'sub', token: 'identity', value: 'x' }] }] };

    const problems = problemsOf({ ...minimal, hook });

    expect(problems).toEqual([expect.stringMatching(/^environments\.prod\.hook\.rules\['bad'\]\.set\[0\]\.claim: claim 'sub'/)]);
  });

  it('names rules by name, suggests the key meant, and says what is wrong with a set entry', () => {
    const hook = {
      failuremode: 'open',
      rules: [{ name: 'tier', when: { clientId: ['app'] }, set: [{ claim: 'tier', token: 'access' }], remove: [{ claim: 'x' }] }],
    };

    const problems = problemsOf({ ...minimal, hook });

    expect(problems).toEqual(
      expect.arrayContaining([
        "environments.prod.hook: unknown key 'failuremode': did you mean 'failureMode'?",
        "environments.prod.hook.rules['tier'].when: unknown key 'clientId': did you mean 'clientIds'?",
        "environments.prod.hook.rules['tier'].set[0]: give 'value' (the JSON value to set) or 'from' (a JSON pointer into Okta's request)",
        "environments.prod.hook.rules['tier'].remove[0].token: is required: set access, identity or both",
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('refuses a hook deadline that leaves no time before the Lambda timeout', () => {
    const problems = problemsOf({ ...minimal, timeoutSeconds: 2, hook: { deadlineMs: 1800 } });

    expect(problems).toEqual([
      `environments.prod.hook.deadlineMs: 1800 ms leaves the hook less than ${DEADLINE_MARGIN_MS} ms before the 2 s Lambda timeout: set it to at most 1500, or leave it out to follow the timeout`,
    ]);
  });

  it('refuses more provisioned than reserved concurrency', () => {
    const problems = problemsOf({ ...minimal, reservedConcurrency: 5, provisionedConcurrency: 10 });

    expect(problems).toEqual([
      'environments.prod.provisionedConcurrency: 10 exceeds reservedConcurrency 5: lower it or raise reservedConcurrency',
    ]);
  });

  it('accepts "unreserved" as the ceiling and refuses monitoring thresholds out of range', () => {
    const unreserved = loadEnvironment(contextWith({ prod: { ...minimal, reservedConcurrency: 'unreserved', provisionedConcurrency: 3 } }), 'prod');

    const problems = problemsOf({ ...minimal, monitoring: { failureRatePercent: 0, p99DurationMs: 3000, unauthorizedThreshold: 0.5 } });

    expect(unreserved.reservedConcurrency).toBe('unreserved');
    expect(problems).toEqual([
      expect.stringMatching(/^environments\.prod\.monitoring\.unauthorizedThreshold: .*: set the number of 401 answers/),
      expect.stringMatching(/^environments\.prod\.monitoring\.failureRatePercent: .*: set the percentage of failed calls/),
      expect.stringMatching(/^environments\.prod\.monitoring\.p99DurationMs: .*below Okta's 3000/),
    ]);
  });

  it('wants exactly one alarm destination', () => {
    const both = { email: 'ops@acme.com', topicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms' };

    const problems = problemsOf({ ...minimal, alarms: both });

    expect(problems).toEqual([expect.stringMatching(/^environments\.prod\.alarms: give exactly one of email or topicArn: set/)]);
  });

  it('refuses an org URL that is not an https origin', () => {
    const problems = problemsOf({ ...minimal, orgUrl: 'http://acme.okta.com/admin' });

    expect(problems.every((problem) => problem.startsWith('environments.prod.orgUrl: '))).toBe(true);
    expect(problems.join('\n')).toContain('https');
  });

  it('loads a list of targets: rules by id or name, and every rule of a policy but some', () => {
    const { target: _single, ...rest } = minimal;
    const targets = [
      { authorizationServer: 'default', policy: 'Default Policy', rule: 'Default Policy Rule' },
      { authorizationServer: 'Partner API', policy: 'Web Apps Policy', allRules: true, except: ['Admins'] },
    ];

    const environment = loadEnvironment(contextWith({ prod: { ...rest, targets } }), 'prod');

    expect(environment.target).toBeUndefined();
    expect(environment.targets).toEqual(targets);
  });

  it('wants exactly one of target and targets', () => {
    const { target, ...rest } = minimal;

    expect(problemsOf(rest)).toEqual(['environments.prod: give exactly one of target (one rule) and targets (a list of rules)']);
    expect(problemsOf({ ...minimal, targets: [target] })).toEqual([
      'environments.prod: give exactly one of target (one rule) and targets (a list of rules)',
    ]);
  });

  it('refuses at synth a rule named twice in the same spelling, or named beside every rule of its policy', () => {
    const { target, ...rest } = minimal;
    const every = { authorizationServer: 'default', policy: 'Default Policy', allRules: true };

    expect(problemsOf({ ...rest, targets: [target, { ...target }] })).toEqual([
      "environments.prod: targets[0] and targets[1] both name rule 'Default Policy Rule' of policy 'Default Policy': remove one",
    ]);
    expect(problemsOf({ ...rest, targets: [every, target] })).toEqual([
      "environments.prod: targets[0] and targets[1] both name rule 'Default Policy Rule' of policy 'Default Policy' (allRules takes it): remove the single one, or add it to except",
    ]);
  });

  it('names the fix of a target that gives both rule and allRules, or except without allRules', () => {
    const { target, ...rest } = minimal;

    expect(problemsOf({ ...rest, targets: [{ ...target, allRules: true }] })).toEqual([
      'environments.prod.targets[0].rule: give either rule or allRules: true: set the policy rule id or exact name, e.g. "Default Policy Rule"',
    ]);
    expect(problemsOf({ ...rest, targets: [{ ...target, except: ['Admins'] }] })).toEqual([
      'environments.prod.targets[0].except: except goes with allRules: true: set the names of the rules of the policy to leave alone, e.g. ["Legacy apps"]',
    ]);
  });

  it('refuses an environment name that cannot be part of a stack name', () => {
    const problems = problemsOf(minimal, 'prod_eu');

    expect(problems).toEqual([expect.stringContaining("environments.prod_eu: the name must be letters, digits and '-'")]);
  });
});

describe('environmentNames', () => {
  it('lists the environments sorted, or none when the key is missing', () => {
    expect(environmentNames(contextWith({ b: {}, a: {} }))).toEqual(['a', 'b']);
    expect(environmentNames({})).toEqual([]);
  });
});

describe('infra/config.ts', () => {
  it('loads without aws-cdk-lib, so the sandbox and the CLI stay fast', async () => {
    const result = await build({
      entryPoints: [new URL('../../infra/config.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
    });

    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('zod'))).toBe(true);
    expect(inputs.filter((path) => /aws-cdk-lib|constructs/.test(path))).toEqual([]);
  });
});

describe('README Configuration section', () => {
  it('documents every key of an environment, and no other', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Configuration\n'), readme.indexOf('\n## ', readme.indexOf('\n## Configuration\n') + 1));

    const documented = new Set([...section.matchAll(/^\| `([A-Za-z]+)(?:\.[A-Za-z]+)?` \|/gm)].map((match) => match[1]));

    expect([...documented].sort()).toEqual(Object.keys(EnvironmentSchema.shape).sort());
  });
});

describe('loadEnvironment auth', () => {
  const oauth = { type: 'oauth2', method: 'private_key_jwt', authorizationServer: 'ausHookIssuer0000g3', scope: 'okta-token-hook:invoke', audience: 'api://okta-token-hook', acceptApiKey: true };

  it('is the API key by default', () => {
    expect(loadEnvironment(contextWith({ prod: minimal }), 'prod').auth).toEqual({ type: 'apiKey' });
  });

  it('takes the API key with acceptOAuth2 for the way back, its issuer checked like oauth2 under its own key', () => {
    const back = { type: 'apiKey', acceptOAuth2: { authorizationServer: 'ausHookIssuer0000g3', scope: 'okta-token-hook:invoke', audience: 'api://okta-token-hook' } };
    const target = { ...minimal.target, authorizationServer: 'ausHookIssuer0000g3' };

    expect(loadEnvironment(contextWith({ prod: { ...minimal, auth: back } }), 'prod').auth).toEqual(back);
    expect(problemsOf({ ...minimal, target, auth: back })).toEqual([
      expect.stringContaining("environments.prod.auth.acceptOAuth2.authorizationServer: 'ausHookIssuer0000g3' is also the server whose rule calls the hook"),
    ]);
  });

  it('takes OAuth 2.0 from another authorization server than the target', () => {
    const environment = loadEnvironment(contextWith({ prod: { ...minimal, auth: oauth } }), 'prod');

    expect(environment.auth).toEqual(oauth);
  });

  it("refuses the target's own server as the issuer, and explains the loop", () => {
    const target = { ...minimal.target, authorizationServer: 'ausHookIssuer0000g3' };

    const problems = problemsOf({ ...minimal, target, auth: oauth });

    expect(problems).toEqual([expect.stringContaining("environments.prod.auth.authorizationServer: 'ausHookIssuer0000g3' is also the server whose rule calls the hook")]);
    expect(problems[0]).toContain('Issue the hook\'s tokens from another custom authorization server');
  });

  it('refuses a server name, a scope with a space and an unknown method, naming each key', () => {
    const problems = problemsOf({ ...minimal, auth: { ...oauth, authorizationServer: 'Partner API', scope: 'two scopes', method: 'client_secret_basic' } });

    expect(problems).toEqual([expect.stringMatching(/^environments\.prod\.auth\.method: .*private_key_jwt/)]);
    const second = problemsOf({ ...minimal, auth: { ...oauth, authorizationServer: 'Partner API', scope: 'two scopes' } });
    expect(second).toEqual([
      expect.stringContaining("auth.authorizationServer: 'Partner API' is not an authorization server id"),
      expect.stringContaining("auth.scope: 'two scopes' is not one OAuth scope"),
    ]);
  });

  it('takes OAuth 2.0 without the API key: the registrar switches the channel', () => {
    const environment = loadEnvironment(contextWith({ prod: { ...minimal, auth: { ...oauth, acceptApiKey: false } } }), 'prod');

    expect(environment.auth).toMatchObject({ type: 'oauth2', acceptApiKey: false });
  });
});
