import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarios } from './recordings.js';
import { replay } from './replay.js';

/**
 * Real Okta is the oracle: every call that the Terraform provider's acceptance tests made to real orgs
 * (`test/fixtures/okta-recordings/`) is replayed against the simulator, which must answer as Okta did.
 */
const scenarios = loadScenarios();
const total = scenarios.reduce((sum, scenario) => sum + scenario.interactions.length, 0);
let matched = 0;

describe('the simulator answers as real Okta did', () => {
  afterAll(() => {
    console.log(`conformance: ${matched}/${total} calls match`);
  });

  it.each(scenarios.map((scenario) => [scenario.id, scenario] as const))('%s', async (_, scenario) => {
    const results = await replay(scenario);

    matched += results.filter((result) => result.differences.length === 0).length;
    const report = results
      .filter((result) => result.differences.length > 0)
      .map(({ call, differences }) => `#${call.index} ${call.method} ${call.path}${call.query ? `?${call.query}` : ''}\n  ${differences.join('\n  ')}`);
    expect(report.join('\n')).toBe('');
    expect(results).toHaveLength(scenario.interactions.length);
  });
});
