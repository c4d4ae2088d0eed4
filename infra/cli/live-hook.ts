import type { OktaApi, RuleLocation } from '../../lambda/okta/okta-api.js';
import { resolveTargets, type TargetRule } from '../../lambda/okta/resolve-target.js';
import { TOKEN_HOOK_TYPE, type InlineHook } from '../../lambda/okta/schemas.js';
import type { EnvironmentConfig } from '../config.js';
import { targetList } from '../targets.js';
import { CliError } from './cli-error.js';
import type { CliContext } from './cli-context.js';
import { resolveOktaCredentials } from './credentials.js';
import { deployedFacts, type DeployedFacts } from './deployment.js';
import { loadProjectEnvironment } from './environment.js';
import type { CommandArgs } from './main.js';

/** A live deployment as `status` and `verify` see it: the environment, what was deployed, an Okta client. */
export interface LiveDeployment {
  readonly environment: EnvironmentConfig;
  readonly facts: DeployedFacts;
  /** The hook name to look for: the command line, the outputs, else the environment's. */
  readonly hookName: string;
  readonly api: OktaApi;
  /** Where the credentials came from (never the values). */
  readonly credentialsSource: string;
}

export async function connect(args: CommandArgs, context: CliContext): Promise<LiveDeployment> {
  const environment = loadProjectEnvironment(context.cwd, args.envName);
  const facts = deployedFacts(context.cwd, environment.name, args);
  const { credentials, source } = await resolveOktaCredentials(context.env, {
    secretId: environment.credentialsSecret,
    ...(environment.region ? { region: environment.region } : {}),
  });
  return {
    environment,
    facts,
    hookName: facts.hookName ?? environment.hookName,
    api: context.createOktaApi(credentials),
    credentialsSource: source,
  };
}

/** Every token hook of the org, and ours among them: by the deployed id, else by exact name. */
export async function findHook(
  deployment: LiveDeployment,
): Promise<{ hook: InlineHook | undefined; hooks: InlineHook[] }> {
  const hooks = await deployment.api.listInlineHooks(TOKEN_HOOK_TYPE);
  const byId = deployment.facts.hookId ? hooks.find((h) => h.id === deployment.facts.hookId) : undefined;
  return { hook: byId ?? hooks.find((h) => h.name === deployment.hookName), hooks };
}

/** A target rule where it is: its ids and how the operator knows it. */
export interface TargetLocation {
  readonly location: RuleLocation;
  readonly label: string;
}

/**
 * Where every target rule is: a single target at the rule the deployment recorded, else each target
 * resolved by id or name (`allRules` expanded); no rule read when the deployment recorded it.
 */
export async function resolveLocations(deployment: LiveDeployment): Promise<TargetLocation[]> {
  const { environment, facts } = deployment;
  if (environment.target && facts.rule) return [{ location: facts.rule, label: `rule ${describeTarget(deployment, facts.rule)}` }];
  const rules = await resolveTargets(deployment.api, targetList(environment));
  if (rules.length === 0) throw new CliError(`the targets of environment ${environment.name} name no rule in okta: check them in cdk.json`);
  return rules.map(({ location, label }) => ({ location, label: environment.target ? `rule ${describeTarget(deployment, location)}` : label }));
}

/**
 * Every rule the environment's targets name, as Okta holds them now (`allRules` expanded: a rule added
 * since the deploy is among them). A single target uses the rule the deployment recorded when known.
 */
export async function resolveRules(deployment: LiveDeployment): Promise<TargetRule[]> {
  const { environment, facts, api } = deployment;
  if (environment.target && facts.rule) {
    const { authServerId, policyId, ruleId } = facts.rule;
    const rule = await api.getPolicyRule(authServerId, policyId, ruleId);
    return [{ location: facts.rule, rule, target: 0, label: describeTarget(deployment, facts.rule) }];
  }
  const rules = await resolveTargets(api, targetList(environment));
  if (!environment.target) return rules;
  return rules.map((r) => ({ ...r, label: describeTarget(deployment, r.location) }));
}

export function describeTarget(deployment: LiveDeployment, location: RuleLocation): string {
  const target = deployment.environment.target;
  if (!target) return `${location.ruleId} in policy ${location.policyId} of authorization server ${location.authServerId}`;
  const { authorizationServer, policy, rule } = target;
  return `'${rule}' (${location.ruleId}) in policy '${policy}' (${location.policyId}) of authorization server '${authorizationServer}' (${location.authServerId})`;
}
