import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../../../infra/local/okta-simulator/index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** `npm run okta:sim` with `args`: the child, its URL, token and everything it printed first. */
async function startMain(args: string[]): Promise<{ child: ChildProcess; url: string; token: string; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/okta-simulator/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}: ${output}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (\S+)[\s\S]*SSWS token: (\S+)[\s\S]*Try: /.exec(output);
      if (found) resolve({ child, url: found[1]!, token: found[2]!, output });
    });
  });
}

describe('npm run okta:sim', () => {
  let sim: Awaited<ReturnType<typeof startMain>>;

  beforeAll(async () => {
    sim = await startMain([]);
  });
  afterAll(() => {
    sim.child.kill('SIGTERM');
  });

  it('prints its URL and an SSWS token that reads the seeded default rule', async () => {
    const response = await fetch(`${sim.url}/api/v1/authorizationServers/default/policies/${SEED.defaultPolicy.id}/rules/${SEED.defaultRule.id}`, {
      headers: { Authorization: `SSWS ${sim.token}`, Accept: 'application/json' },
    });

    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('Default Policy Rule');
  });
});

describe('npm run okta:sim -- --classic', () => {
  let sim: Awaited<ReturnType<typeof startMain>>;

  beforeAll(async () => {
    sim = await startMain(['--classic']);
  });
  afterAll(() => {
    sim.child.kill('SIGTERM');
  });

  it('starts an org without API Access Management that answers 401 E0000015 to authorization server calls', async () => {
    const response = await fetch(`${sim.url}/api/v1/authorizationServers`, { headers: { Authorization: `SSWS ${sim.token}`, Accept: 'application/json' } });

    expect(sim.output).toContain('without API Access Management');
    expect(response.status).toBe(401);
    expect(((await response.json()) as { errorCode: string }).errorCode).toBe('E0000015');
  });
});
