import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Okta's own example request (`TokenPayLoadExample` of the spec, from the project's copy): the reference payload. */
export function referencePayload(): Record<string, any> {
  const path = fileURLToPath(new URL('../test/fixtures/okta-spec/okta-spec.json', import.meta.url));
  const spec = JSON.parse(readFileSync(path, 'utf8')) as { components: { examples: Record<string, { value: Record<string, any> }> } };
  return structuredClone(spec.components.examples['TokenPayLoadExample']!.value);
}

/**
 * A heavy but realistic request: a user with a large profile, 150 group names and 100 custom claims
 * in each token (about 60 KB), the kind of payload an enterprise org sends.
 */
export function largePayload(): Record<string, any> {
  const request = referencePayload();
  const profile = request['data'].context.user.profile as Record<string, unknown>;
  for (let i = 0; i < 200; i += 1) profile[`attribute_${i}`] = `value-${i}-${'x'.repeat(40)}`;
  const groups = Array.from({ length: 150 }, (_, i) => `Group-${i}-Engineering-Platform-Team`);
  for (const token of ['identity', 'access'] as const) {
    const claims = request['data'][token].claims as Record<string, unknown>;
    for (let i = 0; i < 100; i += 1) claims[`custom_${i}`] = { id: i, label: `label-${i}-${'y'.repeat(30)}`, tags: ['a', 'b', 'c'] };
    claims['groups_list'] = groups;
  }
  return request;
}
