import { FAILED_OPEN_CONTEXT_KEY } from '../../../lambda/token-hook/errors.js';
import type { FunctionUrlResult } from '../../../lambda/token-hook/function-url.js';

const TOKEN_OF: Record<string, string> = { 'com.okta.access.patch': 'access', 'com.okta.identity.patch': 'identity' };
const MARK: Record<string, string> = { add: '+', replace: '~', remove: '-' };

interface Answer {
  debugContext?: Record<string, unknown>;
  commands?: { type?: string; value?: { op?: string; path?: string }[] }[];
  error?: { errorSummary?: string };
}

function parse(body: string | undefined): Answer | undefined {
  if (!body) return undefined;
  try {
    return JSON.parse(body) as Answer;
  } catch {
    return undefined;
  }
}

function describeCommands(answer: Answer): string {
  const parts = (answer.commands ?? []).map((command) => {
    const changes = (command.value ?? []).map((op) => {
      const path = op.path ?? '';
      const name = path === '/token/lifetime/expiration' ? 'lifetime' : path.replace(/^\/claims\//, '');
      return `${MARK[op.op ?? ''] ?? '?'}${name}`;
    });
    return `${TOKEN_OF[command.type ?? ''] ?? command.type}: ${changes.join(' ')}`;
  });
  return parts.join('; ') || 'no commands';
}

/** What one call to the hook did, in one line: `200 access: +login ~tier; identity: +login`. */
export function describeHookCall(result: FunctionUrlResult): string {
  const status = result.statusCode;
  if (status === 204) return '204 no change: the token is issued as it is';
  if (status === 401) return '401 rejected: the API key in the request is not the hook\'s';
  const answer = parse(result.body);
  const failedOpen = answer?.debugContext?.[FAILED_OPEN_CONTEXT_KEY];
  if (status === 200 && failedOpen !== undefined && !answer?.commands) return `200 failed open (${String(failedOpen)}): the token is issued as it is`;
  if (status === 200 && answer?.error) return `200 denied: "${answer.error.errorSummary ?? ''}", Okta issues no token`;
  if (status === 200 && answer) return `200 ${describeCommands(answer)}`;
  return `${status} ${(result.body ?? '').slice(0, 120)}`;
}
