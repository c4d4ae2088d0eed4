import type { HookAuth } from '../shared/hook-auth.js';
import type { HookConfig } from '../shared/hook-config.js';
import { acceptsApiKey, API_KEY_AUTH } from '../shared/hook-settings.js';
import type { SecretReader } from '../shared/secret-store.js';
import { createApiKeyVerifier, systemClock, type ApiKeyVerifier, type Clock, type KeyCheck } from './auth.js';
import type { BearerRejection } from './bearer-auth.js';
import { ClaimEditError } from './change-set.js';
import { CommandEncodingError, MAX_RESPONSE_BYTES } from './encode.js';
import { DeadlineExceededError, errorToResponse, HookRequestError } from './errors.js';
import { decide, noTransform, type Decision, type Transform } from './evaluate.js';
import { headerOf, JSON_HEADERS, jsonResult, type FunctionUrlEvent, type FunctionUrlResult } from './function-url.js';
import { consoleLogger, HOOK_LOG_MESSAGE, type HookLogger, type HookLogLine } from './log.js';
import { isTokenHookRequest } from './request-check.js';
import type { TokenHookRequest } from './request-schema.js';
import { isVerificationRequest } from './verification.js';

/**
 * The token hook as a function of a Function URL event, with its collaborators passed in: the adapter
 * checks (method, size, content type), auth, parsing, the claim logic under a deadline, the answer and
 * one log line. `handler.ts` only wires the environment to it.
 */

/** Tells Okta from anyone else by the auth header: an API key verifier, or the OAuth 2.0 one. */
export interface RequestVerifier {
  check(presented: string | undefined): Promise<KeyCheck | BearerRejection>;
}

export interface TokenHookOptions {
  readonly config: HookConfig;
  readonly keys: RequestVerifier;
  /** @default no transform */
  readonly transform?: Transform;
  readonly clock?: Clock;
  /** @default one JSON line on stdout */
  readonly log?: HookLogger;
}

