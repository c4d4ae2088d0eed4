import type { LogEvent } from '../../lambda/okta/schemas.js';
import { FAILED_OPEN_CONTEXT_KEY } from '../../lambda/token-hook/errors.js';

/**
 * What Okta's System Log says about our hook: each kind of silent claim loss Okta saw, and the
 * `debugContext` of our answers. Okta's event types (Event Types catalogue): `inline_hook.executed`
 * for each call, `inline_hook.response.processed` for each answer it read, `inline_hook.<change>` for
 * lifecycle changes.
 */

export const EXECUTED = 'inline_hook.executed';
export const RESPONSE_PROCESSED = 'inline_hook.response.processed';

export type FindingKind = 'timeout' | 'unauthorized' | 'call-failed' | 'unreadable-response' | 'patch-skipped' | 'failed-open' | 'denied';

/** Each kind: what it means for the token, and whether it counts as a failure (exit code 4). */
export const FINDINGS: Readonly<Record<FindingKind, { failure: boolean; meaning: string }>> = {
  timeout: { failure: true, meaning: 'the hook did not answer in time: tokens issued without the claims' },
  unauthorized: { failure: true, meaning: 'the hook refused okta with 401: okta holds a stale key; re-send it (rotate, or deploy with a new apiKeyVersion)' },
  'call-failed': { failure: true, meaning: 'okta could not call the hook, or it answered an error status: tokens issued without the claims' },
  'unreadable-response': { failure: true, meaning: 'okta could not read the answer: tokens issued without the claims' },
  'patch-skipped': { failure: true, meaning: 'okta rejected a command and skipped the whole patch: tokens issued without the claims' },
  'failed-open': { failure: true, meaning: 'the hook failed open (its claim logic threw or passed its deadline): tokens issued without the claims' },
  denied: { failure: false, meaning: 'the claim logic denied the token: no token issued (a decision, not a failure)' },
};

export interface Finding {
  readonly kind: FindingKind;
  readonly count: number;
  /** `published` of the latest event of this kind. */
  readonly lastSeen: string;
  /** Okta's reason (or our debugContext) of the latest one. */
  readonly reason: string;
}

export interface OktaLogReport {
  /** Calls Okta made to the hook (`inline_hook.executed`). */
  readonly calls: number;
  /** Findings that are failures, summed. */
  readonly failures: number;
  readonly findings: readonly Finding[];
  /** Distinct `debugContext` entries of our answers, with how often each came. */
  readonly debugContext: readonly { readonly data: Readonly<Record<string, unknown>>; readonly count: number }[];
  /** Lifecycle changes of the hook (created, updated, activated, deactivated, deleted). */
  readonly changes: readonly { readonly published: string; readonly eventType: string; readonly actor: string }[];
}

// debugData keys Okta (and the simulator) add about the call itself; the rest came from our answer.
const OKTA_DEBUG_KEYS = new Set(['inlineHookId', 'inlineHookUri', 'authorizationServerId', 'clientId', 'durationMs', 'responseStatus', 'requestUri']);

function kindOf(event: LogEvent): FindingKind | undefined {
  const result = event.outcome?.result;
  const reason = event.outcome?.reason ?? '';
  if (event.eventType === EXECUTED && result === 'FAILURE') {
    if (/time[d ]?\s?out|timeout/i.test(reason)) return 'timeout';
    if (/\b401\b/.test(reason)) return 'unauthorized';
    return 'call-failed';
  }
  if (event.eventType === RESPONSE_PROCESSED) {
    if (result === 'DENY') return 'denied';
    if (result === 'FAILURE') return /deserializ|could not (read|parse)|not json/i.test(reason) ? 'unreadable-response' : 'patch-skipped';
    if (answerContext(event)[FAILED_OPEN_CONTEXT_KEY] !== undefined) return 'failed-open';
  }
  return undefined;
}

function answerContext(event: LogEvent): Record<string, unknown> {
  const data = event.debugContext?.debugData ?? {};
  return Object.fromEntries(Object.entries(data).filter(([key]) => !OKTA_DEBUG_KEYS.has(key)));
}

/** The report of `events` (oldest first), as `status` prints it. */
export function summarizeOktaLog(events: readonly LogEvent[]): OktaLogReport {
  const findings = new Map<FindingKind, { count: number; lastSeen: string; reason: string }>();
  const contexts = new Map<string, { data: Record<string, unknown>; count: number }>();
  const changes: { published: string; eventType: string; actor: string }[] = [];
  let calls = 0;
  for (const event of events) {
    if (event.eventType === EXECUTED) calls++;
    if (event.eventType.startsWith('inline_hook.') && event.eventType !== EXECUTED && event.eventType !== RESPONSE_PROCESSED) {
      changes.push({ published: event.published, eventType: event.eventType, actor: event.actor?.alternateId ?? event.actor?.id ?? 'unknown' });
    }
    const kind = kindOf(event);
    const context = event.eventType === RESPONSE_PROCESSED ? answerContext(event) : {};
    if (Object.keys(context).length) {
      const key = JSON.stringify(context);
      const seen = contexts.get(key) ?? { data: context, count: 0 };
      seen.count++;
      contexts.set(key, seen);
    }
    if (!kind) continue;
    const reason = kind === 'failed-open' ? `${FAILED_OPEN_CONTEXT_KEY}: ${String(context[FAILED_OPEN_CONTEXT_KEY])}` : (event.outcome?.reason ?? '');
    const previous = findings.get(kind);
    findings.set(kind, { count: (previous?.count ?? 0) + 1, lastSeen: event.published, reason });
  }
  const list = [...findings].map(([kind, f]) => ({ kind, ...f }));
  return {
    calls,
    failures: list.filter((f) => FINDINGS[f.kind].failure).reduce((sum, f) => sum + f.count, 0),
    findings: list,
    debugContext: [...contexts.values()],
    changes,
  };
}

/** `--since`: a duration back from now (`30m`, `24h`, `7d`) or an ISO 8601 time; undefined when neither. */
export function parseSince(text: string, now: number): string | undefined {
  const relative = /^(\d+)\s*([mhd])$/.exec(text.trim());
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return new Date(now - Number(relative[1]) * unit).toISOString();
  }
  const at = Date.parse(text);
  return /^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(at) ? new Date(at).toISOString() : undefined;
}

/** The System Log filter for our hook's events. */
export function hookEventsFilter(hookId: string): string {
  return `eventType sw "inline_hook." and target.id eq "${hookId.replace(/["\\]/g, '')}"`;
}
