import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOM_RESOURCE_TYPE } from '../../lambda/shared/contract.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cdk = join(root, 'node_modules', '.bin', 'cdk');
// The real CLI, the real bundling with local esbuild, built-in validation and cdk-nag: slow on two cores.
const SYNTH_TIMEOUT_MS = 180_000;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runCdk(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      cdk,
      args,
      {
        cwd: root,
        timeout: SYNTH_TIMEOUT_MS,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', CDK_DISABLE_VERSION_CHECK: '1' },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npx cdk synth', () => {
  let outdir: string;
  let example: Run;
  let unknown: Run;
  let missing: Run;
  let template: Template;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'okta-token-hook-synth-'));
    // The CLI locks its output directory: one per run.
    [example, unknown, missing] = await Promise.all([
      runCdk(['synth', '-c', 'env=example', '-o', outdir, '--quiet']),
      runCdk(['synth', '-c', 'env=nope', '-o', join(outdir, 'unknown')]),
      runCdk(['synth', '-o', join(outdir, 'missing')]),
    ]);
    if (example.code === 0) {
      template = Template.fromJSON(JSON.parse(readFileSync(join(outdir, 'OktaTokenHook-example.template.json'), 'utf8')));
    }
  }, SYNTH_TIMEOUT_MS);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('synthesizes the example offline with the AwsSolutions checks and built-in validation passing', () => {
    expect(example.stderr).not.toMatch(/AwsSolutions-|Validation failed/);
    expect(example.code).toBe(0);
  });

  it('bundles the hook and the registrar with local esbuild as minified ESM, the SDK from the runtime, none in the hook', () => {
    const hook = { Handler: 'index.handler', Environment: { Variables: { HOOK_CONFIG: Match.anyValue() } } };
    const registrar = { Handler: 'index.onEvent' };
    for (const [properties, usesSdk] of [[hook, false], [registrar, true]] as const) {
      const functions = Object.values(template.findResources('AWS::Lambda::Function', { Properties: properties }));
      const key = functions[0]?.['Properties'].Code.S3Key as string;
      const bundle = readFileSync(join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs'), 'utf8');

      expect(functions).toHaveLength(1);
      expect(bundle).toMatch(/^import[{ ]/);
      // The hook is built from ES modules only, without the `require` banner (HOOK_RUNTIME_BUNDLE); the registrar has it.
      expect(bundle.startsWith("import{createRequire as __cr}from'node:module'")).toBe(usesSdk);
      // The hook reads its key with one signed request over node:http: no SDK at all (npm run bench, cold start).
      if (usesSdk) expect(bundle).toMatch(/from"@aws-sdk\/client-secrets-manager"/);
      else expect(bundle).not.toMatch(/@aws-sdk\//);
      // Minified: long lines (what newlines remain come from template literals and license comments).
      expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000);
    }
  });

  it('produces a template with the public URL, Node.js 24 on arm64 and the registration', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', Qualifier: 'live' });
    template.resourcePropertiesCountIs('AWS::Lambda::Permission', { Principal: '*' }, 2);
    template.allResourcesProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x' });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Architectures: ['arm64'], Timeout: 2 });
    template.hasResourceProperties(CUSTOM_RESOURCE_TYPE, {
      OrgUrl: 'https://example.okta.com',
      HookName: 'okta-token-hook-example',
      ApiKeySecretArn: { Ref: Match.stringLikeRegexp('ApiKey') },
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/resolve:secretsmanager/);
  });

  it('fails without a stack trace and lists the environments when the name is unknown', () => {
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("unknown environment 'nope': use -c env=NAME, where NAME is one of: example");
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails and lists the environments when no name is given', () => {
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no environment given: run with -c env=NAME, where NAME is one of: example');
  });
});
