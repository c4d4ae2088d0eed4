/** The Okta simulator: a stateful in-memory Okta org over HTTP, for tests and the local sandbox. */
export { startOktaSimulator, DEFAULT_HOOK_TIMEOUT_MS, type OktaSimulator, type OktaSimulatorOptions } from './simulator.js';
export { OIDC_SCOPES, SEED, seedState } from './seed.js';
export { matchRule } from './mint.js';
export type { FaultSpec } from './faults.js';
export type { MintRequest, MintResult } from './mint.js';
export type { SimAuthorizationServer, SimInlineHook, SimPolicy, SimRule } from './model.js';
export type { SimCall } from './server.js';
export { MAX_INLINE_HOOKS } from './inline-hooks.js';
export { DEFAULT_RATE_LIMIT_PER_MINUTE } from './rate-limits.js';
export { OAuthSimError, OktaSimError } from './errors.js';
export { HOOK_EVENT_TYPES, type SimLogEvent } from './system-log.js';
