import type { OktaApi } from '../okta/okta-api.js';
import type { InlineHook, InlineHookDefinition } from '../okta/schemas.js';
import type { SecretStore } from '../shared/secret-store.js';
import { KeyChangeError, RotationStateError } from './errors.js';
import type { RotationEvent } from './rotation-event.js';

/** The step's Okta client, and the restore's: the same org under a later deadline of its own. */
export interface OktaClients {
  readonly api: OktaApi;
  readonly restore: OktaApi;
}

/**
 * What the rotated secret is to Okta: the hook's API key (HTTP channel), or the client secret of its
 * OAuth client (OAUTH channel, client_secret_post). Each method is safe to run again.
 */
export interface HookCredential {
  /** What the secret is called in messages: "key", "client secret". */
  readonly noun: string;
  /** The hook whose credential this is; throws `HookNotFoundError` naming the fix. */
  findHook(api: OktaApi): Promise<InlineHook>;
  /**
   * Runs before Okta's hook gets `value`: waits until every hook instance may accept it (API key), or
   * makes it a secret of the OAuth client (client secret). `stage` reads the value of a label.
   */
  prepare(api: OktaApi, hook: InlineHook, value: string, stage: StageReader): Promise<void>;
  /** The hook definition that carries `value`: PUT replaces, so the rest is kept as read. */
  definition(hook: InlineHook, value: string): InlineHookDefinition;
  /** After the promotion: takes away what the old value was, if anything holds it (the OAuth client). */
  retire?(api: OktaApi, hook: InlineHook, stage: StageReader): Promise<void>;
}

/** The value of the secret under a staging label, if it has one. */
export type StageReader = (stage: 'AWSCURRENT' | 'AWSPREVIOUS') => Promise<string | undefined>;

export interface RotationDeps {
  readonly secrets: SecretStore;
  /** The Okta clients, built only when a step calls Okta (createSecret never does). */
  readonly okta: () => Promise<OktaClients>;
  /** Name of the token hook whose credential this secret holds (messages). */
  readonly hookName: string;
  readonly credential: HookCredential;
  readonly newKey: () => string;
  /** Has Okta call the hook (`/execute`) with the credential it now holds; throws when that fails. */
  readonly verify: (okta: OktaApi, hookId: string) => Promise<void>;
  readonly log: (event: Readonly<Record<string, unknown>>) => void;
}

/**
 * The four steps of a Secrets Manager rotation of the hook's API key or client secret. Every step can
 * run again (Secrets Manager retries) and does nothing more the second time. The order keeps every
 * credential Okta may send accepted: the new value is AWSPENDING (which the hook accepts as a key, and
 * the OAuth client holds as a second secret) before Okta gets it, and becomes AWSCURRENT only after
 * Okta has been seen using it. A failed setSecret, testSecret or finishSecret puts the current value
 * back in Okta, so the old one keeps working everywhere until a retry completes. That restore runs on
 * its own time, after the step's deadline: a step that ran out of time still puts the value back.
 * Should the restore fail too, Okta holds the pending value, which still works as long as it is
 * AWSPENDING, and Secrets Manager starts no other rotation while it is.
 */
export async function runRotationStep(event: RotationEvent, deps: RotationDeps): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const { rotationEnabled, versions } = await deps.secrets.describeVersions(secretId);
  if (!rotationEnabled) {
    throw new RotationStateError(`rotation is not enabled on secret ${secretId}: enable it (rotate-secret) before running a step`);
  }
  const stages = versions[token];
  if (!stages) {
    throw new RotationStateError(`version ${token} of secret ${secretId} has no staging label: it is not part of a rotation`);
  }
  if (stages.includes('AWSCURRENT')) {
    deps.log({ event: 'rotation-step-done-already', step, secretId, versionId: token });
    return;
  }
  if (!stages.includes('AWSPENDING')) {
    throw new RotationStateError(`version ${token} of secret ${secretId} is not AWSPENDING: it is not the rotation in progress`);
  }
  const context = { secretId, token, deps };
  switch (step) {
    case 'createSecret':
      return createSecret(context);
    case 'setSecret':
      return setSecret(context);
    case 'testSecret':
      return testSecret(context);
    case 'finishSecret':
      return finishSecret(context, versions);
  }
}

interface StepContext {
  readonly secretId: string;
  readonly token: string;
  readonly deps: RotationDeps;
}

/** A new value under AWSPENDING, stored as version `token` (a retry finds it and stops). */
async function createSecret({ secretId, token, deps }: StepContext): Promise<void> {
  // AWSCURRENT must exist: it is what a failure falls back to.
  await deps.secrets.getSecret(secretId, { stage: 'AWSCURRENT' });
  if (await deps.secrets.getSecret(secretId, { versionId: token })) {
    deps.log({ event: 'rotation-key-exists', secretId, versionId: token });
    return;
  }
  await deps.secrets.putPendingSecret(secretId, token, deps.newKey());
  deps.log({ event: 'rotation-key-created', secretId, versionId: token });
}

