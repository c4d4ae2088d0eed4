import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COLD_START_FILTER_PATTERN, HookOutcomeMetrics, outcomeFilterPattern, outcomeNamespace } from '../../../infra/constructs/hook-outcomes.js';
import { parseHookConfig, type HookConfigInput } from '../../../lambda/shared/hook-config.js';
import type { Transform } from '../../../lambda/token-hook/evaluate.js';
import type { FunctionUrlEvent } from '../../../lambda/token-hook/function-url.js';
import { HOOK_OUTCOMES, type HookOutcome } from '../../../lambda/token-hook/log.js';
import { createTokenHookFromStore } from '../../../lambda/token-hook/token-hook.js';
import { verificationEventId } from '../../../lambda/token-hook/verification.js';
import { loadFixture } from '../../support/fixtures.js';
import { lambdaJsonLogLine, matchesFilterPattern } from '../../support/metric-filter.js';
import { MemorySecretStore } from '../../lambda/token-hook/memory-secret-store.js';
import { appWithoutBundling } from '../cdk-app.js';

const KEY = 'outcome-test-key-0123456789';

interface Case {
  config: HookConfigInput;
  transform?: Transform;
  event?: Partial<FunctionUrlEvent>;
  body?: unknown;
}

const setTier = { rules: [{ name: 'tier', set: [{ claim: 'tier', token: 'access' as const, value: 'gold' }] }] };
const throws: Transform = () => {
  throw new TypeError('boom');
};

/** A request that makes the real hook log each outcome. */
const CASES: Record<HookOutcome, Case> = {
  patched: { config: setTier },
  unchanged: { config: {} },
  denied: { config: {}, transform: (_request, edit) => edit.deny('not for contractors') },
  rejected: { config: {}, body: { not: 'a token hook request' } },
  unauthorized: { config: {}, event: { headers: { 'content-type': 'application/json', authorization: 'stale-key' } } },
  'failed-open': { config: { failureMode: 'open' }, transform: throws },
  'failed-closed': { config: { failureMode: 'closed' }, transform: throws },
  'failed-verification': { config: { failureMode: 'open' }, transform: throws, body: { ...loadFixture<object>('token-hook', 'authorization-code'), eventId: verificationEventId() } },
};

/** What the Lambda runtime ships for one call: the hook's real console call, wrapped in the JSON log format. */
async function shippedLine(outcome: HookOutcome): Promise<string> {
  const { config, transform, event, body } = CASES[outcome];
  const calls: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void calls.push(args));
  const hook = await createTokenHookFromStore({
    config: parseHookConfig(config),
    secretStore: new MemorySecretStore({ AWSCURRENT: KEY }),
    apiKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:hook-key',
    ...(transform ? { transform } : {}),
  });
  await hook({
    version: '2.0',
    rawPath: '/',
    headers: { 'content-type': 'application/json', authorization: KEY },
    requestContext: { requestId: 'req-1', http: { method: 'POST', path: '/' } },
    body: JSON.stringify(body ?? loadFixture('token-hook', 'authorization-code')),
    isBase64Encoded: false,
    ...event,
  });
  spy.mockRestore();
  expect(calls).toHaveLength(1);
  return lambdaJsonLogLine('0f1e2d3c-aaaa-bbbb-cccc-123456789012', ...calls[0]!);
}

afterEach(() => vi.restoreAllMocks());

describe('outcome filter patterns', () => {
  it.each(HOOK_OUTCOMES)('count the line the hook ships for %s, and no other outcome counts it', async (outcome) => {
    const line = await shippedLine(outcome);

    const matching = HOOK_OUTCOMES.filter((candidate) => matchesFilterPattern(outcomeFilterPattern(candidate), line));

    expect(JSON.parse(line).message.outcome).toBe(outcome);
    expect(matching).toEqual([outcome]);
  });

  it('cannot see into a line logged as a string, which is why the hook logs an object', () => {
    const stringified = lambdaJsonLogLine('req', JSON.stringify({ message: 'token hook request', outcome: 'failed-open' }));

    expect(matchesFilterPattern(outcomeFilterPattern('failed-open'), stringified)).toBe(false);
  });

  it('counts cold starts from the platform report line only when it carries an init duration', () => {
    const report = (metrics: Record<string, number>) =>
      JSON.stringify({ time: '2026-11-28T08:00:00.000Z', type: 'platform.report', record: { requestId: 'r', metrics, status: 'success' } });

    const cold = report({ durationMs: 12.5, billedDurationMs: 13, memorySizeMB: 256, maxMemoryUsedMB: 80, initDurationMs: 180.2 });
    const warm = report({ durationMs: 2.1, billedDurationMs: 3, memorySizeMB: 256, maxMemoryUsedMB: 80 });

    expect(matchesFilterPattern(COLD_START_FILTER_PATTERN, cold)).toBe(true);
    expect(matchesFilterPattern(COLD_START_FILTER_PATTERN, warm)).toBe(false);
  });
});

describe('HookOutcomeMetrics', () => {
  it('deploys one metric filter per outcome with the tested pattern, counting 1 per line and 0 otherwise', () => {
    const stack = new Stack(appWithoutBundling(), 'Test');
    const logGroup = new logs.LogGroup(stack, 'Logs');

    new HookOutcomeMetrics(stack, 'Outcomes', { logGroup, namespace: outcomeNamespace('okta-token-hook-prod') });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::MetricFilter', HOOK_OUTCOMES.length + 1);
    for (const outcome of HOOK_OUTCOMES) {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: outcomeFilterPattern(outcome),
        MetricTransformations: [
          { MetricNamespace: 'OktaTokenHook/okta-token-hook-prod', MetricName: outcome, MetricValue: '1', DefaultValue: 0, Unit: 'Count' },
        ],
      });
    }
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: COLD_START_FILTER_PATTERN,
      MetricTransformations: [{ MetricName: 'init-duration', MetricValue: '$.record.metrics.initDurationMs', Unit: 'Milliseconds' }],
    });
  });

  it('makes a namespace CloudWatch accepts from any hook name', () => {
    expect(outcomeNamespace('hook (prod) ✓')).toBe('OktaTokenHook/hook -prod- -');
  });
});
