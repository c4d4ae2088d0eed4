import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  EnvironmentConfigError,
  loadEnvironment,
  UnknownEnvironmentError,
  type EnvironmentConfig,
} from '../config.js';
import { CliError, EXIT } from './cli-error.js';

/** The validated environment `name` from `<cwd>/cdk.json`, the file `cdk deploy` reads. */
export function loadProjectEnvironment(cwd: string, name: string): EnvironmentConfig {
  const path = resolve(cwd, 'cdk.json');
  let context: Record<string, unknown>;
  try {
    context = (JSON.parse(readFileSync(path, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  } catch (error) {
    throw new CliError(`cannot read ${path} (${(error as Error).message}): run from the project's root directory`);
  }
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
