import type { OktaApi } from '../okta/okta-api.js';
import type { InlineHook } from '../okta/schemas.js';
import type { SecretStore } from '../shared/secret-store.js';
import { KeyChangeError, RotationStateError } from './errors.js';
import type { RotationEvent } from './rotation-event.js';
import { definitionWithKey, findTokenHook } from './token-hook-lookup.js';

/** The step's Okta client, and the restore's: the same org under a later deadline of its own. */
export interface OktaClients {
  readonly api: OktaApi;
  readonly restore: OktaApi;
}

export interface RotationDeps {
  readonly secrets: SecretStore;
  /** The Okta clients, built only when a step calls Okta (createSecret never does). */
  readonly okta: () => Promise<OktaClients>;
  /** Name of the token hook whose key this secret holds. */
  readonly hookName: string;
  readonly newKey: () => string;
  /** Has Okta call the hook (`/execute`) with the key it now holds; throws when that fails. */
  readonly verify: (okta: OktaApi, hookId: string) => Promise<void>;
  /** Waits longer than the hook's key re-read interval before Okta gets the new key (see setSecret). */
  readonly settle: () => Promise<void>;
  readonly log: (event: Readonly<Record<string, unknown>>) => void;
}

/**
 * The four steps of a Secrets Manager rotation of the hook's API key. Every step can run again
 * (Secrets Manager retries) and does nothing more the second time. The order keeps every key Okta
 * may send accepted by the hook: the new key is AWSPENDING (which the hook accepts) before Okta gets
 * it, and becomes AWSCURRENT only after Okta has been seen using it. A failed setSecret, testSecret or
 * finishSecret puts the current key back in Okta, so the old key keeps working everywhere until a retry
 * completes. That restore runs on its own time, after the step's deadline: a step that ran out of time
 * still puts the key back. Should the restore fail too, Okta holds the pending key, which the hook
 * accepts as long as it is AWSPENDING, and Secrets Manager starts no other rotation while it is.
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

/** A new key under AWSPENDING, stored as version `token` (a retry finds it and stops). */
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

/**
 * PUTs the hook with the pending key; on failure puts the current key back. It first waits out one
 * re-read interval of the hook: a hook instance that last read the secret before createSecret may
 * then re-read at once on the new key, and one that read it since has seen the key as AWSPENDING.
 */
async function setSecret(context: StepContext): Promise<void> {
  const okta = await context.deps.okta();
  const hook = await findTokenHook(okta.api, context.deps.hookName);
  await context.deps.settle();
  await putPendingKey(context, okta, hook, 'setSecret');
}

/** The hook in Okta gets the pending key; on failure the current key goes back and the step fails. */
async function putPendingKey(context: StepContext, okta: OktaClients, hook: InlineHook, step: string): Promise<void> {
  const { secretId, token, deps } = context;
  const key = await pendingKey(context);
  try {
    await okta.api.replaceInlineHook(hook.id, definitionWithKey(hook, key));
  } catch (error) {
    await restoreCurrentKey(context, okta, hook.id, step);
    throw new KeyChangeError(
      `okta did not take the new key for hook "${deps.hookName}" (${describe(error)}): the old key stays in use; ` +
        'secrets manager retries the rotation, or run rotate-secret again once okta is reachable',
      { cause: error },
    );
  }
  deps.log({ event: 'rotation-key-set', step, secretId, versionId: token, hookId: hook.id });
}

/** Okta's `/execute` must reach the hook with the key Okta now holds; on failure the current key goes back. */
async function testSecret(context: StepContext): Promise<void> {
  const { secretId, token, deps } = context;
  const okta = await deps.okta();
  const hook = await findTokenHook(okta.api, deps.hookName);
  try {
    await deps.verify(okta.api, hook.id);
  } catch (error) {
    await restoreCurrentKey(context, okta, hook.id, 'testSecret');
    throw new KeyChangeError(
      `the hook did not accept okta's call with the new key (${describe(error)}): the old key is back in okta; ` +
        'check that the hook reads AWSPENDING of this secret (its role needs secretsmanager:GetSecretValue), then rotate again',
      { cause: error },
    );
  }
  deps.log({ event: 'rotation-key-tested', secretId, versionId: token, hookId: hook.id });
}

/**
 * Moves AWSCURRENT to the new version; the old one becomes AWSPREVIOUS and stops being accepted. The
 * new key is PUT to Okta once more just before: a deploy since setSecret (the registrar sends the
 * current key) must not leave Okta on the key being retired. On failure Okta gets whatever is
 * AWSCURRENT now, so it does not keep sending a key left pending.
 */
async function finishSecret(context: StepContext, versions: Record<string, string[]>): Promise<void> {
  const { secretId, token, deps } = context;
  const current = Object.entries(versions).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
  if (!current) {
    throw new RotationStateError(`secret ${secretId} has no AWSCURRENT version: restore one before rotating`);
  }
  const okta = await deps.okta();
  const hook = await findTokenHook(okta.api, deps.hookName);
  await putPendingKey(context, okta, hook, 'finishSecret');
  try {
    await deps.secrets.promoteVersion(secretId, token, current);
  } catch (error) {
    await restoreCurrentKey(context, okta, hook.id, 'finishSecret');
    throw new KeyChangeError(
      `secrets manager did not make the new key current (${describe(error)}): okta has the current key again; ` +
        'secrets manager retries the rotation, or run rotate-secret again',
      { cause: error },
    );
  }
  deps.log({ event: 'rotation-finished', secretId, versionId: token, previousVersionId: current });
}

async function pendingKey({ secretId, token, deps }: StepContext): Promise<string> {
  const pending = await deps.secrets.getSecret(secretId, { versionId: token });
  if (!pending) {
    throw new RotationStateError(`version ${token} of secret ${secretId} has no value: createSecret has not run for it`);
  }
  return pending.value;
}

/** Best effort: a PUT that failed may still have landed, so Okta gets the current key again. */
async function restoreCurrentKey(context: StepContext, okta: OktaClients, hookId: string, step: string): Promise<void> {
  const { secretId, deps } = context;
  try {
    // Read now, not before the step: a promotion that landed without its answer makes the new key current.
    const current = await deps.secrets.getSecret(secretId, { stage: 'AWSCURRENT' });
    if (!current) throw new RotationStateError(`secret ${secretId} has no AWSCURRENT version`);
    const hook = await okta.restore.getInlineHook(hookId);
    await okta.restore.replaceInlineHook(hookId, definitionWithKey(hook, current.value));
    deps.log({ event: 'rotation-key-restored', step, secretId, hookId });
  } catch (error) {
    // Okta may now hold the pending key, which the hook keeps accepting while it stays AWSPENDING.
    deps.log({ event: 'rotation-key-restore-failed', step, secretId, hookId, reason: describe(error) });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
