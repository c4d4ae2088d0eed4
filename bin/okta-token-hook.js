#!/usr/bin/env node
// The operator CLI is TypeScript run through tsx (a devDependency: the CLI serves this repository's users,
// who run `npm ci`), so there is no build step to forget.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { run } = await import('../infra/cli/main.ts');
process.exitCode = await run(process.argv.slice(2));
