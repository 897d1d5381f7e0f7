import { defineConfig } from 'vitest/config';

// Tests run from `src/` through the `tracecarrier-source` export condition: no build needed.
export default defineConfig({
  resolve: { conditions: ['tracecarrier-source'] },
  ssr: { resolve: { conditions: ['tracecarrier-source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['packages/*/src/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One broker on two cores: suites run one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
