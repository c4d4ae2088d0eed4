import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { captureConsole } from './sandbox/console-capture.js';
import { startSandbox, type Sandbox } from './sandbox/run-sandbox.js';

/**
 * `npm start`: the whole product on this machine (see README "Quick start"). Stays up until Ctrl-C,
 * which runs the registrar's delete path and shows the rule restored.
 */

const USAGE = `usage: npm start -- [--env NAME] [--okta-port PORT] [--hook-port PORT] [--watch] [--verbose]
  --env NAME         environment in cdk.json whose claim rules and target are used (default: example)
  --okta-port PORT   port of the Okta simulator (default: any free port)
  --hook-port PORT   port of the hook's Function URL emulator (default: any free port)
  --watch            reload the hook when lambda/token-hook/transform.ts or cdk.json is saved, and mint
                     the sample tokens again (the simulator and the registration stay)
  --verbose          also show the JSON log lines of the hook and the registrar`;

/** The delete path takes well under a second locally; past this something is wrong, and the process ends anyway. */
const STOP_LIMIT_MS = 30_000;

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) throw new Error(`${flag} must be a port number (0-65535), got '${value}'`);
  return number;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        env: { type: 'string' },
        'okta-port': { type: 'string' },
        'hook-port': { type: 'string' },
        verbose: { type: 'boolean' },
        watch: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message.split('\n')[0]}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const write = (text: string): void => void process.stdout.write(text);
  const captured = values.verbose ? undefined : captureConsole();
  const oktaPort = port(values['okta-port'], '--okta-port');
  const hookPort = port(values['hook-port'], '--hook-port');

  write('okta-token-hook sandbox: the hook, the registrar and an Okta simulator on this machine\n\n');

  // Listening before anything starts: a Ctrl-C during startup stops the sandbox as soon as it is up.
  // One Ctrl-C can arrive more than once (the terminal signals the whole group, npm relays it),
  // so later signals are ignored; the delete path is bounded instead.
  let sandbox: Sandbox | undefined;
  let stopRequested = false;
  const stop = (running: Sandbox): void => {
    const bound = setTimeout(() => {
      write(`\nthe delete path did not finish within ${STOP_LIMIT_MS / 1000} s: stopping anyway\n`);
      process.exit(1);
    }, STOP_LIMIT_MS);
    bound.unref();
    write('\n');
    running.stop().then(
      (state) => process.exit(state.inlineHooks === 0 && state.rulesRestored ? 0 : 1),
      (error: unknown) => {
        captured?.restore();
        console.error(`error: the delete path failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  const onSignal = (): void => {
    if (stopRequested) return;
    stopRequested = true;
    if (sandbox) stop(sandbox);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    sandbox = await startSandbox({
      write,
      watch: values.watch ?? false,
      ...(values.env !== undefined ? { environment: values.env } : {}),
      ...(oktaPort !== undefined ? { oktaPort } : {}),
      ...(hookPort !== undefined ? { hookPort } : {}),
    });
  } catch (error) {
    const logs = captured?.lines() ?? [];
    captured?.restore();
    if (logs.length) console.error(`last log lines of the hook and the registrar:\n  ${logs.slice(-20).join('\n  ')}`);
    throw error;
  }
  if (stopRequested) stop(sandbox);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    const inUse = (error as { code?: string }).code === 'EADDRINUSE';
    const hint = inUse ? ': the port is taken; pick another with --okta-port / --hook-port, or leave them out' : '';
    console.error(`error: ${error instanceof Error ? error.message : String(error)}${hint}`);
    process.exit(1);
  });
}
