import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { afterAll, describe, expect, it } from 'vitest';
import { OktaTokenHook } from '../../../infra/constructs/okta-token-hook.js';
import { functionAssetDir } from '../../../infra/constructs/package-assets.js';
import { cdkContext } from '../cdk-app.js';

const work = mkdtempSync(join(tmpdir(), 'okta-token-hook-transform-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let apps = 0;
/** Synthesizes one hook with bundling on, and returns the directory of its code asset. */
function hookCode(transform: string | undefined): string {
  const outdir = join(work, `cdk.out-${apps++}`);
  const app = new App({ context: cdkContext, outdir, analyticsReporting: false, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const hook = new OktaTokenHook(stack, 'Hook', {
    orgUrl: 'https://acme.okta.com',
    credentialsSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Credentials', 'okta/credentials'),
    target: { authorizationServer: 'default', policy: 'Default Policy', rule: 'Default Policy Rule' },
    hookName: 'okta-token-hook-test',
    hookConfig: { rules: [] },
    ...(transform ? { transform } : {}),
  });
  const assembly = app.synth();
  const template = assembly.getStackByName('Test').template as { Resources: Record<string, { Properties: { Code?: { S3Key?: string } } }> };
  const logicalId = stack.getLogicalId(hook.function.node.defaultChild as never);
  const key = template.Resources[logicalId]?.Properties.Code?.S3Key ?? '';
  return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
}

/** The runtime's files (entry and chunks) with their text, all but the transform module. */
function runtimeFiles(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).filter((file) => file !== 'transform.mjs').map((file) => [file, readFileSync(join(dir, file), 'utf8')]));
}

function writeModule(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

describe('the hook code', () => {
  it('ships the prebuilt runtime without claim logic when no transform is given', () => {
    const dir = hookCode(undefined);

    expect(runtimeFiles(dir)).toEqual(runtimeFiles(functionAssetDir('token-hook')));
    expect(readFileSync(join(dir, 'transform.mjs'), 'utf8')).toBe('export const transform = undefined;\n');
  });

  it("bundles the user's transform at synth beside the prebuilt runtime, and it runs", async () => {
    const transform = writeModule(
      'contractor.ts',
      "import { suffix } from './suffix.js';\nexport const transform = (request: any, edit: any): void => { edit.access.set('contractor', suffix); };\n",
    );
    writeModule('suffix.ts', "export const suffix = 'contractor.example';\n");

    const dir = hookCode(transform);
    const module = (await import(pathToFileURL(join(dir, 'transform.mjs')).href)) as { transform: (r: unknown, e: unknown) => void };
    const set: unknown[] = [];
    module.transform({}, { access: { set: (...args: unknown[]) => set.push(args) } });

    expect(runtimeFiles(dir)).toEqual(runtimeFiles(functionAssetDir('token-hook')));
    expect(set).toEqual([['contractor', 'contractor.example']]);
  });

  it('refuses a module without a transform export, naming what it exports', () => {
    const transform = writeModule('wrong-export.ts', 'export const claims = 1;\n');

    expect(() => hookCode(transform)).toThrow(/wrong-export\.ts exports claims, not 'transform': add 'export const transform/);
  });
});
