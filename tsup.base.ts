import { defineConfig } from 'tsup';

/** The build of every package: dual ESM + CJS output with declarations; dependencies stay external. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // tsup's declaration step sets `baseUrl`, which TypeScript 6 deprecates (an error unless
  // silenced); only that step is told so, the project's own configuration has none.
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'node22',
  // import.meta.url in the CJS build (createRequire).
  shims: true,
  tsconfig: 'tsconfig.build.json',
});
