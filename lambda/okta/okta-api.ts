import type {
  AuthorizationServer,
  AuthorizationServerPolicy,
  AuthorizationServerPolicyRule,
  InlineHook,
  InlineHookDefinition,
  LogEvent,
  LogQuery,
} from './schemas.js';

/**
 * The port to Okta's management API: the calls this project makes, named for their intent. One real
 * implementation (the fetch-based client); the simulator stands in for Okta in tests.
 */
export interface OktaApi {
  /** The org this client talks to, e.g. `https://example.okta.com`. */
  readonly orgUrl: string;

  listInlineHooks(type?: string): Promise<InlineHook[]>;
  getInlineHook(hookId: string): Promise<InlineHook>;
  /** Not idempotent: after an ambiguous failure, look the hook up by name instead of calling again. */
  createInlineHook(definition: InlineHookDefinition): Promise<InlineHook>;
  /** PUT with the full object, including the write-only key (Okta never returns it). */
  replaceInlineHook(hookId: string, definition: InlineHookDefinition): Promise<InlineHook>;
  activateInlineHook(hookId: string): Promise<InlineHook>;
  deactivateInlineHook(hookId: string): Promise<InlineHook>;
  deleteInlineHook(hookId: string): Promise<void>;
  /**
   * Okta calls the hook with `payload` and returns the hook's JSON answer (`undefined` when it answered
   * 204). Okta's verdicts on the hook (400 E0000135, 502 E0000134, 504 E0000137) are `OktaApiError`s.
   */
  executeInlineHook(hookId: string, payload: unknown): Promise<unknown>;

  listAuthorizationServers(query?: string): Promise<AuthorizationServer[]>;
  getAuthorizationServer(authServerId: string): Promise<AuthorizationServer>;
  listPolicies(authServerId: string): Promise<AuthorizationServerPolicy[]>;
  listPolicyRules(authServerId: string, policyId: string): Promise<AuthorizationServerPolicyRule[]>;
  getPolicyRule(authServerId: string, policyId: string, ruleId: string): Promise<AuthorizationServerPolicyRule>;
  /** PUT replaces the whole rule: send everything read from `getPolicyRule`, changed where intended. */
  replacePolicyRule(
    authServerId: string,
    policyId: string,
    ruleId: string,
    rule: AuthorizationServerPolicyRule,
  ): Promise<AuthorizationServerPolicyRule>;

  /** The System Log events of a bounded query, oldest first, every page (scope `okta.logs.read`). */
  listLogEvents(query: LogQuery): Promise<LogEvent[]>;
}

/** Where a hook is attached: ids resolved from the ids or names the user gave. */
export interface RuleLocation {
  readonly authServerId: string;
  readonly policyId: string;
  readonly ruleId: string;
}
