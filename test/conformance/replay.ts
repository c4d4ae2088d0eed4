import { startOktaSimulator } from '../../infra/local/okta-simulator/index.js';
import { differences, ERROR_ID, IdMap, shapeDifferences } from './compare.js';
import type { RecordedCall, Scenario } from './recordings.js';

/** What became of one recorded call replayed against the simulator. */
export interface ReplayedCall {
  call: RecordedCall;
  differences: string[];
}

/**
 * Replays a scenario's calls, in order, against a fresh simulator started as the same kind of org, over
 * HTTP with an SSWS token, and compares each answer with Okta's.
 */
export async function replay(scenario: Scenario): Promise<ReplayedCall[]> {
  const sim = await startOktaSimulator({ apiAccessManagement: hadApiAccessManagement(scenario) });
  const ids = new IdMap(scenario.org, sim.url);
  /**
   * Objects the org held before the test ran (its default authorization server), found by a read, not
   * created. Earlier runs changed them (description, audiences, issuer mode, key rotation), so until the
   * scenario replaces them, the answers about them are compared in shape only.
   */
  const preexisting = new Set<string>();
  const results: ReplayedCall[] = [];
  try {
    for (const call of scenario.interactions) {
      const path = ids.translate(call.path);
      const query = call.query ? `?${call.query}` : '';
      const body = call.requestBody === null ? '' : JSON.stringify(ids.translateValue(call.requestBody));
      const response = await fetch(`${sim.url}${path}${query}`, {
        method: call.method,
        headers: {
          Accept: 'application/json',
          Authorization: `SSWS ${sim.apiToken}`,
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(call.method === 'GET' || call.method === 'DELETE' ? {} : { body }),
      });
      const text = await response.text();
      const actual: unknown = text ? JSON.parse(text) : null;
      const recordedId = (call.responseBody as { id?: unknown } | null)?.id;
      if (call.method === 'GET' && typeof recordedId === 'string' && !ids.has(recordedId)) preexisting.add(recordedId);
      if (call.method === 'PUT' && typeof recordedId === 'string') preexisting.delete(recordedId);
      // Ids first: the answer to a create names its own id in its links.
      if (call.status < 400 && response.ok) ids.learn(call.responseBody, actual);
      const shapeOnly = typeof recordedId === 'string' && preexisting.has(recordedId);
      results.push({ call, differences: compareAnswer(call, response, actual, ids, shapeOnly) });
    }
  } finally {
    await sim.close();
  }
  return results;
}

/**
 * Whether the org had API Access Management when the scenario ran: it had unless Okta answered
 * `E0000015`. The org names say little: `classic-00` served authorization servers in one run (2025,
 * `TestAccResourceOktaAuthServer_fullStack@29c9caa5`) and refused them in others.
 */
function hadApiAccessManagement(scenario: Scenario): boolean {
  return !scenario.interactions.some((call) => (call.responseBody as { errorCode?: unknown } | null)?.errorCode === 'E0000015');
}

function compareAnswer(call: RecordedCall, response: Response, actual: unknown, ids: IdMap, shapeOnly: boolean): string[] {
  if (response.status !== call.status) {
    return [`status: Okta answered ${call.status}, the simulator ${response.status} ${JSON.stringify(actual)}`];
  }
  const found = shapeOnly ? shapeDifferences(call.responseBody, actual) : differences(call.responseBody, actual, ids);
  if (call.status >= 400) {
    const errorId = (actual as { errorId?: unknown } | null)?.errorId;
    if (typeof errorId !== 'string' || !ERROR_ID.test(errorId)) found.push(`/errorId: ${JSON.stringify(errorId)} is not shaped like Okta's (oae and 22 characters)`);
  }
  if (call.responseLink) {
    const expected = call.responseLink.map((link) => ids.translate(link)).join(', ');
    const link = response.headers.get('link');
    if (link !== expected) found.push(`Link: Okta answered ${expected}, the simulator ${String(link)}`);
  }
  return found;
}
