import * as z from 'zod';

/**
 * What a token hook may answer with a 200 (contract §2): commands of the two current types with
 * add/replace/remove on claims or the lifetime, an optional `error` and `debugContext`. Written here
 * because the hook runtime exports no zod schema of its answer.
 */
const PatchOperationSchema = z.looseObject({
  op: z.enum(['add', 'replace', 'remove']),
  path: z.string().regex(/^\/(claims\/.+|token\/lifetime\/expiration)$/),
  value: z.unknown().optional(),
});

export const TokenHookResponseSchema = z.looseObject({
  commands: z
    .array(
      z.looseObject({
        type: z.enum(['com.okta.identity.patch', 'com.okta.access.patch']),
        value: z.array(PatchOperationSchema),
      }),
    )
    .optional(),
  error: z.looseObject({ errorSummary: z.string().optional() }).optional(),
  debugContext: z.record(z.string(), z.unknown()).optional(),
});
export type TokenHookResponse = z.infer<typeof TokenHookResponseSchema>;
