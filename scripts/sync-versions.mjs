// Writes each binding's package version into its src/version.ts (the instrumentation scope's
// version on every span and metric), so the scope says which release made them. Run by
// `pnpm version-packages` after changesets bumps the versions; tests/versions.test.ts checks it.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
for (const dir of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', dir, 'src', 'version.ts');
  if (!existsSync(file)) continue;
  const { version } = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  const text = readFileSync(file, 'utf8');
  const updated = text.replace(/version: '[^']*'/, `version: '${version}'`);
  if (updated !== text) {
    writeFileSync(file, updated);
    console.log(`sync-versions: packages/${dir}/src/version.ts -> ${version}`);
  }
}
