import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/** Packs the package and synthesizes apps that install it: minutes on two cores, so `.ci/run` runs it. */
const PACKAGE_TESTS = 'test/infra/package/**/*.test.ts';

export default defineConfig({
  // The package's name means its source here, as tsconfig.json's `paths` does for tsc and tsx.
  resolve: { alias: { 'okta-token-hook': fileURLToPath(new URL('./infra/index.ts', import.meta.url)) } },
  test: {
    environment: 'node',
    globalSetup: ['test/support/run-temp-dir.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: more workers only add contention for the simulator-backed suites.
    maxWorkers: 2,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      CDK_DISABLE_VERSION_CHECK: '1',
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, PACKAGE_TESTS] } },
      { extends: true, test: { name: 'package', include: [PACKAGE_TESTS], testTimeout: 600_000, hookTimeout: 600_000 } },
    ],
  },
});
