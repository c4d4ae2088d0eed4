import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RuleLocation } from '../../lambda/okta/okta-api.js';
import { CliError } from './cli-error.js';

/** What a deployment recorded about the hook, from `cdk deploy --outputs-file` and the command line. */
export interface DeployedFacts {
  readonly hookName?: string;
  readonly hookId?: string;
  readonly hookUrl?: string;
  /** The rule the registrar attached the hook to (the stack's `Rule` output: `server/policy/rule` ids). */
  readonly rule?: RuleLocation;
  /** Where these facts came from, shown to the operator. */
  readonly source: string;
}

/** The file `npx cdk deploy -c env=NAME --outputs-file cdk-outputs.json` writes; read when present. */
export const DEFAULT_OUTPUTS_FILE = 'cdk-outputs.json';

export function stackName(environment: string): string {
  return `OktaTokenHook-${environment}`;
}

// Output keys carry the construct path and a hash (e.g. `HookFunctionUrl8A1B2C3D`): match on the meaning.
const OUTPUT_PATTERNS = {
  hookUrl: /(FunctionUrl|HookUrl)/i,
  hookId: /HookId/i,
  hookName: /HookName/i,
  rule: /^Rule(?:[0-9A-F]{8})?$/,
} as const;

function ruleLocation(value: string | undefined): RuleLocation | undefined {
  const [authServerId, policyId, ruleId, ...rest] = value?.split('/') ?? [];
  return authServerId && policyId && ruleId && !rest.length ? { authServerId, policyId, ruleId } : undefined;
}

function pick(outputs: Record<string, unknown>, pattern: RegExp): string | undefined {
  const entry = Object.entries(outputs).find(([key, value]) => pattern.test(key) && typeof value === 'string');
  return entry?.[1] as string | undefined;
}

/** Reads the stack's outputs; an explicit file must exist, the default one may be absent. */
export function readStackOutputs(
  cwd: string,
  environment: string,
  file: string | undefined,
): { outputs: Record<string, unknown>; path: string } | undefined {
  const path = resolve(cwd, file ?? DEFAULT_OUTPUTS_FILE);
  if (!existsSync(path)) {
    if (file === undefined) return undefined;
    throw new CliError(`no outputs file at ${path}: write it with npx cdk deploy -c env=${environment} --outputs-file ${file}`);
  }
  let all: unknown;
  try {
    all = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new CliError(`${path} is not JSON: write it again with npx cdk deploy -c env=${environment} --outputs-file ${path}`);
  }
  const stack = (all as Record<string, unknown>)[stackName(environment)];
  if (typeof stack !== 'object' || stack === null) {
    if (file === undefined) return undefined;
    throw new CliError(`${path} has no outputs for stack ${stackName(environment)}: deploy that environment with --outputs-file, or pick the right --env`);
  }
  return { outputs: stack as Record<string, unknown>, path };
}

/** Flags win over the outputs file; whatever is still unknown stays undefined. */
export function deployedFacts(
  cwd: string,
  environment: string,
  flags: { outputsFile?: string; hookName?: string; hookUrl?: string },
): DeployedFacts {
  const stack = readStackOutputs(cwd, environment, flags.outputsFile);
  const fromOutputs = stack
    ? {
        hookName: pick(stack.outputs, OUTPUT_PATTERNS.hookName),
        hookId: pick(stack.outputs, OUTPUT_PATTERNS.hookId),
        hookUrl: pick(stack.outputs, OUTPUT_PATTERNS.hookUrl),
        rule: ruleLocation(pick(stack.outputs, OUTPUT_PATTERNS.rule)),
      }
    : {};
  const hookName = flags.hookName ?? fromOutputs.hookName;
  const hookUrl = flags.hookUrl ?? fromOutputs.hookUrl;
  const hookId = flags.hookName === undefined ? fromOutputs.hookId : undefined;
  return {
    ...(hookName !== undefined ? { hookName } : {}),
    ...(hookUrl !== undefined ? { hookUrl } : {}),
    ...(hookId !== undefined ? { hookId } : {}),
    ...(fromOutputs.rule ? { rule: fromOutputs.rule } : {}),
    source: stack ? `outputs of ${stackName(environment)} in ${stack.path}` : 'the command line and cdk.json',
  };
}
