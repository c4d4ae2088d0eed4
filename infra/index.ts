// The okta-token-hook package: what a CDK app (this repository's infra/app.ts among them) may import.
export { OktaTokenHook, OktaTokenHookPropsError, DEFAULT_HOOK_TIMEOUT, LIVE_ALIAS, type OktaTokenHookProps } from './constructs/okta-token-hook.js';
export type { OktaHookAuthProps } from './hook-auth.js';
export type { HookTargetProps, HookTargetsEntry } from './constructs/hook-registration.js';
export type { PolicyRulesTargetProps } from './targets.js';
export type { HookMonitoringOptions } from './constructs/hook-alarms.js';
export {
  EnvironmentConfigError,
  EnvironmentSchema,
  environmentNames,
  loadEnvironment,
  UnknownEnvironmentError,
  type EnvironmentConfig,
  type EnvironmentInput,
} from './config.js';
export {
  DEADLINE_MARGIN_MS,
  deadlineFor,
  HookConfigError,
  HookConfigSchema,
  parseHookConfig,
  type ClaimRemoval,
  type ClaimRule,
  type ClaimSetter,
  type HookConfig,
  type HookConfigInput,
  type RuleConditions,
  type TokenTarget,
} from '../lambda/shared/hook-config.js';
export type { Transform } from '../lambda/token-hook/evaluate.js';
export type { HookEditor, TokenEditor } from '../lambda/token-hook/change-set.js';
export type { HookToken, TokenHookRequest } from '../lambda/token-hook/request-schema.js';
