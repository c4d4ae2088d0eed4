import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: the run's own temporary directory. Workers inherit TMPDIR, so what tests and the
 * code under test put in `os.tmpdir()` (among them the `cdk.out*` folder of every App synthesized
 * without an outdir) lands here and is removed when the run ends.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'okta-token-hook-test-run-'));
  process.env['TMPDIR'] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
