/**
 * Why the registrar refused or failed. Each message says what failed and what to do; none contains a
 * secret. CloudFormation shows the message as the resource's status reason.
 */
export class RegistrarError extends Error {
  override readonly name: string = 'RegistrarError';
}

/** A hook with our name exists but points elsewhere: adopting it would take over someone else's hook. */
export class HookNameTakenError extends RegistrarError {
  override readonly name = 'HookNameTakenError';
}

/** The rule already carries another hook and the environment does not allow replacing it. */
export class RuleHasOtherHookError extends RegistrarError {
  override readonly name = 'RuleHasOtherHookError';
}

/** Okta's `/execute` did not get a valid answer from the deployed hook. */
export class HookVerificationError extends RegistrarError {
  override readonly name = 'HookVerificationError';
}

/** The rule kept changing under us, or Okta stored something other than what we wrote. */
export class RuleConflictError extends RegistrarError {
  override readonly name = 'RuleConflictError';
}

/** Okta answered with something we did not ask for (a hook that differs from what we wrote). */
export class UnexpectedOktaStateError extends RegistrarError {
  override readonly name = 'UnexpectedOktaStateError';
}

/** The credentials lack a scope or admin-role permission for a call. */
export class OktaPermissionError extends RegistrarError {
  override readonly name = 'OktaPermissionError';
}

/** The CloudFormation event or its properties cannot be used. */
export class InvalidPropertiesError extends RegistrarError {
  override readonly name = 'InvalidPropertiesError';
}
