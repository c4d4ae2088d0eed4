import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Editors save in bursts (write, rename, chmod): one reload per burst. */
const SETTLE_MS = 100;

/**
 * Calls `onChange` once a saved change to the transform (or a file beside it) or to cdk.json settles;
 * reloads never overlap, and a change during a reload runs one more. Watches directories, not files:
 * an editor that saves by renaming replaces the file a file watch would follow.
 */
export function watchSources(
  files: { readonly transform: string; readonly cdkJson: string },
  onChange: (changed: string) => Promise<void>,
): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let pending: string | undefined;
  const run = (changed: string): void => {
    if (running) {
      pending = changed;
      return;
    }
    running = onChange(changed).finally(() => {
      running = undefined;
      if (pending !== undefined) {
        const next = pending;
        pending = undefined;
        run(next);
      }
    });
  };
  const changedFile = (name: string): void => {
    clearTimeout(timer);
    timer = setTimeout(() => run(name), SETTLE_MS);
  };
  const cdkJsonName = basename(files.cdkJson);
  const watchers: FSWatcher[] = [
    watch(dirname(files.transform), (_, name) => {
      if (name && /\.[cm]?[jt]s$/.test(name)) changedFile(join(basename(dirname(files.transform)), name));
    }),
    watch(dirname(files.cdkJson), (_, name) => {
      if (name === cdkJsonName) changedFile(cdkJsonName);
    }),
  ];
  return {
    close: () => {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
