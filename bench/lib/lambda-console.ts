import { writeSync } from 'node:fs';
import { format } from 'node:util';

/**
 * What a `console` call costs inside Lambda with `loggingFormat: JSON`, emulated: the Node.js runtime
 * (aws-lambda-nodejs-runtime-interface-client, `logging/formatter.ts` and `telemetry-logger.ts`)
 * replaces `console.*` with a function that builds `{timestamp, level, requestId, message}`,
 * stringifies it through a replacer that expands errors, and writes a 16-byte frame header and the
 * line to the telemetry pipe with two `fs.writeSync` calls. It imports nothing Node has not loaded at start, so a fresh process that
 * installs it before the hook's init (as the runtime does) pays no part of the hook's loading.
 */

const LEVELS = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' } as const;
type Method = keyof typeof LEVELS;

export interface LambdaConsole {
  /** Lines written so far. */
  readonly lines: () => number;
  /** Gives `console` back; the descriptor stays open. */
  restore(): void;
}

// The runtime stringifies every line through a replacer that expands errors: it is called for each value.
const errorReplacer = (_key: string, value: unknown): unknown =>
  value instanceof Error ? { errorType: value.constructor?.name ?? 'UnknownError', errorMessage: value.message, stackTrace: value.stack?.split('\n'), ...value } : value;

/** Replaces `console.*` as the Lambda runtime does, writing frames to `fd` (the write end of a pipe). */
export function lambdaConsoleOn(fd: number, requestId = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'): LambdaConsole {
  const header = Buffer.alloc(16);
  const saved = Object.fromEntries(Object.keys(LEVELS).map((name) => [name, console[name as Method]]));
  let lines = 0;
  for (const [name, level] of Object.entries(LEVELS)) {
    console[name as Method] = (message?: unknown, ...params: unknown[]) => {
      const now = new Date();
      const result: Record<string, unknown> = { timestamp: now.toISOString(), level, requestId };
      result['message'] = params.length === 0 ? message : format(message, ...params);
      const line = Buffer.from(JSON.stringify(result, errorReplacer), 'utf8');
      header.writeUInt32BE(0xa55a0002, 0);
      header.writeInt32BE(line.length, 4);
      header.writeBigInt64BE(BigInt(now.valueOf()) * 1000n, 8);
      writeSync(fd, header);
      writeSync(fd, line);
      lines += 1;
    };
  }
  return {
    lines: () => lines,
    restore: () => void Object.assign(console, saved),
  };
}
