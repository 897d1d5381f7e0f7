// Checks the built packages the way users load them: `require` (CJS) and `import` (ESM) of each
// package name resolve to dist/, expose the same named exports, pass publint, and their types
// resolve under node10, node16 (CJS and ESM) and bundler settings ("are the types wrong", packed),
// and each ships the repository's LICENSE.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('..', import.meta.url).pathname);
const require = createRequire(join(root, 'package.json'));
let failed = false;
for (const dir of readdirSync(join(root, 'packages'))) {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  let cjsNames = '';
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string') continue;
    const name = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    const cjsPath = require.resolve(name);
    const cjs = require(name);
    const esm = await import(pathToFileURL(join(root, 'packages', dir, target.import.default)).href);
    const names = Object.keys(cjs).sort().join(',');
    const esmNames = Object.keys(esm).filter((key) => key !== 'default').sort().join(',');
    if (!cjsPath.includes(`${dir}/dist/`) || names !== esmNames || names === '') {
      console.error(`${name}: CJS (${cjsPath}) and ESM exports differ or are empty\n  cjs: ${names}\n  esm: ${esmNames}`);
      failed = true;
    }
    if (subpath === '.') cjsNames = names;
  }
  if (manifest.name === '@tracecarrier/core') {
    // The two entry points share module state in each format: what a binding records, the public accessor reads.
    for (const [format, load] of [['cjs', (name) => require(name)], ['esm', (name) => import(name)]]) {
      const [core, binding] = await Promise.all([load('@tracecarrier/core'), load('@tracecarrier/core/binding')]);
      const message = { value: null };
      binding.handOver(message, { value: null, attributes: { carrier: 'cloudevents-binary', attributes: { id: 'probe' } } });
      if (core.cloudEventOf(message)?.id !== 'probe') {
        console.error(`@tracecarrier/core (${format}): the binding entry and the public entry do not share module state`);
        failed = true;
      }
    }
  }
  // Each package ships the repository's license text, unchanged.
  const license = join(root, 'packages', dir, 'LICENSE');
  if (!existsSync(license) || readFileSync(license, 'utf8') !== readFileSync(join(root, 'LICENSE'), 'utf8')) {
    console.error(`${manifest.name}: LICENSE is missing or differs from the repository's LICENSE`);
    failed = true;
  }
  try {
    execFileSync('npx', ['publint', '--strict', join(root, 'packages', dir)], { stdio: 'pipe' });
  } catch (error) {
    console.error(`${manifest.name}: publint\n${error.stdout}${error.stderr}`);
    failed = true;
  }
  try {
    execFileSync('npx', ['attw', '--pack', '.', '--format', 'ascii'], { cwd: join(root, 'packages', dir), stdio: 'pipe' });
  } catch (error) {
    console.error(`${manifest.name}: are-the-types-wrong\n${error.stdout}${error.stderr}`);
    failed = true;
  }
  console.log(`${manifest.name}: ${cjsNames.split(',').length} exports, CJS and ESM agree, publint and attw clean`);
}
process.exit(failed ? 1 : 0);
