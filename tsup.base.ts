import { defineConfig } from 'tsup';

/** The build of every package: dual ESM + CJS output with declarations; dependencies stay external. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // import.meta.url in the CJS build (createRequire).
  shims: true,
  tsconfig: 'tsconfig.build.json',
});
