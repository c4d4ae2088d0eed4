import { ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import type { OktaApi, RuleLocation } from '../okta/okta-api.js';
import { OktaApiError } from '../okta/errors.js';
import { oauthChannelOf } from '../okta/oauth-channel.js';
import type { ResolvedRule, TargetRule } from '../okta/resolve-target.js';
import { TOKEN_HOOK_TYPE, type AuthorizationServerPolicyRule, type InlineHook, type OAuthChannelConfig } from '../okta/schemas.js';
import { REGISTRAR_ATTRIBUTES, targetsOf, type OAuthAuthProperty, type RegistrarProperties, type TargetSpec } from '../shared/contract.js';
import type { SecretStore } from '../shared/secret-store.js';
import {
  HookNameTakenError,
  InvalidPropertiesError,
  RuleConflictError,
  RuleHasOtherHookError,
  UnexpectedOktaStateError,
} from './errors.js';
import {
  desiredHook,
  encodePreviousHooks,
  hookDifferences,
  previousHeader,
  previousHeaderOf,
  previousHookFor,
  previousHooksOf,
  withCredential,
  type HookShape,
  type PreviousHooks,
} from './hook-definition.js';
import { issuingServer, provisionOAuth, removeOAuth, tokenUrlOf } from './oauth-client.js';
import { rulesCallingHook } from './hooked-rules.js';
import { explainAccessError } from './permissions.js';
import { sameOrg, type DeleteProperties } from './properties.js';
import { hookIdOf, setRuleHook } from './rule-hook.js';
import { sampleTokenRequest } from './sample-token-request.js';
import { failAfterUndo, UndoStack } from './undo-stack.js';
import { DEFAULT_VERIFY, verifyHook, type VerifyOptions } from './verify-hook.js';

/** The collaborators of the lifecycle: ports and knobs, all injectable so tests run fast. */
export interface LifecycleDeps {
  /** The client of the forward steps, bounded by their deadline (see budget.ts). */
  readonly api: OktaApi;
  /** The same org with the undo's own deadline: what undo and delete call. @default api */
  readonly undoApi?: OktaApi;
  /**
   * The forward client once the rules are known: it stops early enough for the undo of that many rules
   * (see budget.ts). @default api
   */
  readonly forwardFor?: (rules: number) => OktaApi;
  readonly secrets: SecretStore;
  /** The rules the targets name, each once (see target.ts). */
  readonly resolveTargets: (api: OktaApi, targets: readonly TargetSpec[]) => Promise<TargetRule[]>;
  readonly verify?: VerifyOptions;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly log?: (event: object) => void;
}

/** What CloudFormation gets back: the hook id as physical id, and attributes (never a secret). */
export interface LifecycleResult {
  readonly physicalResourceId: string;
  readonly data: Record<string, string>;
}

type Context = Required<LifecycleDeps>;

function contextOf(deps: LifecycleDeps): Context {
  return {
    api: deps.api,
    undoApi: deps.undoApi ?? deps.api,
    forwardFor: deps.forwardFor ?? (() => deps.api),
    secrets: deps.secrets,
    resolveTargets: deps.resolveTargets,
    verify: deps.verify ?? DEFAULT_VERIFY,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now: deps.now ?? Date.now,
    log: deps.log ?? (() => undefined),
  };
}

// A create whose outcome was unknown is tried again only after a lookup by name found nothing.
const CREATE_ATTEMPTS = 3;
const OKTA_ID = /^[A-Za-z0-9]{1,64}$/;

function isNotFound(error: unknown): boolean {
  return error instanceof OktaApiError && error.status === 404;
}

async function readSecret(ctx: Context, arn: string, what: string): Promise<string> {
  let value: string | undefined;
  try {
    value = (await ctx.secrets.getSecret(arn))?.value;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  if (!value) {
    throw new InvalidPropertiesError(`the ${what} secret ${arn} does not exist or has no current value: put the ${what} in the secret, then retry`);
  }
  return value;
}

/** The hook's write-only credential: the API key, the OAuth client secret (client_secret_post), or none (private_key_jwt). */
async function readCredential(ctx: Context, properties: RegistrarProperties): Promise<string | undefined> {
  const auth = properties.Auth;
  if (!auth) return readSecret(ctx, properties.ApiKeySecretArn as string, 'api key');
  return auth.Method === 'client_secret_post' ? readSecret(ctx, auth.ClientSecretArn as string, 'client secret') : undefined;
}

/** What of `auth` changed, in words; undefined when the hook can keep its channel. */
function authChange(old: OAuthAuthProperty | undefined, now: OAuthAuthProperty | undefined): string | undefined {
  const describe = (auth: OAuthAuthProperty | undefined) =>
    auth ? `oauth2 (${auth.Method}, authorization server ${auth.AuthorizationServer}, scope ${auth.Scope})` : 'apiKey';
  const same = old?.Method === now?.Method && old?.AuthorizationServer === now?.AuthorizationServer && old?.Scope === now?.Scope;
  return same ? undefined : `from ${describe(old)} to ${describe(now)}`;
}

/** An existing OAUTH channel that already does what `auth` asks of `serverId`: reused, not provisioned again. */
function channelFits(channel: OAuthChannelConfig | undefined, auth: OAuthAuthProperty, tokenUrl: string): channel is OAuthChannelConfig {
  return channel !== undefined && channel.authType === auth.Method && channel.scope === auth.Scope && channel.tokenUrl === tokenUrl;
}

/** The first rule's ids (what the single-target releases returned) and how many rules there are. */
function dataOf(hook: InlineHook, rules: readonly TargetRule[], previous: PreviousHooks): LifecycleResult {
  const location = (rules[0] as TargetRule).location;
  return {
    physicalResourceId: hook.id,
    data: {
      [REGISTRAR_ATTRIBUTES.hookId]: hook.id,
      [REGISTRAR_ATTRIBUTES.authorizationServerId]: location.authServerId,
      [REGISTRAR_ATTRIBUTES.policyId]: location.policyId,
      [REGISTRAR_ATTRIBUTES.ruleId]: location.ruleId,
      [REGISTRAR_ATTRIBUTES.previousHookId]: previousHookFor(previous, location.ruleId) ?? '',
      [REGISTRAR_ATTRIBUTES.ruleCount]: String(rules.length),
    },
  };
}

function sameLocation(a: RuleLocation, b: RuleLocation): boolean {
  return a.authServerId === b.authServerId && a.policyId === b.policyId && a.ruleId === b.ruleId;
}

/** Before anything is written: every target rule that runs another hook, named at once. */
function refuseOtherHooks(rules: readonly TargetRule[]): never {
  const which = rules.map(({ rule, label }) => `${label} already runs inline hook ${hookIdOf(rule) ?? 'none'}`).join('; ');
  throw new RuleHasOtherHookError(
    `${which}: set replaceExistingHook to true to replace ${rules.length > 1 ? 'them' : 'it'} ` +
      '(each is put back when this stack is deleted), or choose other rules',
  );
}

/** The targets' rules; a list that names none (every rule excepted, empty policies) is refused. */
async function resolveRules(ctx: Context, properties: RegistrarProperties): Promise<TargetRule[]> {
  const rules = await ctx.resolveTargets(ctx.api, targetsOf(properties));
  if (rules.length === 0) {
    throw new InvalidPropertiesError('the targets name no rule (their policies have none, or every one is in except): name at least one rule');
  }
  return rules;
}

/**
 * Every rule calling `hookId` in the authorization servers the targets name (by id or name), or in every
 * server when they name none; each once.
 */
async function rulesCallingOurHook(api: OktaApi, servers: readonly string[], hookId: string): Promise<ResolvedRule[]> {
  const distinct = [...new Set(servers)];
  const lists = distinct.length ? await Promise.all(distinct.map((server) => rulesCallingHook(api, server, hookId))) : [await rulesCallingHook(api, undefined, hookId)];
  const found = new Map<string, ResolvedRule>();
  for (const rule of lists.flat()) found.set(rule.location.ruleId, rule);
  return [...found.values()];
}

/** Read back after write: Okta must store the hook we sent. */
function checkStored(hook: InlineHook, want: HookShape, operation: string): void {
  const differences = hookDifferences(hook, want);
  if (differences.length > 0) {
    throw new UnexpectedOktaStateError(
      `okta stored hook ${hook.id} with a different ${differences.join(', ')} than we sent in ${operation}: ` +
        'check the hook in the okta admin console and retry',
    );
  }
}

async function ensureActive(ctx: Context, hook: InlineHook): Promise<InlineHook> {
  if (hook.status === 'ACTIVE') return hook;
  ctx.log({ event: 'hook-inactive', hookId: hook.id, action: 'activating' });
  const activated = await ctx.api.activateInlineHook(hook.id);
  if (activated.status !== 'ACTIVE') {
    throw new UnexpectedOktaStateError(`okta left hook ${hook.id} ${activated.status} after activating it: activate it in the okta admin console`);
  }
  return activated;
}

/** Runs `call`; a 404 counts as done. */
async function unlessGone(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/**
 * Deactivates and deletes the hook (404 = done). Okta may refuse while a rule still calls the hook: then
 * every rule calling it, in any server, is detached (the hook is going away; a rule left calling a
 * deleted hook would break) and the deletion tried once more.
 */
async function removeHook(ctx: Context, hookId: string): Promise<void> {
  const api = ctx.undoApi;
  try {
    await unlessGone(() => api.deactivateInlineHook(hookId));
    await unlessGone(() => api.deleteInlineHook(hookId));
  } catch (error) {
    if (!(error instanceof OktaApiError && [400, 409].includes(error.status))) throw error;
    const holders = await rulesCallingHook(api, undefined, hookId);
    if (holders.length === 0) throw error;
    for (const { location, rule } of holders) {
      ctx.log({ event: 'detaching-before-delete', hookId, ruleId: location.ruleId });
      await detach(ctx, api, location, rule, hookId, null);
    }
    await unlessGone(() => api.deactivateInlineHook(hookId));
    await unlessGone(() => api.deleteInlineHook(hookId));
  }
}

/** Sets the rule's hook to `restoreTo` if it still calls `hookId`; a rule deleted meanwhile needs nothing. */
async function detach(
  ctx: Context,
  api: OktaApi,
  location: RuleLocation,
  initial: AuthorizationServerPolicyRule | undefined,
  hookId: string,
  restoreTo: string | null,
): Promise<void> {
  try {
    await setRuleHook(api, location, (rule) => (hookIdOf(rule) === hookId ? restoreTo : undefined), {
      ...(initial ? { initial } : {}),
      log: ctx.log,
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    ctx.log({ event: 'rule-gone', ruleId: location.ruleId });
  }
}

/**
 * Creates the hook, or adopts one with our name that points at our URL (a create CloudFormation retried
 * after an answer was lost). Registers its removal on `undo`.
 */
async function createOrAdopt(ctx: Context, want: HookShape, credential: string | undefined, undo: UndoStack): Promise<InlineHook> {
  // Registered before the create: one that fails without an answer (a deadline, a dropped connection)
  // may still have landed, and only its name and URL can find it then.
  let createdId: string | undefined;
  undo.push(`delete hook "${want.name}"`, async () => {
    const id =
      createdId ??
      (await ctx.undoApi.listInlineHooks(TOKEN_HOOK_TYPE)).find((hook) => hook.name === want.name && hook.channel.config.uri === want.uri)?.id;
    if (id) await removeHook(ctx, id);
  });
  const createOnce = async (): Promise<InlineHook> => {
    const created = await ctx.api.createInlineHook(withCredential(want, credential));
    createdId = created.id;
    checkStored(created, want, 'create');
    return ensureActive(ctx, created);
  };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await createOnce();
    } catch (error) {
      // A duplicate name (400/409) or an outcome we cannot know (no answer, 5xx): the hook may exist already.
      const ambiguous = error instanceof OktaApiError && (error.outcomeUnknown || [400, 409].includes(error.status));
      if (!ambiguous) throw error;
      const existing = (await ctx.api.listInlineHooks(TOKEN_HOOK_TYPE)).find((hook) => hook.name === want.name);
      // Its removal on undo: by the name and URL lookup registered above (a URL not ours is refused, never removed).
      if (existing) return adopt(ctx, existing, want, credential);
      // Okta surely has no such hook: creating again cannot make a duplicate.
      if (!(error as OktaApiError).outcomeUnknown || attempt >= CREATE_ATTEMPTS) throw error;
      ctx.log({ event: 'create-retry', reason: (error as OktaApiError).message });
    }
  }
}

async function adopt(ctx: Context, existing: InlineHook, want: HookShape, credential: string | undefined): Promise<InlineHook> {
  if (existing.channel.config.uri !== want.uri) {
    throw new HookNameTakenError(
      `an inline hook named "${want.name}" (${existing.id}) already exists and calls ${existing.channel.config.uri}, ` +
        'not this stack\'s function url: choose another hook name, or delete that hook if it is left over',
    );
  }
  ctx.log({ event: 'hook-adopted', hookId: existing.id });
  const replaced = await ctx.api.replaceInlineHook(existing.id, withCredential(want, credential));
  checkStored(replaced, want, 'replace');
  return ensureActive(ctx, replaced);
}

/** Undo: puts `previous` back on the rule (found by its id) if it still calls our hook. */
async function restoreRule(ctx: Context, location: RuleLocation, ours: string, previous: string | undefined): Promise<void> {
  await detach(ctx, ctx.undoApi, location, undefined, ours, previous ?? null);
}

async function verify(ctx: Context, properties: RegistrarProperties, hookId: string, location: RuleLocation) {
  if (!properties.Verify) return;
  await verifyHook(ctx.api, hookId, sampleTokenRequest(ctx.api.orgUrl, location, new Date(ctx.now())), ctx.verify, ctx);
}

/** The rule's hook must still be `expected` when we write, else someone changed it since we decided. */
function stillExpected(ruleId: string, expected: string | undefined, ours: string) {
  return (rule: AuthorizationServerPolicyRule) => {
    const onRule = hookIdOf(rule);
    if (onRule === ours) return undefined;
    if (onRule !== expected) {
      throw new RuleConflictError(
        `the hook on rule ${ruleId} changed from ${expected ?? 'none'} to ${onRule ?? 'none'} while we worked: ` +
          'someone else is editing the rule; retry when they are done',
      );
    }
    return ours;
  };
}

interface CreateOptions {
  /** Hook ids on the rule that count as ours (an earlier hook of this resource, deleted by hand). */
  readonly ownedHookIds?: readonly string[];
}

async function create(given: Context, properties: RegistrarProperties, options: CreateOptions = {}): Promise<LifecycleResult> {
  const rules = await resolveRules(given, properties);
  // From here, forward steps stop early enough for the undo of every rule (budget.ts).
  const ctx = { ...given, api: given.forwardFor(rules.length) };
  const owned = new Set(options.ownedHookIds ?? []);
  const foreign = rules.filter(({ rule }) => {
    const onRule = hookIdOf(rule);
    return onRule !== undefined && !owned.has(onRule);
  });
  // Our hook already on a rule (by name and URL): a create CloudFormation retried, or the rollback of a replacement.
  const ours = foreign.length
    ? (await ctx.api.listInlineHooks(TOKEN_HOOK_TYPE)).find(
        (hook) => hook.name === properties.HookName && hook.channel.config.uri === properties.HookUrl && foreign.some(({ rule }) => hookIdOf(rule) === hook.id),
      )
    : undefined;
  const others = foreign.filter(({ rule }) => hookIdOf(rule) !== ours?.id);
  if (others.length && !properties.ReplaceExistingHook) refuseOtherHooks(others);
  const recorded = ours ? previousHooksOf(ours) : new Map<string, string>();
  const previous = new Map<string, string>();
  for (const { location, rule } of rules) {
    const onRule = hookIdOf(rule);
    const displaced = onRule === undefined || owned.has(onRule) ? undefined : onRule === ours?.id ? previousHookFor(recorded, location.ruleId) : onRule;
    if (displaced) previous.set(location.ruleId, displaced);
  }
  const undo = new UndoStack(ctx.log);
  try {
    let oauth: OAuthChannelConfig | undefined;
    if (properties.Auth) {
      const server = await issuingServer(ctx.api, properties.Auth, rules.map((r) => r.location.authServerId));
      const adopted = ours ? oauthChannelOf(ours) : undefined;
      oauth = channelFits(adopted, properties.Auth, tokenUrlOf(ctx.api.orgUrl, server.id))
        ? adopted
        : await provisionOAuth(ctx, properties.Auth, properties.HookName, server, undo);
    }
    const want = desiredHook(properties, encodePreviousHooks(previous), oauth);
    const credential = await readCredential(ctx, properties);
    const hook = ours ? await adopt(ctx, ours, want, credential) : await createOrAdopt(ctx, want, credential, undo);
    await verify(ctx, properties, hook.id, (rules[0] as TargetRule).location);
    // All or nothing: each rule's restore is registered before its write (a PUT whose answer is lost may still have landed).
    for (const { location, rule, label } of rules) {
      const onRule = hookIdOf(rule);
      if (onRule !== hook.id) undo.push(`restore ${label}`, () => restoreRule(ctx, location, hook.id, onRule));
      await setRuleHook(ctx.api, location, stillExpected(location.ruleId, onRule, hook.id), { initial: rule, log: ctx.log });
    }
    ctx.log({ event: 'created', hookId: hook.id, ruleIds: rules.map((r) => r.location.ruleId), previousHooks: Object.fromEntries(previous) });
    return dataOf(hook, rules, previous);
  } catch (error) {
    return failAfterUndo(undo, explainAccessError(error));
  }
}

/**
 * Creates the hook, verifies it once through `/execute`, attaches it to every target rule; on any
 * failure undoes everything (every rule back as it was, no hook left).
 */
export async function createResource(deps: LifecycleDeps, properties: RegistrarProperties): Promise<LifecycleResult> {
  const ctx = contextOf(deps);
  try {
    return await create(ctx, properties);
  } catch (error) {
    throw explainAccessError(error);
  }
}

/** The hook to restore on a rule, if it still exists and is active (Okta refuses others on a rule). */
async function restorableHook(ctx: Context, hookId: string | undefined): Promise<string | null> {
  if (!hookId) return null;
  try {
    const hook = await ctx.api.getInlineHook(hookId);
    if (hook.status === 'ACTIVE') return hookId;
    ctx.log({ event: 'previous-hook-inactive', hookId });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    ctx.log({ event: 'previous-hook-gone', hookId });
  }
  return null;
}

/** `restorableHook`, each hook looked up once: several rules may have displaced the same one. */
function restorableHooks(ctx: Context): (hookId: string | undefined) => Promise<string | null> {
  const seen = new Map<string, Promise<string | null>>();
  return (hookId) => {
    if (!hookId) return Promise.resolve(null);
    let answer = seen.get(hookId);
    if (!answer) seen.set(hookId, (answer = restorableHook(ctx, hookId)));
    return answer;
  };
}

async function update(
  ctx: Context,
  properties: RegistrarProperties,
  old: RegistrarProperties,
  hookId: string,
): Promise<LifecycleResult> {
  if (!sameOrg(properties.OrgUrl, old.OrgUrl)) {
    ctx.log({ event: 'org-changed', action: 'replacing' });
    return create(ctx, properties);
  }
  const changedAuth = authChange(old.Auth, properties.Auth);
  // Between the API key and OAuth 2.0 the hook's channel is switched in place (see switching below);
  // from one OAuth 2.0 setup to another the names of what the registrar provisions would collide.
  if (changedAuth && old.Auth && properties.Auth) {
    throw new InvalidPropertiesError(
      `changing the OAuth 2.0 setup of a deployed hook (${changedAuth}) is not supported: ` +
        'move to apiKey first (auth type apiKey with acceptOAuth2, then without), then to the new OAuth 2.0 settings, or deploy the hook under a new hookName',
    );
  }
  const rules = await resolveRules(ctx, properties);
  let hook: InlineHook;
  try {
    hook = await ctx.api.getInlineHook(hookId);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    ctx.log({ event: 'hook-gone', hookId, action: 'replacing' });
    return create(ctx, properties, { ownedHookIds: [hookId] });
  }
  const oldTargets = targetsOf(old);
  const targetsChanged = JSON.stringify(oldTargets) !== JSON.stringify(targetsOf(properties));
  // The rules our hook runs on that no target names now, found by its id: renamed or moved, still put back.
  const removed = targetsChanged
    ? (await rulesCallingOurHook(ctx.api, oldTargets.map((t) => t.AuthorizationServer), hookId)).filter(
        (found) => !rules.some((r) => sameLocation(r.location, found.location)),
      )
    : [];
  const others = rules.filter(({ rule }) => hookIdOf(rule) !== undefined && hookIdOf(rule) !== hookId);
  if (others.length && !properties.ReplaceExistingHook) refuseOtherHooks(others);

  // Per rule, what it had before ours: recorded on our hook for the rules we keep, else what it runs now.
  const recorded = previousHooksOf(hook);
  const previous = new Map<string, string>();
  for (const { location, rule } of rules) {
    const onRule = hookIdOf(rule);
    const displaced = onRule === hookId ? previousHookFor(recorded, location.ruleId) : onRule;
    if (displaced) previous.set(location.ruleId, displaced);
  }
  const current = oauthChannelOf(hook);
  // The API key to OAuth 2.0 (or back): the hook function was updated first and accepts both (see the
  // README, Migration), so Okta's channel is switched in place, verified, and only then is the old
  // method's OAuth client removed.
  const toOAuth = properties.Auth !== undefined && old.Auth === undefined;
  const toApiKey = properties.Auth === undefined && old.Auth !== undefined;
  if (properties.Auth && !current && !toOAuth) {
    throw new UnexpectedOktaStateError(
      `hook ${hookId} has no complete OAUTH channel (changed outside this stack?): delete the stack's hook in the okta admin console and deploy again, so the registrar provisions it`,
    );
  }
  const server = properties.Auth ? await issuingServer(ctx.api, properties.Auth, rules.map((r) => r.location.authServerId)) : undefined;
  const attaching = rules.filter(({ rule }) => hookIdOf(rule) !== hookId);
  // From here, forward steps stop early enough for the undo of every rule attached (budget.ts).
  ctx = { ...ctx, api: ctx.forwardFor(attaching.length) };
  const undo = new UndoStack(ctx.log);
  try {
    let oauth = properties.Auth ? current : undefined;
    if (toOAuth && properties.Auth && server) {
      ctx.log({ event: 'auth-switching', hookId, from: 'apiKey', to: properties.Auth.Method });
      oauth = current && channelFits(current, properties.Auth, tokenUrlOf(ctx.api.orgUrl, server.id)) ? current : await provisionOAuth(ctx, properties.Auth, properties.HookName, server, undo);
    }
    const want = desiredHook(properties, previousHeader(previous, previousHeaderOf(hook), rules.map((r) => r.location.ruleId)), oauth);
    const keyChanged = properties.Auth
      ? properties.Auth.ClientSecretArn !== old.Auth?.ClientSecretArn
      : properties.ApiKeyVersion !== old.ApiKeyVersion || properties.ApiKeySecretArn !== old.ApiKeySecretArn;
    const differences = hookDifferences(hook, want);
    let wrote = false;
    if (differences.length > 0 || keyChanged) {
      const credential = await readCredential(ctx, properties);
      // What the hook is put back with: the old method's credential when the method changes.
      const oldCredential = toOAuth || toApiKey ? await readCredential(ctx, old) : credential;
      const before: HookShape = {
        name: hook.name,
        uri: hook.channel.config.uri,
        authHeader: hook.channel.config.authScheme?.key ?? old.AuthHeader,
        headers: (hook.channel.config.headers ?? []).map((h) => ({ key: h.key, value: h.value })),
        ...(current ? { oauth: current } : {}),
      };
      ctx.log({ event: 'hook-changing', hookId, changes: keyChanged ? [...differences, 'key'] : differences });
      undo.push(`put hook ${hookId} back`, async () => {
        await ctx.undoApi.replaceInlineHook(hookId, withCredential(before, oldCredential));
      });
      const replaced = await ctx.api.replaceInlineHook(hookId, withCredential(want, credential));
      checkStored(replaced, want, 'replace');
      hook = replaced;
      wrote = true;
    }
    if (hook.status !== 'ACTIVE') {
      hook = await ensureActive(ctx, hook);
      wrote = true;
    }
    if (wrote || attaching.length) await verify(ctx, properties, hook.id, ((attaching[0] ?? rules[0]) as TargetRule).location);
    // Kept rules already run our hook: not written. Added ones are attached, all or nothing.
    for (const { location, rule, label } of attaching) {
      const onRule = hookIdOf(rule);
      undo.push(`restore ${label}`, () => restoreRule(ctx, location, hookId, onRule));
      await setRuleHook(ctx.api, location, stillExpected(location.ruleId, onRule, hookId), { initial: rule, log: ctx.log });
    }
    const restorable = restorableHooks(ctx);
    for (const found of removed) {
      const restoreTo = await restorable(previousHookFor(recorded, found.location.ruleId));
      await detach(ctx, ctx.api, found.location, found.rule, hookId, restoreTo);
    }
    if (toApiKey && current) await removeOldOAuth(ctx, properties.HookName, current, old.Auth);
    ctx.log({
      event: 'updated',
      hookId,
      attached: attaching.map((r) => r.location.ruleId),
      restored: removed.map((r) => r.location.ruleId),
      wroteHook: wrote,
    });
    return dataOf(hook, rules, previous);
  } catch (error) {
    return failAfterUndo(undo, explainAccessError(error));
  }
}

/**
 * After the switch back to the API key: the OAuth client, scope, policy and hook key go. Okta already
 * calls the hook with the key, so a failure here is logged, not thrown: undoing the switch after part
 * of the client is gone would leave Okta with no way to call the hook.
 */
async function removeOldOAuth(ctx: Context, hookName: string, channel: OAuthChannelConfig, auth: OAuthAuthProperty | undefined): Promise<void> {
  try {
    await removeOAuth(ctx, hookName, channel, auth);
  } catch (error) {
    ctx.log({
      event: 'oauth-removal-failed',
      reason: error instanceof Error ? error.message : String(error),
      action: `okta calls the hook with the API key; delete the OAuth client ${channel.clientId} (and its hook key, scope and access policy) in the okta admin console`,
    });
  }
}

/**
 * Brings Okta to the new properties with as few writes as possible (none when nothing changed), undoing
 * its own writes on failure so CloudFormation's rollback update starts from the old state. A new org is
 * a replacement: a new hook and physical id; CloudFormation then deletes the old one.
 */
export async function updateResource(
  deps: LifecycleDeps,
  properties: RegistrarProperties,
  old: RegistrarProperties,
  physicalResourceId: string,
): Promise<LifecycleResult> {
  const ctx = contextOf(deps);
  try {
    return await update(ctx, properties, old, physicalResourceId);
  } catch (error) {
    throw explainAccessError(error);
  }
}

async function remove(ctx: Context, properties: DeleteProperties, hookId: string): Promise<void> {
  let hook: InlineHook | undefined;
  try {
    hook = await ctx.api.getInlineHook(hookId);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    ctx.log({ event: 'hook-already-gone', hookId });
  }
  // By our hook's id, not the rules' names: rules renamed or moved since are still put back.
  const servers = [...(properties.Targets ?? []), ...(properties.Target ? [properties.Target] : [])].map((t) => t.AuthorizationServer);
  const rules = await rulesCallingOurHook(ctx.api, servers, hookId);
  if (rules.length === 0) ctx.log({ event: 'no-rule-calls-hook', hookId });
  const recorded = hook ? previousHooksOf(hook) : new Map<string, string>();
  const restorable = restorableHooks(ctx);
  for (const { location, rule } of rules) {
    await detach(ctx, ctx.api, location, rule, hookId, await restorable(previousHookFor(recorded, location.ruleId)));
  }
  if (hook) await removeHook(ctx, hookId);
  // The hook's OAuth client, scope, policy and key: found from its channel, or (hook gone) by their names.
  const channel = hook ? oauthChannelOf(hook) : undefined;
  const hookName = hook?.name ?? properties.HookName;
  if (hookName && (channel || properties.Auth)) await removeOAuth(ctx, hookName, channel, properties.Auth);
  ctx.log({ event: 'deleted', hookId });
}

/**
 * Puts every rule calling our hook back (the hook it displaced, or none), deactivates and deletes the hook; a 404 anywhere
 * counts as done. `RetainOnDelete` leaves Okta untouched. Access errors name the missing permission.
 */
export async function deleteResource(deps: LifecycleDeps, properties: DeleteProperties, physicalResourceId: string): Promise<void> {
  const ctx = contextOf(deps);
  if (!OKTA_ID.test(physicalResourceId)) {
    // Not a hook id: a create that failed before Okta assigned one (e.g. the Provider framework's marker).
    ctx.log({ event: 'nothing-to-delete', physicalResourceId });
    return;
  }
  if (properties.RetainOnDelete) {
    ctx.log({ event: 'retained', hookId: physicalResourceId });
    return;
  }
  try {
    // Delete is all cleanup: it runs on the undo's time and waits out rate limits.
    await remove({ ...ctx, api: ctx.undoApi }, properties, physicalResourceId);
  } catch (error) {
    throw explainAccessError(error);
  }
}
