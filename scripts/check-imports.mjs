// Lint checks tsc and eslint do not make: no import cycles inside a package, dependencies point
// one way (core imports no Kafka client), and every declared dependency is used.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const problems = [];

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const importPattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

for (const pkg of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', pkg);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const files = sources(join(dir, 'src'));
  const graph = new Map();
  const external = new Set();
  for (const file of files) {
    const edges = [];
    // Doc comments may show imports in examples; only code counts.
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    // Static imports and exports, and dynamic imports of a literal name (an optional peer).
    for (const [, fromSpec, dynamicSpec] of code.matchAll(importPattern)) {
      const spec = fromSpec ?? dynamicSpec;
      if (spec.startsWith('.')) edges.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) external.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
    graph.set(file, edges);
  }
  // Cycles: depth-first search with colours.
  const state = new Map();
  const visit = (file, stack) => {
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') problems.push(`${pkg}: import cycle ${[...stack, file, next].map((f) => f.slice(dir.length + 1)).join(' -> ')}`);
      else if (!state.has(next)) visit(next, [...stack, file]);
    }
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file, []);
  const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  for (const name of external) if (!declared.has(name)) problems.push(`${pkg}: imports ${name} without declaring it`);
  // A dependency may also be there to provide a peer of one of ours (the CLI is an application: it
  // brings @tracecarrier/core's peers itself).
  const peersOfOurs = new Set(
    [...declared].filter((name) => name.startsWith('@tracecarrier/')).flatMap((name) => Object.keys(JSON.parse(readFileSync(join(root, 'packages', name.slice('@tracecarrier/'.length), 'package.json'), 'utf8')).peerDependencies ?? {})),
  );
  for (const name of declared) if (!external.has(name) && !peersOfOurs.has(name)) problems.push(`${pkg}: declares ${name} but never imports it`);
  if (pkg === 'core') for (const name of external) if (/kafka/i.test(name)) problems.push(`core must not import a Kafka client (${name})`);
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('imports: no cycles, dependencies declared and used');
