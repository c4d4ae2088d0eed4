/**
 * Compares what the simulator answered with what real Okta answered to the same call. Values are compared
 * exactly after the recorded org's URL and ids are turned into the simulator's, except the values below,
 * which differ between any two runs against real Okta too.
 */

/** Values that are ids or instants: only their presence and type are compared. */
const RUN_SPECIFIC = new Set([
  'id',
  'created',
  'lastUpdated',
  // The authorization server's signing key: its id and rotation times.
  'kid',
  'lastRotated',
  'nextRotation',
  // Okta's error ids; their shape is checked by `ERROR_ID`.
  'errorId',
]);

const TIMESTAMPS = new Set(['created', 'lastUpdated']);

/** Okta's error ids: `oae` and 22 base64url characters. */
export const ERROR_ID = /^oae[A-Za-z0-9_-]{22}$/;

/** Okta ids of the objects the recordings create: hooks, servers, policies, rules. */
const OKTA_ID = /\b(?:cal|aus|00p|0pr)[A-Za-z0-9]{17}\b/g;
/**
 * A recorded org's URLs: one scenario may show several hosts of one org (`oie-00.dne-okta.com`,
 * `oie-00.oktapreview.com`, and the bare `https://classic-00` of a cassette the provider rewrote).
 */
function orgOrigin(org: string): RegExp {
  return new RegExp(`https://(?:[a-z0-9-]+\\.(?:okta|oktapreview|okta-emea|dne-okta)\\.com|${org.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(?=/|$)`, 'g');
}

/** Recorded ids and their counterparts in the simulator, learned from the answers to creates and reads. */
export class IdMap {
  private readonly ids = new Map<string, string>();

  private readonly origin: RegExp;

  constructor(
    org: string,
    private readonly simOrigin: string,
  ) {
    this.origin = orgOrigin(org);
  }

  /** A recorded string as the simulator would write it: its org URL and ids replaced. */
  translate(text: string): string {
    return text.replace(this.origin, this.simOrigin).replace(OKTA_ID, (id) => this.ids.get(id) ?? id);
  }

  has(recordedId: string): boolean {
    return this.ids.has(recordedId);
  }

  /** A recorded request body with the simulator's ids. */
  translateValue(value: unknown): unknown {
    if (typeof value === 'string') return this.ids.get(value) ?? value;
    if (Array.isArray(value)) return value.map((item) => this.translateValue(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.translateValue(item)]));
    }
    return value;
  }

  /** Pairs the `id`s of a recorded answer with those at the same place in the simulator's. */
  learn(recorded: unknown, actual: unknown): void {
    if (Array.isArray(recorded) && Array.isArray(actual)) {
      recorded.forEach((item, index) => this.learn(item, actual[index]));
      return;
    }
    if (!isObject(recorded) || !isObject(actual)) return;
    for (const [key, value] of Object.entries(recorded)) {
      if (key === 'id' && typeof value === 'string' && typeof actual[key] === 'string' && !this.ids.has(value)) {
        this.ids.set(value, actual[key]);
      } else {
        this.learn(value, actual[key]);
      }
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * The differences in shape only: the same kind of value and, for an object, the same keys with the same
 * kinds of values. For objects the org held before the recording (see `replay`).
 */
export function shapeDifferences(recorded: unknown, actual: unknown): string[] {
  if (kind(recorded) !== kind(actual)) return [`/: Okta answered a ${kind(recorded)}, the simulator a ${kind(actual)}`];
  if (!isObject(recorded)) return [];
  const other = actual as Record<string, unknown>;
  const keys = new Set([...Object.keys(recorded), ...Object.keys(other)]);
  return [...keys].flatMap((key) =>
    kind(recorded[key]) === kind(other[key]) ? [] : [`/${key}: Okta answered ${JSON.stringify(recorded[key])}, the simulator ${JSON.stringify(other[key])}`],
  );
}

/** Every difference between a recorded JSON value and the simulator's, as `path: what`. */
export function differences(recorded: unknown, actual: unknown, ids: IdMap, path = ''): string[] {
  const at = path || '/';
  if (kind(recorded) !== kind(actual)) {
    return [`${at}: Okta answered ${JSON.stringify(recorded)}, the simulator ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(recorded)) {
    const other = actual as unknown[];
    if (recorded.length !== other.length) return [`${at}: Okta answered ${recorded.length} items, the simulator ${other.length}`];
    return recorded.flatMap((item, index) => differences(item, other[index], ids, `${path}/${index}`));
  }
  if (isObject(recorded)) {
    const other = actual as Record<string, unknown>;
    const found: string[] = [];
    for (const key of Object.keys(recorded)) if (!(key in other)) found.push(`${path}/${key}: missing (Okta answered ${JSON.stringify(recorded[key])})`);
    for (const key of Object.keys(other)) if (!(key in recorded)) found.push(`${path}/${key}: not in Okta's answer (the simulator sent ${JSON.stringify(other[key])})`);
    for (const key of Object.keys(recorded)) {
      if (!(key in other)) continue;
      if (RUN_SPECIFIC.has(key)) {
        // Okta's 2023 answers left a rule's `created` and `lastUpdated` null, its 2025 answers fill them in.
        const nullInstant = recorded[key] === null && TIMESTAMPS.has(key) && typeof other[key] === 'string';
        if (!nullInstant && kind(recorded[key]) !== kind(other[key])) found.push(`${path}/${key}: Okta answered a ${kind(recorded[key])}, the simulator a ${kind(other[key])}`);
        continue;
      }
      found.push(...differences(recorded[key], other[key], ids, `${path}/${key}`));
    }
    return found;
  }
  const expected = typeof recorded === 'string' ? ids.translate(recorded) : recorded;
  return expected === actual ? [] : [`${at}: Okta answered ${JSON.stringify(expected)}, the simulator ${JSON.stringify(actual)}`];
}
