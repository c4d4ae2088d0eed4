import * as z from 'zod';

/**
 * The event the CDK Provider framework hands to `onEvent` (CloudFormation's custom-resource request).
 * Properties stay `unknown` here: create/update and delete read them with different strictness.
 */
export const CfnEventSchema = z.discriminatedUnion('RequestType', [
  z.looseObject({
    RequestType: z.literal('Create'),
    LogicalResourceId: z.string(),
    ResourceProperties: z.record(z.string(), z.unknown()),
  }),
  z.looseObject({
    RequestType: z.literal('Update'),
    LogicalResourceId: z.string(),
    PhysicalResourceId: z.string(),
    ResourceProperties: z.record(z.string(), z.unknown()),
    OldResourceProperties: z.record(z.string(), z.unknown()),
  }),
  z.looseObject({
    RequestType: z.literal('Delete'),
    LogicalResourceId: z.string(),
    PhysicalResourceId: z.string(),
    ResourceProperties: z.record(z.string(), z.unknown()),
  }),
]);
export type CfnEvent = z.infer<typeof CfnEventSchema>;

/** What `onEvent` returns to the framework (which answers CloudFormation). */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** The event as it may be logged: no ResponseURL (a presigned URL that can answer for the stack). */
export function loggableEvent(event: Record<string, unknown>): Record<string, unknown> {
  const { ResponseURL: _url, ...rest } = event;
  return rest;
}