export type TokenHook = (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;

/** The answer would exceed Okta's 256 KB limit. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
}

// Our own errors carry value-free messages worth logging; anything else (the user's transform) logs its class only.
const LOGGABLE = [HookRequestError, DeadlineExceededError, ClaimEditError, CommandEncodingError, ResponseTooLargeError];

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return 'non-error thrown';
  if (LOGGABLE.some((type) => error instanceof type) || error.name === 'ApiKeyUnavailableError' || error.name === 'JwksUnavailableError') return `${error.name}: ${error.message}`;
  return error.name;
}

function readBody(event: FunctionUrlEvent, config: HookConfig): string {
  const method = event.requestContext?.http?.method;
  if (method !== 'POST') throw new HookRequestError(405, 'only POST is allowed', { headers: { allow: 'POST' } });
  const body = typeof event.body === 'string' ? event.body : '';
  const base64 = event.isBase64Encoded === true;
  // A UTF-16 unit is at most 3 bytes of UTF-8: most bodies are known to fit without counting them.
  if (body.length * 3 > config.maxBodyBytes && Buffer.byteLength(body, base64 ? 'base64' : 'utf8') > config.maxBodyBytes) {
    throw new HookRequestError(413, `the body exceeds ${config.maxBodyBytes} bytes`);
  }
  const contentType = headerOf(event, 'content-type');
  if (contentType?.split(';', 1)[0]?.trim().toLowerCase() !== 'application/json') {
    throw new HookRequestError(415, 'the body must be application/json');
  }
  return base64 ? Buffer.from(body, 'base64').toString('utf8') : body;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new HookRequestError(400, 'the body is not valid JSON');
  }
}

/** Okta's eventId, to find the request in Okta's System Log, even when the rest of the body is invalid. */
function eventIdOf(json: unknown): string | undefined {
  const eventId = typeof json === 'object' && json !== null ? (json as { eventId?: unknown }).eventId : undefined;
  return typeof eventId === 'string' ? eventId.slice(0, 128) : undefined;
}

/** Why a request is refused, in zod's words: zod is loaded for refused requests only, never at cold start. */
async function refuse(json: unknown): Promise<TokenHookRequest> {
  const { parseTokenHookRequest } = await import('./request-schema.js');
  const parsed = parseTokenHookRequest(json);
  if (!parsed.ok) throw new HookRequestError(400, 'the body is not an Okta token hook request', { details: parsed.problems });
  return parsed.request;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(`the claim logic took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function answer(decision: Decision): FunctionUrlResult {
  if (decision.outcome === 'denied') return jsonResult(200, { error: { errorSummary: decision.summary } });
  if (decision.outcome === 'unchanged') return { statusCode: 204 };
  const body = JSON.stringify({
    commands: decision.encoded.commands,
    // Okta writes debugContext to its System Log: rule names only, never values.
    ...(decision.appliedRules.length > 0 ? { debugContext: { rules: decision.appliedRules.join(',') } } : {}),
  });
  const bytes = body.length * 3 < MAX_RESPONSE_BYTES ? 0 : Buffer.byteLength(body, 'utf8');
  if (bytes >= MAX_RESPONSE_BYTES) {
    throw new ResponseTooLargeError(`the commands take ${bytes} bytes, Okta accepts less than ${MAX_RESPONSE_BYTES}: set fewer or smaller claims`);
  }
  return { statusCode: 200, headers: { ...JSON_HEADERS }, body };
}

export function createTokenHook(options: TokenHookOptions): TokenHook {
  const { config, keys } = options;
  const transform = options.transform ?? noTransform;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? consoleLogger;

  return async (event) => {
    const started = clock.now();
    const requestId = typeof event?.requestContext?.requestId === 'string' ? event.requestContext.requestId : undefined;
    let eventId: string | undefined;
    let line: Omit<HookLogLine, 'durationMs' | 'status' | 'message'>;
    let result: FunctionUrlResult;
    try {
      const body = readBody(event ?? {}, config);
      const verdict = await keys.check(headerOf(event, config.authHeader));
      if (verdict !== 'accepted') {
        throw new HookRequestError(401, verdict === 'rejected' ? 'the API key is missing or wrong' : `the bearer token failed the ${verdict.bearerFailure} check`);
      }
      const json = parseJson(body);
      eventId = eventIdOf(json);
      const request = isTokenHookRequest(json) ? json : await refuse(json);
      const decided = decide(request, config, transform);
      const decision = decided instanceof Promise ? await withDeadline(decided, config.deadlineMs) : decided;
      result = answer(decision);
      line = {
        eventId,
        outcome: decision.outcome,
        ...(decision.outcome === 'denied' ? {} : { changedClaims: decision.encoded.changed }),
        rules: decision.appliedRules,
      };
    } catch (error) {
      const failure = errorToResponse(error, config.failureMode, isVerificationRequest(eventId) ? describeError(error) : undefined);
      result = failure.result;
      line = { eventId, outcome: failure.outcome, error: describeError(error) };
    }
    log({ message: HOOK_LOG_MESSAGE, requestId, ...line, status: result.statusCode, durationMs: Math.round((clock.now() - started) * 1000) / 1000 });
    return result;
  };
}

export interface TokenHookFromStoreOptions extends Omit<TokenHookOptions, 'keys'> {
  /** @default the API key */
  readonly auth?: HookAuth;
  /** Both needed unless the hook takes OAuth 2.0 tokens only. */
  readonly secretStore?: SecretReader;
  readonly apiKeySecretArn?: string;
  /** @default 5000 */
  readonly keyRecheckIntervalMs?: number;
  /** Where the issuer's JWKS is read (tests point it elsewhere). @default `${issuer}/v1/keys` */
  readonly jwksUri?: string;
  /** Least time between two JWKS reads for an unknown key. @default 30000 */
  readonly jwksRefetchIntervalMs?: number;
}

async function apiKeyVerifier(options: TokenHookFromStoreOptions): Promise<ApiKeyVerifier> {
  if (!options.apiKeySecretArn || !options.secretStore) throw new Error('the hook accepts the API key but has no secret to read it from: set API_KEY_SECRET_ARN');
  const keys = createApiKeyVerifier({
    secretStore: options.secretStore,
    secretId: options.apiKeySecretArn,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.keyRecheckIntervalMs !== undefined ? { recheckIntervalMs: options.keyRecheckIntervalMs } : {}),
  });
  try {
    await keys.load();
  } catch (error) {
    console.error(JSON.stringify({ message: 'cannot read the API key at init; retrying on the next request', error: error instanceof Error ? error.name : 'unknown' }));
  }
  return keys;
}

/**
 * A ready hook over a secret store, with the key (or the issuer's JWKS) already read, or the failure
 * logged and retried on the next request: what the Lambda entry does at init, and what tests and local
 * servers use in-process. `jose` is imported only in OAuth 2.0 mode, so the API key path never loads it.
 */
export async function createTokenHookFromStore(options: TokenHookFromStoreOptions): Promise<TokenHook> {
  const auth = options.auth ?? API_KEY_AUTH;
  if (auth.type === 'apiKey') return createTokenHook({ ...options, keys: await apiKeyVerifier(options) });
  const { createBearerVerifier, createOAuthRequestVerifier } = await import('./bearer-auth.js');
  const bearer = createBearerVerifier({
    issuer: auth.issuer,
    audience: auth.audience,
    scope: auth.scope,
    ...(options.jwksUri ? { jwksUri: options.jwksUri } : {}),
    ...(options.jwksRefetchIntervalMs !== undefined ? { refetchIntervalMs: options.jwksRefetchIntervalMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  try {
    await bearer.load();
  } catch (error) {
    console.error(JSON.stringify({ message: "cannot read the issuer's JWKS at init; retrying on the next request", error: error instanceof Error ? error.name : 'unknown' }));
  }
  const apiKeys = acceptsApiKey(auth) ? await apiKeyVerifier(options) : undefined;
  return createTokenHook({ ...options, keys: createOAuthRequestVerifier(bearer, apiKeys) });
}
