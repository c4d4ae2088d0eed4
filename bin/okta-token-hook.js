#!/usr/bin/env node
// The operator CLI as built JavaScript (`npm run build`, which `npm ci` and `npm pack` run): no
// TypeScript compiler at start, so a command answers at once.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const main = new URL('../dist/esm/infra/cli/main.js', import.meta.url);
const { run } = await import(main.href).catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('main.js')) throw error;
  console.error("error: the CLI is not built: run 'npm run build' in the okta-token-hook package");
  process.exit(1);
});
process.exitCode = await run(process.argv.slice(2));
