import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as a user meets it: `npm pack` in a copy of the repository (as a bare clone would, the
 * `prepare` script builds dist and assets), the tarball installed into a `cdk init`-style app, the
 * README's own-app example pasted in, and `cdk synth` run, once in a CommonJS app and once in an ESM one.
 */

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(ROOT, 'node_modules', '.bin');
const TIMEOUT_MS = 600_000;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout: TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        env: {
          ...process.env,
          // The repository's tsc, tsx and cdk, as an app's own devDependencies would provide them.
          PATH: `${BIN}${delimiter}${process.env['PATH'] ?? ''}`,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          CDK_DISABLE_VERSION_CHECK: '1',
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The README's own-app example: each ```ts block after `<!-- own-app-example: PATH -->`. */
export function ownAppExample(readme: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const match of readme.matchAll(/<!-- own-app-example: (\S+) -->\n```ts\n([\s\S]*?)```/g)) {
    files[match[1]!] = match[2]!;
  }
  return files;
}

// What `cdk init app --language typescript` writes, less jest; its `app` runs tsc, then tsx.
const CDK_INIT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['es2022'],
    declaration: true,
    strict: true,
    noImplicitAny: true,
    strictNullChecks: true,
    noImplicitThis: true,
    alwaysStrict: true,
    noImplicitReturns: true,
    skipLibCheck: true,
    noEmit: true,
    isolatedModules: true,
    types: ['node'],
  },
  exclude: ['node_modules', 'cdk.out'],
};

function writeApp(dir: string, moduleType: 'commonjs' | 'module', example: Record<string, string>): void {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'lib'), { recursive: true });
  const pkg = { name: `own-app-${moduleType}`, version: '0.1.0', private: true, ...(moduleType === 'module' ? { type: 'module' } : {}) };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(CDK_INIT_TSCONFIG, null, 2));
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'tsc && tsx bin/app.ts', notices: false, context: { 'cli-telemetry': false } }));
  const stackImport = moduleType === 'module' ? '../lib/token-hook-stack.js' : '../lib/token-hook-stack';
  writeFileSync(
    join(dir, 'bin', 'app.ts'),
    `#!/usr/bin/env node\nimport * as cdk from 'aws-cdk-lib';\nimport { TokenHookStack } from '${stackImport}';\n\nconst app = new cdk.App();\nnew TokenHookStack(app, 'TokenHook');\n`,
  );
  for (const [path, text] of Object.entries(example)) writeFileSync(join(dir, path), text);
}

describe('okta-token-hook in your own CDK app', () => {
  const work = mkdtempSync(join(tmpdir(), 'okta-token-hook-own-app-'));
  const example = ownAppExample(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  let pack: Run;
  let install: Run;
  const synth: Partial<Record<'commonjs' | 'module', Run>> = {};
  let help: Run;

  beforeAll(async () => {
    // A copy of what a clone holds for the build, with the repository's installed node_modules.
    const clone = join(work, 'clone');
    for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'bin', 'infra', 'lambda']) {
      cpSync(join(ROOT, path), join(clone, path), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    pack = await run('npm', ['pack', '--pack-destination', work, '--loglevel', 'error'], clone);
    if (pack.code !== 0) return;
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;

    // One install both apps share: the tarball for real, with its dependencies from npm's cache. The
    // peers aws-cdk-lib and constructs, and esbuild, are linked from the repository: an honest install
    // of aws-cdk-lib alone takes minutes on this machine, and npm cannot install folder links of them.
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'own-apps', private: true, dependencies: { 'okta-token-hook': `file:./${tarball}` } }));
    install = await run('npm', ['install', '--prefer-offline', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel', 'error'], work);
    if (install.code !== 0) return;
    for (const name of ['aws-cdk-lib', 'constructs', 'esbuild', '@types/node']) {
      mkdirSync(dirname(join(work, 'node_modules', name)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), join(work, 'node_modules', name), 'dir');
    }

    const apps = (['commonjs', 'module'] as const).map(async (moduleType) => {
      const dir = join(work, moduleType);
      writeApp(dir, moduleType, example);
      // The built-in CloudFormation validation is the repository's synth test's job; here it only costs time.
      synth[moduleType] = await run('cdk', ['synth', '--quiet', '-o', 'cdk.out'], dir, { CDK_VALIDATION: 'false' });
    });
    const cli = run(join(work, 'node_modules', '.bin', 'okta-token-hook'), ['--help'], work).then((result) => (help = result));
    await Promise.all([...apps, cli]);
  }, TIMEOUT_MS);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('takes its example from the README: a stack and a transform', () => {
    expect(Object.keys(example).sort()).toEqual(['lib/token-hook-stack.ts', 'lib/transform.ts']);
    expect(example['lib/token-hook-stack.ts']).toContain("from 'okta-token-hook'");
  });

  it('packs from a clone: the tarball holds built code, types and the Lambda assets, no sources', async () => {
    const listing = await run('tar', ['-tzf', join(work, readdirSync(work).find((name) => name.endsWith('.tgz'))!)], work);
    const files = listing.stdout.split('\n').filter(Boolean);

    expect(pack.code, pack.stderr).toBe(0);
    expect(files).toEqual(
      expect.arrayContaining([
        'package/dist/esm/infra/index.js',
        'package/dist/esm/infra/index.d.ts',
        'package/dist/cjs/infra/index.js',
        'package/dist/cjs/infra/index.d.ts',
        'package/dist/cjs/package.json',
        'package/assets/token-hook/index.mjs',
        'package/assets/token-hook/transform.mjs',
        'package/assets/registrar/index.mjs',
        'package/assets/rotation/index.mjs',
        'package/bin/okta-token-hook.js',
      ]),
    );
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  for (const moduleType of ['commonjs', 'module'] as const) {
    it(`synthesizes the README example in a ${moduleType === 'commonjs' ? 'CommonJS (cdk init)' : 'ES module'} app, its transform bundled`, () => {
      const result = synth[moduleType];
      expect(install.code, install.stderr).toBe(0);
      expect(result?.code, `${result?.stdout}\n${result?.stderr}`).toBe(0);
      const outdir = join(work, moduleType, 'cdk.out');
      const template = Template.fromJSON(JSON.parse(readFileSync(join(outdir, 'TokenHook.template.json'), 'utf8')));
      const hooks = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } });
      const code = Object.values(hooks)[0]?.['Properties'].Code.S3Key as string;
      const transform = readFileSync(join(outdir, `asset.${code.replace(/\.zip$/, '')}`, 'transform.mjs'), 'utf8');

      template.hasResourceProperties('Custom::OktaTokenHook', {
        OrgUrl: 'https://acme.okta.com',
        HookName: 'acme-token-hook',
        Target: { AuthorizationServer: 'default', Policy: 'Default Policy', Rule: 'Default Policy Rule' },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Runtime: 'nodejs24.x',
        Environment: { Variables: { HOOK_CONFIG: Match.stringLikeRegexp('"deadlineMs":1500.*"name":"tier"') } },
      });
      expect(transform).toContain('@contractor.example');
    });
  }

  it('installs a CLI that answers', () => {
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('usage:');
  });
});
