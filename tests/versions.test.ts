import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The instrumentation scope's version on spans and metrics is the package's (scripts/sync-versions.mjs). */
const packages = new URL('../packages/', import.meta.url).pathname;
const bindings = readdirSync(packages).filter((dir) => existsSync(join(packages, dir, 'src', 'version.ts')));

describe('versions', () => {
  it.each(bindings)('%s: the instrumentation scope carries the package version', (dir) => {
    const manifest = JSON.parse(readFileSync(join(packages, dir, 'package.json'), 'utf8')) as { name: string; version: string };
    const source = readFileSync(join(packages, dir, 'src', 'version.ts'), 'utf8');
    expect(source).toContain(`name: '${manifest.name}', version: '${manifest.version}'`);
  });

  it('every @tracecarrier package has the same version (they are released together)', () => {
    const versions = new Set(readdirSync(packages).map((dir) => (JSON.parse(readFileSync(join(packages, dir, 'package.json'), 'utf8')) as { version: string }).version));
    expect(versions.size).toBe(1);
  });
});
