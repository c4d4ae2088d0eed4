import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-harness.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const STARTUP_LIMIT_MS = 60_000;

interface SimState {
  inlineHooks: { id: string; name: string; status: string }[];
  authorizationServers: { id: string; policies: { rules: { name: string; actions?: { token?: { inlineHook?: { id: string } } } }[] }[] }[];
}

/** The final state of a sandbox that attached the hook to the default rule and stopped cleanly. */
const RESTORED_DEFAULT_RULE = { inlineHooks: 0, rulesRestored: true, rules: [{ rule: 'Default Policy Rule', inlineHook: null, restored: true }] };

// The sandbox shows its local keys so a person can paste the curl commands; a test never prints them.
const SHOWN_KEYS = [/OKTA_API_TOKEN=(\S+)/g, /-H '[\w-]+: ([^']+)' --data/g];

/** Output of the sandbox child so far (its keys masked: failure messages print it), and a way to wait for a line. */
class Output {
  private raw = '';
  private waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];

  get text(): string {
    let text = this.raw;
    for (const pattern of SHOWN_KEYS) {
      for (const [, key] of this.raw.matchAll(pattern)) if (key) text = text.replaceAll(key, '<key>');
    }
    return text;
  }

  /** The keys the sandbox showed, to check they are masked. */
  keys(): string[] {
    return SHOWN_KEYS.flatMap((pattern) => [...this.raw.matchAll(pattern)].map((match) => match[1] ?? ''));
  }

  push(chunk: string): void {
    this.raw += chunk;
    const text = this.text;
    this.waiters = this.waiters.filter((waiter) => {
      const match = text.match(waiter.pattern);
      if (match) waiter.resolve(match);
      return !match;
    });
  }

  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const match = this.text.match(pattern);
    if (match) return Promise.resolve(match);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${this.text}`)), timeoutMs);
      this.waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }
}

/** The part of the output about one sample client, up to the next blank-line-separated title or the curl hints. */
function section(text: string, title: RegExp): string {
  const start = text.search(title);
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start);
  const end = rest.search(/\n(Sample |try it:)/);
  return end > 0 ? rest.slice(0, end) : rest;
}

describe('npm start (the local sandbox)', () => {
  let child: ChildProcessWithoutNullStreams;
  const output = new Output();
  let exited: Promise<number | null>;
  let oktaUrl = '';
  let startedIn = 0;

  beforeAll(async () => {
    const started = Date.now();
    // The script behind `npm start`, without npm and tsx's launcher in between, so SIGINT reaches it as Ctrl-C does.
    child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/sandbox.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    const ready = await output.waitFor(/^ready: okta (\S+), hook (\S+)\./m, STARTUP_LIMIT_MS);
    oktaUrl = ready[1] ?? '';
    startedIn = Date.now() - started;
  }, STARTUP_LIMIT_MS + 5_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('reports each of the six steps as done', () => {
    for (let step = 1; step <= 6; step += 1) expect(output.text).toMatch(new RegExp(`^\\[${step}/6\\] .* \\.\\.\\. ok \\(\\d+ ms\\)$`, 'm'));
    expect(output.text).toMatch(/registered, verified through Okta's \/execute, attached to rule /);
    expect(startedIn).toBeLessThan(STARTUP_LIMIT_MS);
  });

  it('shows the web app tokens before and after the hook, with the claims the hook added', () => {
    const web = section(output.text, /^Sample web app/m);

    expect(web).toMatch(/hook \S+ answered 200, Okta applied its commands/);
    expect(web).toMatch(/access token: \d+ added/);
    expect(web).toMatch(/ID token: \d+ added/);
    expect(web).toMatch(/claim +before hook +after hook/);
    expect(web).toMatch(/^ {2}\+ \S+ +\S+/m);
    expect(web).not.toMatch(/^\s*[{[]/m);
  });

  it('shows the service app token without an ID token', () => {
    const service = section(output.text, /^Sample service app/m);

    expect(service).toMatch(/client credentials, no user/);
    expect(service).toMatch(/access token: /);
    expect(service).not.toMatch(/ID token/);
  });

  it('prints curl commands that work against the running sandbox', async () => {
    const mint = output.text.match(/curl -s (\S+\/__sim\/mint) -H 'content-type: application\/json' -d '(.+)'$/m);
    expect(mint).not.toBeNull();

    const answer = await fetch(mint?.[1] ?? '', { method: 'POST', headers: { 'content-type': 'application/json' }, body: mint?.[2] ?? '' });

    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { hookOutcome: string }).hookOutcome).toBe('applied');
    await output.waitFor(/^\d\d:\d\d:\d\d {2}hook {2}200 access: /m, 5_000);
  });

  it('shows the local keys to the person at the terminal, never in what a test prints', () => {
    const keys = output.keys();

    expect(keys).toHaveLength(3);
    for (const key of keys) expect(key.length).toBeGreaterThan(10);
    expect(keys.filter((key) => output.text.includes(key))).toEqual([]);
  });

  it('leaves the hook registered and attached while it runs', async () => {
    const state = (await (await fetch(`${oktaUrl}/__sim/state`)).json()) as SimState;

    expect(state.inlineHooks).toHaveLength(1);
    const [hook] = state.inlineHooks;
    expect(hook).toMatchObject({ name: 'okta-token-hook-example', status: 'ACTIVE' });
    const rule = state.authorizationServers.find((s) => s.id === 'default')?.policies[0]?.rules.find((r) => r.name === 'Default Policy Rule');
    expect(rule?.actions?.token?.inlineHook?.id).toBe(hook?.id);
  });

  it('on Ctrl-C runs the delete path: no hook left and the rule restored', async () => {
    child.kill('SIGINT');

    const code = await exited;

    expect(output.text).toMatch(/^\[stop\] running the registrar's delete path .* \.\.\. ok/m);
    expect(output.text).toMatch(/rule 'Default Policy Rule': calls no hook, restored as it was before the deploy/);
    expect(output.text).toMatch(/^\[6\/6\] minting tokens for two sample clients through the simulator/m);
    const final = output.text.match(/^final state: (.+)$/m);
    expect(JSON.parse(final?.[1] ?? '{}')).toEqual(RESTORED_DEFAULT_RULE);
    expect(code).toBe(0);
  });
});

describe('npm start, stopped with Ctrl-C in a terminal', () => {
  it('runs the sandbox through npm, and one Ctrl-C to the whole process group cleans up once', async () => {
    const output = new Output();
    // A terminal's Ctrl-C signals every process of the foreground group: npm, its shell and the sandbox
    // (node with tsx as a loader: tsx's own launcher would SIGKILL a sandbox slow to acknowledge it).
    const child = spawn('npm', ['start', '--silent'], {
      cwd: REPO_ROOT,
      detached: true,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    const exited = new Promise((resolve) => child.on('close', resolve));
    try {
      await output.waitFor(/^ready: /m, STARTUP_LIMIT_MS);

      process.kill(-(child.pid ?? 0), 'SIGINT');
      await exited;

      const final = output.text.match(/^final state: (.+)$/m);
      expect(JSON.parse(final?.[1] ?? '{}'), output.text).toEqual(RESTORED_DEFAULT_RULE);
      expect(output.text.match(/running the registrar's delete path/g), output.text).toHaveLength(1);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid ?? 0), 'SIGKILL');
    }
  }, STARTUP_LIMIT_MS + 10_000);
});

describe('npm start, stopped while it starts', () => {
  it('finishes starting, then runs the delete path and leaves nothing behind', async () => {
    const output = new Output();
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/sandbox.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await output.waitFor(/^\[2\/6\] /m, STARTUP_LIMIT_MS);

      child.kill('SIGINT');
      const code = await exited;

      const final = output.text.match(/^final state: (.+)$/m);
      expect(JSON.parse(final?.[1] ?? '{}'), output.text).toEqual(RESTORED_DEFAULT_RULE);
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, STARTUP_LIMIT_MS + 10_000);
});

describe('npm start -- --env multi (three rules on two authorization servers)', () => {
  const output = new Output();
  let child: ChildProcessWithoutNullStreams;
  let exited: Promise<unknown>;
  let oktaUrl = '';

  beforeAll(async () => {
    // As a person runs it: through npm, its own process group so Ctrl-C reaches npm and the sandbox alike.
    child = spawn('npm', ['start', '--silent', '--', '--env', 'multi'], {
      cwd: REPO_ROOT,
      detached: true,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    exited = new Promise((resolve) => child.on('close', resolve));
    oktaUrl = (await output.waitFor(/^ready: okta (\S+), hook (\S+)\./m, STARTUP_LIMIT_MS))[1] ?? '';
  }, STARTUP_LIMIT_MS + 5_000);

  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid ?? 0), 'SIGKILL');
  });

  it('attaches the hook to every rule the targets name', async () => {
    const state = (await (await fetch(`${oktaUrl}/__sim/state`)).json()) as SimState;
    const hookId = state.inlineHooks[0]?.id;
    const calling = state.authorizationServers.flatMap((server) =>
      server.policies.flatMap((policy) => policy.rules.filter((rule) => rule.actions?.token?.inlineHook?.id === hookId).map((rule) => rule.name)),
    );

    expect(state.inlineHooks.map((h) => h.name)).toEqual(['okta-token-hook-multi']);
    expect(calling).toEqual(['Default Policy Rule', 'Partner writers', 'Partner readers']);
    expect(output.text).toMatch(/attached to 3 rules: 'Default Policy Rule' \(\w+\) in policy 'Default Policy' of authorization server 'default', 'Partner writers' .*, 'Partner readers' .* of authorization server 'Partner API'$/m);
  });

  it('mints tokens through each rule, and the hook adds its claims on both authorization servers', () => {
    const writers = section(output.text, /^Sample service app .* through rule 'Partner writers'/m);
    const readers = section(output.text, /^Sample service app .* through rule 'Partner readers'/m);
    const web = section(output.text, /^Sample web app/m);

    expect(output.text).toMatch(/^\[6\/6\] minting tokens through each of the 3 rules, 4 sample requests \.\.\. ok/m);
    expect(web).toMatch(/rule 0prbsjfyl01zfSZ9K0h7 matched; hook \S+ answered 200, Okta applied its commands/);
    expect(web).toMatch(/^ {2}\+ login +ada\.lovelace@example\.com$/m);
    for (const [through, ruleId] of [[writers, '0prServiceWrite00g3'], [readers, '0prServiceRead000g3']] as const) {
      expect(through).toContain(`rule ${ruleId} matched; hook`);
      expect(through).toMatch(/answered 200, Okta applied its commands/);
      expect(through).toMatch(/^ {4}aud +api:\/\/partner +api:\/\/partner$/m);
      expect(through).toMatch(/^ {2}\+ caller +service$/m);
    }
  });

  it('passes the verification of the operator CLI command it prints, on every rule', async () => {
    // The API token the sandbox showed in its CLI lines (OKTA_API_TOKEN=...), used and never printed.
    const apiToken = output.keys()[0] ?? '';

    const result = await runCli(['verify', '--env', 'multi'], { cwd: REPO_ROOT, env: { OKTA_ORG_URL: oktaUrl, OKTA_API_TOKEN: apiToken } });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ok on all 3 target rules$/m);
  });

  it('on Ctrl-C restores all three rules as they were and leaves no hook', async () => {
    process.kill(-(child.pid ?? 0), 'SIGINT');
    await exited;

    const final = output.text.match(/^final state: (.+)$/m);
    expect(JSON.parse(final?.[1] ?? '{}'), output.text).toEqual({
      inlineHooks: 0,
      rulesRestored: true,
      rules: ['Default Policy Rule', 'Partner writers', 'Partner readers'].map((rule) => ({ rule, inlineHook: null, restored: true })),
    });
    expect(output.text).toMatch(/Ctrl-C removes the hook and restores the rules\./);
  }, 35_000);
});
