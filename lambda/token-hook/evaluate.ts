import type { HookConfig } from '../shared/hook-config.js';
import { createChangeSet, editorFor, type HookEditor } from './change-set.js';
import { encodeChanges, type EncodedChanges } from './encode.js';
import type { TokenHookRequest } from './request-schema.js';
import { applyRules } from './rules.js';

/**
 * The claim logic on one parsed request, without HTTP, auth or deadline: the declarative rules, then
 * the user's transform, encoded into commands. The hook and the operator CLI's `preview` both call it.
 */

/** The user's claim logic (`transform.ts`): reads the request, edits the tokens, may deny; may be async. */
export type Transform = (request: TokenHookRequest, edit: HookEditor) => void | Promise<void>;

export const noTransform: Transform = () => undefined;

export type Decision =
  | { readonly outcome: 'denied'; readonly summary: string; readonly appliedRules: string[] }
  | { readonly outcome: 'patched' | 'unchanged'; readonly encoded: EncodedChanges; readonly appliedRules: string[] };

/**
 * Like `evaluate`, but synchronous when the transform is: the hook arms its deadline timer only for an
 * asynchronous transform (a synchronous one cannot be interrupted by a timer anyway).
 */
export function decide(request: TokenHookRequest, config: Pick<HookConfig, 'rules'>, transform: Transform = noTransform): Decision | Promise<Decision> {
  const changes = createChangeSet();
  const editor = editorFor(changes);
  const appliedRules = applyRules(config.rules, request, changes);
  const finish = (): Decision => {
    if (changes.denial !== undefined) return { outcome: 'denied', summary: changes.denial, appliedRules };
    const encoded = encodeChanges(request, changes);
    return { outcome: encoded.commands.length > 0 ? 'patched' : 'unchanged', encoded, appliedRules };
  };
  const pending = transform(request, editor);
  return pending instanceof Promise ? pending.then(finish) : finish();
}

export async function evaluate(
  request: TokenHookRequest,
  config: Pick<HookConfig, 'rules'>,
  transform: Transform = noTransform,
): Promise<Decision> {
  return decide(request, config, transform);
}
