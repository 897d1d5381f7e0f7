// Checks the built packages the way users load them: `require` (CJS) and `import` (ESM) of each
// package name resolve to dist/, expose the same named exports, pass publint, and their types
// resolve under node10, node16 (CJS and ESM) and bundler settings ("are the types wrong", packed).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('..', import.meta.url).pathname);
const require = createRequire(join(root, 'package.json'));
let failed = false;
for (const dir of readdirSync(join(root, 'packages'))) {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  const cjsPath = require.resolve(manifest.name);
  const cjs = require(manifest.name);
  const esm = await import(pathToFileURL(join(root, 'packages', dir, manifest.exports['.'].import.default)).href);
  const cjsNames = Object.keys(cjs).sort().join(',');
  const esmNames = Object.keys(esm).filter((name) => name !== 'default').sort().join(',');
  if (!cjsPath.includes(`${dir}/dist/`) || cjsNames !== esmNames || cjsNames === '') {
    console.error(`${manifest.name}: CJS (${cjsPath}) and ESM exports differ or are empty\n  cjs: ${cjsNames}\n  esm: ${esmNames}`);
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
