import { describe, expect, it } from 'vitest';
import { projectDir, runCli } from './cli-harness.js';

describe('okta-token-hook (command line)', () => {
  it('prints the usage for --help and exits 0', async () => {
    const result = await runCli(['--help'], { cwd: projectDir() });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage:\n {2}okta-token-hook status/m);
  });

  it('exits 2 with the usage hint for an unknown command or option', async () => {
    const command = await runCli(['deploy'], { cwd: projectDir() });
    const inherited = await runCli(['toString'], { cwd: projectDir() });
    const option = await runCli(['status', '--bogus'], { cwd: projectDir() });

    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'deploy': use status, verify or preview");
    expect(inherited.code).toBe(2);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown option '--bogus'/);
    expect(option.stderr).toContain('usage: npx okta-token-hook --help');
  });

  it('lists the environments when the one asked for does not exist', async () => {
    const result = await runCli(['status', '--env', 'prod'], { cwd: projectDir() });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: unknown environment 'prod': use --env NAME, where NAME is one of: multi, no-rules, sim");
  });

  it('says how to give credentials when there are none', async () => {
    const result = await runCli(['status', '--env', 'sim'], {
      cwd: projectDir(),
      env: { OKTA_ORG_URL: 'https://example.okta.com' },
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: OKTA_ORG_URL is set without OKTA_API_TOKEN or OKTA_CLIENT_ID + OKTA_PRIVATE_KEY: set one of them');
  });
});
