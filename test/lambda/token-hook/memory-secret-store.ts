import type { SecretStore, SecretVersion, SecretVersionRef } from '../../../lambda/shared/secret-store.js';

/** A SecretStore in memory: stages map to values; counts reads; can be made to fail. */
export class MemorySecretStore implements SecretStore {
  reads = 0;
  failing = false;
  constructor(readonly stages: Partial<Record<'AWSCURRENT' | 'AWSPENDING', string>>) {}

  async getSecret(_secretId: string, ref: SecretVersionRef = { stage: 'AWSCURRENT' }): Promise<SecretVersion | undefined> {
    this.reads += 1;
    if (this.failing) throw new Error('secrets manager is unreachable');
    const stage = 'stage' in ref ? ref.stage : undefined;
    const value = stage === 'AWSCURRENT' || stage === 'AWSPENDING' ? this.stages[stage] : undefined;
    return value === undefined ? undefined : { value, versionId: `${stage}-v`, stages: [stage!] };
  }
  async putCurrentSecret(_secretId: string, value: string): Promise<void> {
    this.stages.AWSCURRENT = value;
  }
  async putPendingSecret(): Promise<void> {}
  async describeVersions(): Promise<{ rotationEnabled: boolean; versions: Record<string, string[]> }> {
    return { rotationEnabled: false, versions: {} };
  }
  async promoteVersion(): Promise<void> {}
}

/** A clock the test moves. */
export function manualClock(start = 0): { now(): number; advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}
