import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectDir, runCli } from './cli-harness.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/cli/${name}.json`, import.meta.url));

describe('okta-token-hook preview', () => {
  it('shows the access and ID tokens before and after the claim rules, and the commands the hook returns', async () => {
    const result = await runCli(['preview', fixture('request-authorization-code'), '--env', 'sim'], { cwd: projectDir() });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('rules applied: login, short-for-partner');
    expect(result.stdout).toContain('access token (1 added; lifetime 3600 s -> 900 s)');
    expect(result.stdout).toMatch(/^\+ login +grace@example\.com$/m);
    expect(result.stdout).toMatch(/^ {2}sub +grace@example\.com +grace@example\.com$/m);
    expect(result.stdout).toContain('ID token (1 added; lifetime 3600 s)');
    const commands = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { commands: { type: string; value: unknown[] }[] };
    expect(commands.commands.map((command) => [command.type, command.value.length])).toEqual([
      ['com.okta.access.patch', 2],
      ['com.okta.identity.patch', 1],
    ]);
  });

  it('sends no command for the ID token of a client-credentials request', async () => {
    const result = await runCli(['preview', fixture('request-client-credentials'), '--env', 'sim'], { cwd: projectDir() });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\+ caller +service$/m);
    expect(result.stdout).toContain('ID token: not in the request (Okta is not minting one), so no command for it');
    expect(result.stdout).not.toContain('com.okta.identity.patch');
  });

  it('says the hook answers 204 when no rule changes anything', async () => {
    const result = await runCli(['preview', fixture('request-client-credentials'), '--env', 'no-rules'], { cwd: projectDir() });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('rules applied: none');
    expect(result.stdout).toContain('the hook answers 204 No Content');
  });

  it('names the failing paths of a file that is not a token hook request', async () => {
    const result = await runCli(['preview', fixture('request-invalid'), '--env', 'sim'], { cwd: projectDir() });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not a token hook request \(the hook would answer 400\): .*\/eventId/);
    expect(result.stderr).toContain('/data/access/claims');
  });

  it('says what to give when the file is missing or absent', async () => {
    const missing = await runCli(['preview', 'nowhere.json', '--env', 'sim'], { cwd: projectDir() });
    const absent = await runCli(['preview', '--env', 'sim'], { cwd: projectDir() });

    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nowhere\.json: give the path of a token hook request/);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain('preview needs a request file');
  });
});
