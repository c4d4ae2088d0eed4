import type { Transform } from './evaluate.js';

/**
 * Your claim logic, for what the declarative rules in the environment config cannot say. It runs after
 * the rules, on every token request the hook serves, within the hook's deadline (by default the Lambda
 * timeout less 500 ms: 1500 ms with the default 2 s timeout).
 *
 * - `request` is Okta's token hook request, typed where it matters (`request.data.context.user`,
 *   `request.data.access?.claims`, `request.data.identity` only when an ID token is minted).
 * - `edit.access` / `edit.identity`: `set(claim, value)`, `remove(claim)`, `lifetime(seconds)`.
 *   Reserved claims (`sub` in ID tokens, `iss`, `groups`, ...) throw: Okta would reject the whole patch.
 *   Edits of a token the request does not carry are dropped.
 * - `edit.deny(summary)`: Okta issues no token; the client gets `server_error` with `summary`.
 * - The deadline interrupts waiting (an `await` on a slow call), not a long synchronous loop: keep
 *   synchronous work short.
 *
 * @example
 * export const transform: Transform = async (request, edit) => {
 *   const login = request.data.context.user?.profile?.login;
 *   if (typeof login === 'string' && login.endsWith('@contractor.example')) edit.access.set('contractor', true);
 * };
 */
export const transform: Transform = () => undefined;
