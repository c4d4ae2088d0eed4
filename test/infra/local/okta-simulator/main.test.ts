import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../../../infra/local/okta-simulator/index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('npm run okta:sim', () => {
  let child: ChildProcess;
  let url: string;
  let token: string;

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/okta-simulator/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}: ${output}`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = /listening on (\S+)[\s\S]*SSWS token: (\S+)/.exec(output);
        if (found) {
          [, url, token] = found as unknown as [string, string, string];
          resolve();
        }
      });
    });
  });
  afterAll(() => {
    child.kill('SIGTERM');
  });

  it('prints its URL and an SSWS token that reads the seeded default rule', async () => {
    const response = await fetch(`${url}/api/v1/authorizationServers/default/policies/${SEED.defaultPolicy.id}/rules/${SEED.defaultRule.id}`, {
      headers: { Authorization: `SSWS ${token}`, Accept: 'application/json' },
    });

    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('Default Policy Rule');
  });
});
