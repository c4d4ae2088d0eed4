/**
 * Why a rotation step failed. Secrets Manager records the message and retries the rotation; each
 * message says what failed and what to do, and none contains a key.
 */
export class RotationError extends Error {
  override readonly name: string = 'RotationError';
}

/** The secret is not in the state this step needs (rotation off, version unknown or not pending). */
export class RotationStateError extends RotationError {
  override readonly name = 'RotationStateError';
}

/** No token hook with the configured name exists in Okta (or it does not use header auth). */
export class HookNotFoundError extends RotationError {
  override readonly name = 'HookNotFoundError';
}

/** Okta did not take the new key, or the hook did not accept what Okta sent with it. */
export class KeyChangeError extends RotationError {
  override readonly name = 'KeyChangeError';
}
