import * as z from 'zod';
import { FAULT_KINDS, type FaultSpec } from './faults.js';
import type { Route, SimAnswer } from './router.js';
import { parseBody } from './request-validation.js';

/** What the `/__sim` routes reach: the same controls tests get from `OktaSimulator`. */
export interface SimControls {
  injectFault(fault: FaultSpec): void;
  state(): unknown;
  mint(request: unknown): Promise<unknown>;
  calls(): unknown;
  resetCalls(): void;
}

export const FaultSchema = z.object({
  operationId: z.string().min(1),
  kind: z.enum(FAULT_KINDS),
  count: z.int().min(1).optional(),
  delayMs: z.int().min(0).optional(),
  resetSeconds: z.int().min(0).optional(),
  afterApply: z.boolean().optional(),
});

/** The simulator's own routes, for a sandbox in another process and for curl; no auth, loopback only. */
export function simRoutes(controls: SimControls): Route[] {
  const route = (method: string, template: string, operationId: string, handle: Route['handle'], body?: 'json'): Route => ({
    method,
    template,
    operationId,
    auth: 'none',
    internal: true,
    ...(body ? { body } : {}),
    handle,
  });
  return [
    route('GET', '/__sim/state', 'simState', (): SimAnswer => ({ status: 200, body: controls.state() })),
    route('GET', '/__sim/calls', 'simCalls', (): SimAnswer => ({ status: 200, body: controls.calls() })),
    route('DELETE', '/__sim/calls', 'simResetCalls', (): SimAnswer => {
      controls.resetCalls();
      return { status: 204 };
    }),
    route(
      'POST',
      '/__sim/faults',
      'simInjectFault',
      (request): SimAnswer => {
        const faults = Array.isArray(request.body) ? request.body : [request.body];
        for (const fault of faults) controls.injectFault(parseBody(FaultSchema, fault));
        return { status: 204 };
      },
      'json',
    ),
    route('POST', '/__sim/mint', 'simMint', async (request): Promise<SimAnswer> => ({ status: 200, body: await controls.mint(request.body) }), 'json'),
  ];
}
