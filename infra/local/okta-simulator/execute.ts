import { OktaSimError } from './errors.js';
import { callHook, type HookCallOutcome, type HookChannelAuth } from './hook-channel.js';
import type { SimInlineHook } from './model.js';
import type { SimAnswer } from './router.js';

function worthRetrying(outcome: HookCallOutcome): boolean {
  return outcome.kind !== 'answered' || outcome.status >= 500;
}

/**
 * Okta's `/execute`: one call through the hook's channel under the timeout, one retry after a timeout,
 * a connection failure or a 5xx; the hook's JSON on 200, Okta's inline-hook error codes otherwise.
 */
export async function executeInlineHook(hook: SimInlineHook, payload: unknown, timeoutMs: number, channelAuth?: HookChannelAuth): Promise<SimAnswer> {
  if (hook.status !== 'ACTIVE') {
    throw new OktaSimError('E0000001', { detail: 'status', causes: ['status: The inline hook is not active; activate it first'] });
  }
  let outcome = await callHook(hook, payload, timeoutMs, channelAuth);
  if (worthRetrying(outcome)) outcome = await callHook(hook, payload, timeoutMs, channelAuth);
  if (outcome.kind === 'timeout') throw new OktaSimError('E0000137');
  if (outcome.kind === 'unreachable') throw new OktaSimError('E0000134', { causes: [`The inline hook could not be reached: ${outcome.reason}`] });
  if (outcome.status === 204) return { status: 204 };
  if (outcome.status !== 200) {
    throw new OktaSimError('E0000135', { causes: [`The inline hook answered with HTTP status ${outcome.status}`] });
  }
  try {
    return { status: 200, body: JSON.parse(outcome.text) };
  } catch {
    throw new OktaSimError('E0000134', { causes: ['Could not deserialize inline hook response'] });
  }
}
