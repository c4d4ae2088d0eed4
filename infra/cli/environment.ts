import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  EnvironmentConfigError,
  loadEnvironment,
  UnknownEnvironmentError,
  type EnvironmentConfig,
} from '../config.js';
import { CliError, EXIT } from './cli-error.js';

/** Where a JSON.parse error points, as `line L, column C` of `text`; undefined when it names no position. */
export function jsonErrorLocation(text: string, error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : '';
  const given = /line (\d+) column (\d+)/.exec(message);
  if (given) return `line ${given[1]}, column ${given[2]}`;
  const position = /at position (\d+)/.exec(message);
  if (!position) return message.includes('Unexpected end of JSON') ? `the end (line ${text.split('\n').length})` : undefined;
  const before = text.slice(0, Number(position[1])).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** `context` of `<cwd>/cdk.json`; a missing file and invalid JSON each get their own message. */
export function readCdkContext(cwd: string): Record<string, unknown> {
  const path = resolve(cwd, 'cdk.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CliError(`cannot read ${path} (${(error as Error).message})${missing ? ": run from the project's root directory" : ''}`);
  }
  try {
    return (JSON.parse(text) as { context?: Record<string, unknown> }).context ?? {};
  } catch (error) {
    const where = jsonErrorLocation(text, error);
    const detail = (error as Error).message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
    throw new CliError(`${path} is not valid JSON${where ? ` at ${where}` : ''}: ${detail.charAt(0).toLowerCase()}${detail.slice(1)}`);
  }
}

/** The validated environment `name` from `<cwd>/cdk.json`, the file `cdk deploy` reads. */
export function loadProjectEnvironment(cwd: string, name: string): EnvironmentConfig {
  const context = readCdkContext(cwd);
  try {
    return loadEnvironment(context, name);
  } catch (error) {
    if (error instanceof UnknownEnvironmentError) {
      throw new CliError(error.message.replace('-c env=NAME', '--env NAME'), EXIT.usage);
    }
    if (error instanceof EnvironmentConfigError) throw new CliError(error.message);
    throw error;
  }
}
