import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../../infra/cli/cli-error.js';
import { readCdkContext } from '../../../infra/cli/environment.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function projectWith(cdkJson: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'okta-token-hook-cdk-json-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'cdk.json'), cdkJson);
  return dir;
}

describe('readCdkContext', () => {
  it('reads the context of cdk.json', () => {
    expect(readCdkContext(projectWith('{"app":"x","context":{"environments":{}}}'))).toEqual({ environments: {} });
  });

  it('names the line and column of a JSON syntax error, without the hint about the directory', () => {
    const dir = projectWith('{\n  "context": {\n    "environments": {},\n  }\n}\n');

    expect(() => readCdkContext(dir)).toThrow(CliError);
    expect(() => readCdkContext(dir)).toThrow(`${join(dir, 'cdk.json')} is not valid JSON at line 4, column 3: `);
    expect(() => readCdkContext(dir)).not.toThrow(/root directory/);
  });

  it('points at the end of a file cut short', () => {
    expect(() => readCdkContext(projectWith('{\n  "context": {'))).toThrow(/is not valid JSON at line 2, column 15|is not valid JSON at the end \(line 2\)/);
  });

  it('tells to run from the project root when there is no cdk.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'okta-token-hook-no-cdk-json-'));
    dirs.push(dir);

    expect(() => readCdkContext(dir)).toThrow(/cannot read .*cdk\.json .*: run from the project's root directory/);
  });
});
