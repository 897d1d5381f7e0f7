import { defineConfig } from 'vitest/config';

// Tests run from `src/` through the `tracecarrier-source` export condition: no build needed.
export default defineConfig({
  resolve: { conditions: ['tracecarrier-source'] },
  ssr: { resolve: { conditions: ['tracecarrier-source'] } },
  test: {
    // One broker on two cores: test files run one at a time.
    fileParallelism: false,
    projects: [
      {
        extends: true,
        // The property tests run thousands of cases (2 s idle); on busy cores (other lanes building)
        // that outgrows vitest's default 5 s: a limit for the work, not for the machine.
        test: { name: 'unit', include: ['packages/*/src/**/*.test.ts', 'demo/**/*.test.ts', 'tests/docs-examples.test.ts', 'tests/envelope-readers.test.ts', 'tests/packaging.test.ts', 'tests/manual-api-hostile.test.ts', 'tests/api-report.test.ts', 'tests/versions.test.ts'], environment: 'node', testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/docs-examples.test.ts', 'tests/envelope-readers.test.ts', 'tests/packaging.test.ts', 'tests/manual-api-hostile.test.ts', 'tests/api-report.test.ts', 'tests/versions.test.ts', 'tests/cluster/**'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        // Fault tests on a 3-node cluster (scripts/cluster.sh run -- …).
        test: { name: 'cluster', include: ['tests/cluster/**/*.test.ts', 'tests/transactions.test.ts'], environment: 'node', testTimeout: 600_000, hookTimeout: 120_000 },
      },
    ],
  },
});
