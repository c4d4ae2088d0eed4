import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseTokenHookRequest, type TokenHookRequest } from '../../lambda/token-hook/request-schema.js';
import { CliError } from './cli-error.js';

/** A saved token hook request (the JSON body Okta sends), read and checked with the hook's own schema. */
export function readRequestFile(cwd: string, file: string): { raw: unknown; request: TokenHookRequest } {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CliError(`cannot read ${path}: give the path of a token hook request saved as JSON`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not JSON: save the request body Okta sends (e.g. from the admin console's hook preview)`);
  }
  const parsed = parseTokenHookRequest(raw);
  if (!parsed.ok) {
    const problems = parsed.problems.map((p) => `${p.path} (${p.problem})`).join(', ');
    throw new CliError(`${file} is not a token hook request (the hook would answer 400): ${problems}`);
  }
  return { raw, request: parsed.request };
}
