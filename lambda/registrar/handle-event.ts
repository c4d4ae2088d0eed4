import { withDeadline } from '../okta/client.js';
import type { OktaApi } from '../okta/okta-api.js';
import type { SecretStore } from '../shared/secret-store.js';
import type { Deadlines } from './budget.js';
import { CfnEventSchema, loggableEvent, type OnEventResponse } from './cfn-event.js';
import { InvalidPropertiesError } from './errors.js';
import { createResource, deleteResource, updateResource, type LifecycleDeps } from './lifecycle.js';
import { parseDeleteProperties, parseOldProperties, parseProperties, sameOrg } from './properties.js';

/** Everything `onEvent` needs from outside, so tests drive it with the simulator and a local secret store. */
export interface EventDeps extends Omit<LifecycleDeps, 'api' | 'undoApi'> {
  readonly secrets: SecretStore;
  /** The Okta client for the credentials in this secret; `orgUrl` is the org the properties name. */
  readonly oktaFor: (credentialsSecretArn: string, orgUrl: string | undefined) => Promise<OktaApi>;
  /**
   * When forward steps and undo must end, for an operation that may have to put back `rules` rules: the
   * more rules, the earlier forward steps stop (see budget.ts). @default none: no deadline
   */
  readonly deadlines?: (rules: number) => Deadlines;
}

/**
 * The forward client and the undo's, each under its own deadline; the undo outwaits rate limits. Until
 * the rules are known, forward steps stop where the undo of one rule would have to start.
 */
async function apisFor(
  deps: EventDeps,
  credentialsSecretArn: string,
  orgUrl: string | undefined,
): Promise<{ api: OktaApi; undoApi: OktaApi; forwardFor?: (rules: number) => OktaApi }> {
  const api = await deps.oktaFor(credentialsSecretArn, orgUrl);
  if (orgUrl !== undefined && !sameOrg(api.orgUrl, orgUrl)) {
    throw new InvalidPropertiesError(
      `the credentials secret ${credentialsSecretArn} is for ${api.orgUrl} but OrgUrl is ${orgUrl}: make them name the same org`,
    );
  }
  const { deadlines } = deps;
  if (!deadlines) return { api, undoApi: api };
  const now = deps.now ?? Date.now;
  const { forward, undo } = deadlines(1);
  return {
    api: withDeadline(api, forward, now),
    undoApi: withDeadline(api, undo, now, { outwaitRateLimits: true }),
    forwardFor: (rules) => withDeadline(api, deadlines(rules).forward, now),
  };
}

/** Adapts one CloudFormation event to the lifecycle: returns the physical id and Data, or throws. */
export async function handleEvent(raw: unknown, deps: EventDeps): Promise<OnEventResponse> {
  const log = deps.log ?? (() => undefined);
  if (typeof raw === 'object' && raw !== null) log({ event: 'request', request: loggableEvent(raw as Record<string, unknown>) });
  try {
    const response = await dispatch(raw, deps, log);
    log({ event: 'response', response });
    return response;
  } catch (error) {
    // The message becomes the stack event's reason; the log keeps it beside the Okta calls that led to it.
    log({ event: 'failed', error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
    throw error;
  }
}

async function dispatch(raw: unknown, deps: EventDeps, log: (event: object) => void): Promise<OnEventResponse> {
  const parsed = CfnEventSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidPropertiesError(`not a custom resource event: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const event = parsed.data;
  switch (event.RequestType) {
    case 'Create': {
      const properties = parseProperties(event.ResourceProperties);
      const apis = await apisFor(deps, properties.CredentialsSecretArn, properties.OrgUrl);
      const result = await createResource({ ...deps, ...apis }, properties);
      return { PhysicalResourceId: result.physicalResourceId, Data: result.data };
    }
    case 'Update': {
      const properties = parseProperties(event.ResourceProperties);
      const old = parseOldProperties(event.OldResourceProperties, properties);
      const apis = await apisFor(deps, properties.CredentialsSecretArn, properties.OrgUrl);
      const result = await updateResource({ ...deps, ...apis }, properties, old, event.PhysicalResourceId);
      return { PhysicalResourceId: result.physicalResourceId, Data: result.data };
    }
    case 'Delete': {
      const properties = parseDeleteProperties(event.ResourceProperties);
      if (!properties.RetainOnDelete) {
        const apis = await apisFor(deps, properties.CredentialsSecretArn, properties.OrgUrl);
        await deleteResource({ ...deps, ...apis }, properties, event.PhysicalResourceId);
      } else {
        log({ event: 'retained', hookId: event.PhysicalResourceId });
      }
      return { PhysicalResourceId: event.PhysicalResourceId };
    }
  }
}
