import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The package's name means its source here, as tsconfig.json's `paths` does for tsc and tsx.
  resolve: { alias: { 'okta-token-hook': fileURLToPath(new URL('./infra/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: more workers only add contention for the simulator-backed suites.
    maxWorkers: 2,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      CDK_DISABLE_VERSION_CHECK: '1',
    },
  },
});
