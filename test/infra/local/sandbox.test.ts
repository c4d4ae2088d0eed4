import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const STARTUP_LIMIT_MS = 60_000;

interface SimState {
  inlineHooks: { id: string; name: string; status: string }[];
  authorizationServers: { id: string; policies: { rules: { name: string; actions?: { token?: { inlineHook?: { id: string } } } }[] }[] }[];
}

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
    const final = output.text.match(/^final state: (.+)$/m);
    expect(JSON.parse(final?.[1] ?? '{}')).toEqual({ inlineHooks: 0, ruleInlineHook: null, ruleRestored: true });
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
      expect(JSON.parse(final?.[1] ?? '{}'), output.text).toEqual({ inlineHooks: 0, ruleInlineHook: null, ruleRestored: true });
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
      expect(JSON.parse(final?.[1] ?? '{}'), output.text).toEqual({ inlineHooks: 0, ruleInlineHook: null, ruleRestored: true });
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, STARTUP_LIMIT_MS + 10_000);
});
