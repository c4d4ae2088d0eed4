/**
 * The hook and the registrar log JSON lines with `console`, as they do in Lambda. The sandbox shows its
 * own readable lines instead and keeps theirs (the last few hundred) for `--verbose` or a failure.
 */
export interface CapturedConsole {
  /** The lines captured so far, oldest first. */
  lines(): string[];
  restore(): void;
}

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
const KEEP = 300;

export function captureConsole(): CapturedConsole {
  const kept: string[] = [];
  const originals = METHODS.map((method) => [method, console[method]] as const);
  for (const method of METHODS) {
    console[method] = (...args: unknown[]) => {
      kept.push(args.map((arg) => (typeof arg === 'string' ? arg : arg instanceof Error ? arg.stack ?? arg.message : JSON.stringify(arg))).join(' '));
      if (kept.length > KEEP) kept.shift();
    };
  }
  return {
    lines: () => [...kept],
    restore: () => {
      for (const [method, original] of originals) console[method] = original;
    },
  };
}
