import { defineConfig } from 'vitest/config';

// One root config: every package's tests run against its TypeScript sources through the
// `@limitedcart/source` export condition, so no build is needed before testing.
export default defineConfig({
  resolve: { conditions: ['@limitedcart/source'] },
  ssr: { resolve: { conditions: ['@limitedcart/source'] } },
  test: {
    include: ['{packages,apps,examples,deploy,bench}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
