import * as z from 'zod';

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

/** The event Secrets Manager sends a rotation function, once per step. */
export const RotationEventSchema = z.looseObject({
  Step: z.enum(ROTATION_STEPS),
  SecretId: z.string().min(1),
  ClientRequestToken: z.string().min(1),
  RotationToken: z.string().optional(),
});
export type RotationEvent = z.infer<typeof RotationEventSchema>;
export type RotationStep = RotationEvent['Step'];

/** The scheduled rotation of the Hook Key (private_key_jwt): `HOOK_KEY_ROTATION_EVENT`. */
export const HookKeyRotationEventSchema = z.looseObject({ rotate: z.literal('hook-key') });
