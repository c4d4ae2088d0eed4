import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lambdaConsoleOn, type LambdaConsole } from './lambda-console.js';

export type { LambdaConsole } from './lambda-console.js';

/** A FIFO that another process drains, as the Lambda telemetry agent drains the runtime's log pipe. */
export interface TelemetryPipe {
  readonly path: string;
  /** A write end held open here: processes that open and close the FIFO in turn never end the drain. */
  readonly fd: number;
  close(): void;
}

export function openTelemetryPipe(): TelemetryPipe {
  const dir = mkdtempSync(join(tmpdir(), 'okta-token-hook-bench-'));
  const path = join(dir, 'telemetry');
  execFileSync('mkfifo', [path]);
  const drain = spawn('cat', [path], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Opening a FIFO for writing waits for its reader: `cat` opens it as it starts.
  const fd = openSync(path, 'w');
  return {
    path,
    fd,
    close() {
      // Closing the last write end ends `cat` (end of file).
      closeSync(fd);
      drain.unref();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Replaces `console.*` as the Lambda runtime does (lambda-console.ts), writing frames to a pipe drained by `cat`. */
export function installLambdaConsole(requestId?: string): LambdaConsole {
  const pipe = openTelemetryPipe();
  const lambdaConsole = lambdaConsoleOn(pipe.fd, requestId);
  return {
    lines: lambdaConsole.lines,
    restore() {
      lambdaConsole.restore();
      pipe.close();
    },
  };
}
