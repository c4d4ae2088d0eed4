/**
 * How the hook tells a verification from a token request. The registrar (before it attaches the hook),
 * the rotation's test step and the CLI's `verify` send their sample request through Okta's `/execute`
 * with an `eventId` that starts with this prefix. When the claim logic fails on such a request (throws,
 * passes its deadline, yields an answer Okta would refuse), the hook answers 200 with an `error` naming
 * the reason, whatever the failure mode: the verification then fails saying why, where a token request
 * gets only the error class (failing open) or a generic summary (failing closed). Okta's own eventIds are random (`3OWo4oo-QQ-rBWfRyTmQYw`) and never carry the prefix,
 * so real token requests keep the configured failure mode. Only a caller holding the API key reaches
 * this: the key is checked before the body is read.
 */
export const VERIFICATION_EVENT_ID_PREFIX = 'okta-token-hook-verification-';

export function verificationEventId(now: Date = new Date()): string {
  return `${VERIFICATION_EVENT_ID_PREFIX}${now.getTime()}`;
}

export function isVerificationRequest(eventId: string | undefined): boolean {
  return eventId?.startsWith(VERIFICATION_EVENT_ID_PREFIX) ?? false;
}

const FAILURE_SUMMARY_START = 'the claim logic failed on the verification request';

/** The `errorSummary` of a verification the claim logic failed; `reason` is value-free (an error class, our own message). */
export function verificationFailureSummary(reason: string, failureMode: 'open' | 'closed'): string {
  return (
    `${FAILURE_SUMMARY_START} (${reason}); ` +
    `real token requests would fail ${failureMode} (${failureMode === 'open' ? 'tokens without the claims' : 'no tokens'})`
  );
}

/** Whether an answer's `errorSummary` is a failed verification rather than the claim logic's own denial. */
export function isVerificationFailure(errorSummary: string | undefined): boolean {
  return errorSummary?.startsWith(FAILURE_SUMMARY_START) ?? false;
}
