import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One recorded call: what the Terraform provider sent to a real Okta org and what Okta answered. */
export interface RecordedCall {
  index: number;
  method: string;
  path: string;
  query: string;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
  responseLink?: string[];
}

/** One acceptance-test run against one org (`classic`: no API Access Management). */
export interface Scenario {
  id: string;
  org: string;
  orgKind: 'classic' | 'oie';
  host: string;
  interactions: RecordedCall[];
}

/** The project's copy of the recordings (`test/fixtures/okta-recordings/README.md` says where from). */
export function loadScenarios(): Scenario[] {
  const path = fileURLToPath(new URL('../fixtures/okta-recordings/scenarios.json', import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as Scenario[];
}
