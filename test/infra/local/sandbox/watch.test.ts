import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../../infra/local/sandbox/run-sandbox.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'okta-token-hook-watch-'));
const transform = join(work, 'transform.ts');
const cdkJson = join(work, 'cdk.json');

const transformSetting = (value: string): string =>
  `export const transform = (_request: unknown, edit: { access: { set(claim: string, value: unknown): void } }): void => {\n  edit.access.set('stage', '${value}');\n};\n`;

let output = '';
/** Resolves once the output holds `pattern` after `from`; the output so far on timeout. */
async function waitFor(pattern: RegExp, from: number, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const text = output.slice(from);
    if (pattern.test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${output.slice(from)}`);
}

describe('npm start -- --watch', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    copyFileSync(join(REPO_ROOT, 'cdk.json'), cdkJson);
    writeFileSync(transform, transformSetting('one'));
    sandbox = await startSandbox({ write: (text) => void (output += text), watch: true, projectDir: work, transform });
  }, 60_000);

  afterAll(async () => {
    await sandbox?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('mints with the transform it started with', () => {
    expect(output).toMatch(/stage\s.*one/);
    expect(output).toContain('watching');
  });

  it('reloads a saved transform without restarting the simulator and prints the tables again', async () => {
    const from = output.length;
    const oktaUrl = sandbox.oktaUrl;

    writeFileSync(transform, transformSetting('two'));
    const text = await waitFor(/stage\s.*two/, from);

    expect(text).toMatch(/transform\.ts changed: hook reloaded in \d+ ms/);
    expect(sandbox.oktaUrl).toBe(oktaUrl);
  });

  it("reloads the environment's rules when cdk.json is saved", async () => {
    const from = output.length;
    const config = JSON.parse(readFileSync(cdkJson, 'utf8'));
    config.context.environments.example.hook.rules = [{ name: 'watched-rule', set: [{ claim: 'watched', token: 'access', value: 'yes' }] }];

    writeFileSync(cdkJson, JSON.stringify(config, null, 2));
    const text = await waitFor(/watched\s.*yes/, from);

    expect(text).toContain('cdk.json changed: hook reloaded');
    expect(text).toContain('claim rules: watched-rule');
  });

  it('keeps the previous hook serving when the saved cdk.json is broken, and says where', async () => {
    const from = output.length;

    writeFileSync(cdkJson, '{\n  "context": {\n');
    const text = await waitFor(/reload failed/, from);

    expect(text).toMatch(/the reload failed \(the previous hook keeps serving\): .*cdk\.json is not valid JSON at line/);
  });
});