/** PUTs the hook with the pending value once it is ready to be used (`prepare`); on failure puts the current one back. */
async function setSecret(context: StepContext): Promise<void> {
  const okta = await context.deps.okta();
  const hook = await context.deps.credential.findHook(okta.api);
  await context.deps.credential.prepare(okta.api, hook, await pendingValue(context), stageReader(context));
  await putPendingValue(context, okta, hook, 'setSecret');
}

/** The hook in Okta gets the pending value; on failure the current one goes back and the step fails. */
async function putPendingValue(context: StepContext, okta: OktaClients, hook: InlineHook, step: string): Promise<void> {
  const { secretId, token, deps } = context;
  const value = await pendingValue(context);
  try {
    await okta.api.replaceInlineHook(hook.id, deps.credential.definition(hook, value));
  } catch (error) {
    await restoreCurrentValue(context, okta, hook.id, step);
    throw new KeyChangeError(
      `okta did not take the new ${deps.credential.noun} for hook "${deps.hookName}" (${describe(error)}): the old one stays in use; ` +
        'secrets manager retries the rotation, or run rotate-secret again once okta is reachable',
      { cause: error },
    );
  }
  deps.log({ event: 'rotation-key-set', step, secretId, versionId: token, hookId: hook.id });
}

/** Okta's `/execute` must reach the hook with the value Okta now holds; on failure the current one goes back. */
async function testSecret(context: StepContext): Promise<void> {
  const { secretId, token, deps } = context;
  const okta = await deps.okta();
  const hook = await deps.credential.findHook(okta.api);
  try {
    await deps.verify(okta.api, hook.id);
  } catch (error) {
    await restoreCurrentValue(context, okta, hook.id, 'testSecret');
    throw new KeyChangeError(
      `the hook did not accept okta's call with the new ${deps.credential.noun} (${describe(error)}): the old one is back in okta; ` +
        'check that the hook reads AWSPENDING of this secret (its role needs secretsmanager:GetSecretValue), then rotate again',
      { cause: error },
    );
  }
  deps.log({ event: 'rotation-key-tested', secretId, versionId: token, hookId: hook.id });
}

/**
 * Moves AWSCURRENT to the new version; the old one becomes AWSPREVIOUS and stops being accepted. The
 * new value is PUT to Okta once more just before: a deploy since setSecret (the registrar sends the
 * current value) must not leave Okta on the one being retired. On failure Okta gets whatever is
 * AWSCURRENT now, so it does not keep sending a value left pending. Once promoted, the old value is
 * retired where something holds it (the OAuth client's old secret is deactivated and deleted).
 */
async function finishSecret(context: StepContext, versions: Record<string, string[]>): Promise<void> {
  const { secretId, token, deps } = context;
  const current = Object.entries(versions).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
  if (!current) {
    throw new RotationStateError(`secret ${secretId} has no AWSCURRENT version: restore one before rotating`);
  }
  const okta = await deps.okta();
  const hook = await deps.credential.findHook(okta.api);
  await putPendingValue(context, okta, hook, 'finishSecret');
  try {
    await deps.secrets.promoteVersion(secretId, token, current);
  } catch (error) {
    await restoreCurrentValue(context, okta, hook.id, 'finishSecret');
    throw new KeyChangeError(
      `secrets manager did not make the new ${deps.credential.noun} current (${describe(error)}): okta has the current one again; ` +
        'secrets manager retries the rotation, or run rotate-secret again',
      { cause: error },
    );
  }
  deps.log({ event: 'rotation-finished', secretId, versionId: token, previousVersionId: current });
  // Okta uses the new value only now; the old one still works until it is retired, so a failure here
  // leaves a working pair, and the next rotation retires it first.
  await deps.credential.retire?.(okta.api, hook, stageReader(context));
}

async function pendingValue({ secretId, token, deps }: StepContext): Promise<string> {
  const pending = await deps.secrets.getSecret(secretId, { versionId: token });
  if (!pending) {
    throw new RotationStateError(`version ${token} of secret ${secretId} has no value: createSecret has not run for it`);
  }
  return pending.value;
}

function stageReader({ secretId, deps }: StepContext): StageReader {
  return async (stage) => (await deps.secrets.getSecret(secretId, { stage }))?.value;
}

/** Best effort: a PUT that failed may still have landed, so Okta gets the current value again. */
async function restoreCurrentValue(context: StepContext, okta: OktaClients, hookId: string, step: string): Promise<void> {
  const { secretId, deps } = context;
  try {
    // Read now, not before the step: a promotion that landed without its answer makes the new value current.
    const current = await deps.secrets.getSecret(secretId, { stage: 'AWSCURRENT' });
    if (!current) throw new RotationStateError(`secret ${secretId} has no AWSCURRENT version`);
    const hook = await okta.restore.getInlineHook(hookId);
    await okta.restore.replaceInlineHook(hookId, deps.credential.definition(hook, current.value));
    deps.log({ event: 'rotation-key-restored', step, secretId, hookId });
  } catch (error) {
    // Okta may now hold the pending value, which keeps working while it stays AWSPENDING.
    deps.log({ event: 'rotation-key-restore-failed', step, secretId, hookId, reason: describe(error) });
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
