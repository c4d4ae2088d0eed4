import { SecretsManagerStore } from '../shared/secret-store.js';
import { createRotationHandler } from './rotation-function.js';

/** Secrets Manager's rotation function for the hook's API key (see rotation-steps.ts). */
export const handler = createRotationHandler({ secrets: new SecretsManagerStore(), env: process.env });
