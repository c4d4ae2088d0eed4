/** A failure to inject into the next calls of one operation (see `OktaSimulator.injectFault`). */
export interface FaultSpec {
  operationId: string;
  kind: 'status-500' | 'status-429' | 'slow' | 'drop';
  count?: number;
  delayMs?: number;
  resetSeconds?: number;
  afterApply?: boolean;
}

export const FAULT_KINDS = ['status-500', 'status-429', 'slow', 'drop'] as const;

/** Queues of injected faults by operation id, consumed one call at a time. */
export class Faults {
  private readonly queue: { spec: FaultSpec; remaining: number }[] = [];

  add(spec: FaultSpec): void {
    this.queue.push({ spec: { ...spec }, remaining: spec.count ?? 1 });
  }

  /** The fault the next call of `operationId` suffers, if any; consumes it. */
  take(operationId: string): FaultSpec | undefined {
    const entry = this.queue.find((candidate) => candidate.spec.operationId === operationId);
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queue.splice(this.queue.indexOf(entry), 1);
    return entry.spec;
  }

  clear(): void {
    this.queue.length = 0;
  }
}
