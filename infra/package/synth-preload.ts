// Loaded before infra/app.ts by cdk.json's app, in the same process: every `cdk synth` uses the Lambda
// code as the sources are now, and pays for a rebuild only when one of them changed.
import { buildAssets } from './assets.js';

await buildAssets();
