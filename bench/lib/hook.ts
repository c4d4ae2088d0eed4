import { parseHookConfig, type ClaimRule, type HookConfig } from '../../lambda/shared/hook-config.js';
import { createApiKeyVerifier } from '../../lambda/token-hook/auth.js';
import type { FunctionUrlEvent } from '../../lambda/token-hook/function-url.js';
import type { HookLogger } from '../../lambda/token-hook/log.js';
import { createTokenHook, type TokenHook } from '../../lambda/token-hook/token-hook.js';
import { transform } from '../../lambda/token-hook/transform.js';

/** The API key the bench's hooks accept. */
export const KEY = 'bench-api-key-0123456789abcdef';

/**
 * The whole hook in-process, as `handler.ts` wires it (key check, parse, rules, transform.ts, encode,
 * answer, log line through `console` unless `log` takes it), its key already read, with `rules` or a
 * whole config.
 */
export async function benchHook(config: HookConfig | readonly ClaimRule[], log?: HookLogger): Promise<TokenHook> {
  const keys = createApiKeyVerifier({
    secretStore: { getSecret: async () => ({ value: KEY, versionId: 'v1', stages: ['AWSCURRENT'] }) },
    secretId: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:bench',
  });
  await keys.load();
  const base = Array.isArray(config) ? parseHookConfig({ rules: config }) : (config as HookConfig);
  // Bodies up to 256 KB and more, so the size sweep measures the work, not the 413.
  return createTokenHook({ config: { ...base, maxBodyBytes: 1_048_576 }, keys, transform, ...(log ? { log } : {}) });
}

/** The payload-2.0 event a Function URL hands the function for Okta's POST of `body`. */
export function functionUrlEvent(body: string): FunctionUrlEvent & Record<string, unknown> {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      authorization: KEY,
      'content-type': 'application/json; charset=UTF-8',
      'content-length': String(Buffer.byteLength(body)),
      host: 'abcdefghijklmnopqrstuvwxyz0123.lambda-url.us-east-1.on.aws',
      'user-agent': 'Okta Hooks',
      'x-amzn-trace-id': 'Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e',
      'x-forwarded-for': '198.51.100.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghijklmnopqrstuvwxyz0123',
      domainName: 'abcdefghijklmnopqrstuvwxyz0123.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abcdefghijklmnopqrstuvwxyz0123',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'Okta Hooks' },
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      routeKey: '$default',
      stage: '$default',
      time: '28/Nov/2026:07:00:00 +0000',
      timeEpoch: 1795849200000,
    },
    body,
    isBase64Encoded: false,
  };
}

/** The honest floors for `body`: parse it and stringify the hook's answer; parse it alone. */
export async function floorsFor(hook: TokenHook, body: string): Promise<{ parseAndAnswer: () => unknown; parse: () => unknown; status: number }> {
  const result = await hook(functionUrlEvent(body));
  const answer: unknown = result.body === undefined ? undefined : JSON.parse(result.body);
  return {
    parseAndAnswer: () => {
      JSON.parse(body);
      return JSON.stringify(answer);
    },
    parse: () => JSON.parse(body),
    status: result.statusCode,
  };
}
