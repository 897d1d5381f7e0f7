// Compiles bench/*.ts to bench/dist/*.js for `pnpm bench`. Not through tsx: tsx keeps function names
// (esbuild's keepNames), which wraps every closure the hand-written baselines create per message in
// a naming call and made them ~20% slower than the same code compiled plainly.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';

const entries = readdirSync('bench')
  .filter((name) => name.endsWith('.ts'))
  .map((name) => `bench/${name}`);
await build({ entryPoints: entries, outdir: 'bench/dist', bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node22', sourcemap: true, logLevel: 'warning' });
