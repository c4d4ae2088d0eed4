import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleLocally, esbuildOptions, HOOK_RUNTIME_BUNDLE } from '../../infra/bundling.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'okta-token-hook-bundling-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The source files in the entry's output and every chunk it imports statically: what a cold start reads. */
function loadedAtStart(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (output: string): void => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const imported of metafile.outputs[output]!.imports) if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(entry);
  return [...seen].flatMap((output) => Object.keys(metafile.outputs[output]!.inputs));
}

describe('the token hook runtime bundle', () => {
  it('leaves jose and zod out of what the API key path loads, in chunks loaded on demand', async () => {
    const outfile = join(work, 'hook', 'index.mjs');

    const result = await build({ ...esbuildOptions(join(ROOT, 'lambda/token-hook/handler.ts'), outfile, HOOK_RUNTIME_BUNDLE), metafile: true });
    const entry = relative(process.cwd(), outfile);
    const atStart = loadedAtStart(result.metafile, entry);
    const everything = Object.values(result.metafile.outputs).flatMap((output) => Object.keys(output.inputs));

    expect(atStart.filter((input) => /node_modules\/(jose|zod)\//.test(input))).toEqual([]);
    expect(atStart.filter((input) => /lambda\/(shared\/(hook-config|hook-auth|config-issues)|token-hook\/(bearer-auth|request-schema))\.ts$/.test(input))).toEqual([]);
    expect(everything.some((input) => input.includes('node_modules/jose/'))).toBe(true);
    expect(everything).toEqual(expect.arrayContaining(['lambda/shared/hook-config.ts', 'lambda/token-hook/request-schema.ts']));
    expect(result.metafile.outputs[entry]!.imports).toContainEqual({ path: './transform.mjs', kind: 'import-statement', external: true });
  });

  it('refuses to bundle a CommonJS module without the require banner, naming it', async () => {
    const entry = join(work, 'uses-cjs.ts');
    writeFileSync(join(work, 'legacy.cjs'), "module.exports = { answer: require('node:os').EOL.length };\n");
    writeFileSync(entry, "import legacy from './legacy.cjs';\nexport const answer = legacy.answer;\n");

    const bundled = bundleLocally(entry, join(work, 'cjs', 'index.mjs'), { esmOnly: true });

    await expect(bundled).rejects.toThrow(/imports the CommonJS .*legacy\.cjs: bundle it without esmOnly/);
  });
});
