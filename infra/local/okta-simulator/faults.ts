/**
 * A failure to inject into the next calls of one operation, or of every management operation with
 * `operationId: '*'` (a 429 storm hits them all) (see `OktaSimulator.injectFault`). `in-use` is Okta's
 * 400 refusing to change a hook that a policy rule still calls. `slow` with `afterApply` applies the
 * request first and then delays the answer (a write that lands while the caller gives up).
 */
export interface FaultSpec {
  operationId: string;
  kind: 'status-500' | 'status-429' | 'slow' | 'drop' | 'in-use';
  count?: number;
  delayMs?: number;
  resetSeconds?: number;
  afterApply?: boolean;
}

export const FAULT_KINDS = ['status-500', 'status-429', 'slow', 'drop', 'in-use'] as const;

export const ANY_OPERATION = '*';

/** Queues of injected faults by operation id, consumed one call at a time. */
export class Faults {
  private readonly queue: { spec: FaultSpec; remaining: number }[] = [];

  add(spec: FaultSpec): void {
    this.queue.push({ spec: { ...spec }, remaining: spec.count ?? 1 });
  }

  /** The fault the next call of `operationId` suffers, if any; consumes it. */
  take(operationId: string): FaultSpec | undefined {
    const entry = this.queue.find((candidate) => candidate.spec.operationId === operationId || candidate.spec.operationId === ANY_OPERATION);
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queue.splice(this.queue.indexOf(entry), 1);
    return entry.spec;
  }

  clear(): void {
    this.queue.length = 0;
  }
}
