import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka } from 'kafkajs';
import { brokers, createTopics, kafkaConfig, randomTopic } from './helpers/kafka.js';

/**
 * The publish rehearsal: every package packed as `pnpm publish` would pack it, the tarballs checked
 * (LICENSE, README, CHANGELOG, metadata, no workspace ranges), installed into a fresh application
 * with npm, and a traced send/receive run there with each client through the real broker, once
 * from ESM and once from CJS: the packed artifacts, not the workspace links. The native clients
 * (node-rdkafka, @confluentinc/kafka-javascript) are copied from the workspace's builds for this Node line rather
 * than compiled a second time; they are not ours.
 */
const root = new URL('..', import.meta.url).pathname;
const PACKAGES = readdirSync(join(root, 'packages')).sort();
const work = mkdtempSync(join(tmpdir(), 'tc-rehearsal-'));
const packs = join(work, 'packs');
const app = join(work, 'app');
const tarballs = new Map<string, string>();
const manifests = new Map<string, Record<string, unknown>>();
const contents = new Map<string, string[]>();
const runs: Record<'esm' | 'cjs', { resolved: string; results: Array<Record<string, unknown>>; propagatorExtracts: number }> = {} as never;
const cli = { version: '', inspect: [] as string[] };
const cliTopic = randomTopic('rehearsal-cli');
const CLI_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
/** What the fresh application installs beside the tarballs: its SDK line and its clients. */
const APP_DEPENDENCIES = ['@opentelemetry/api', '@opentelemetry/core', '@opentelemetry/sdk-node', '@opentelemetry/sdk-trace', '@opentelemetry/context-async-hooks', 'kafkajs', 'node-rdkafka', '@confluentinc/kafka-javascript', '@platformatic/kafka'];
let npmLs: SpawnSyncReturns<string>;
let coreCopies: string[] = [];

// The versions the workspace itself tests with, so the app runs what CI ran.
const workspace = createRequire(join(root, 'package.json'));
function versionOf(name: string): string {
  // Some packages do not export their package.json: walk up from the entry point to it.
  for (let dir = dirname(workspace.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (manifest.name === name) return manifest.version;
    }
  }
  throw new Error(`no package.json for ${name}`);
}

beforeAll(async () => {
  // A topic with one record that carries a context in a header, for the command to inspect.
  const kafka = new Kafka(kafkaConfig('rehearsal'));
  const admin = kafka.admin();
  await admin.connect();
  await createTopics(admin, [cliTopic]);
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: cliTopic, messages: [{ key: 'k', value: 'v', headers: { traceparent: CLI_TRACEPARENT } }] });
  await producer.disconnect();

  mkdirSync(packs);
  for (const dir of PACKAGES) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', packs], { cwd: join(root, 'packages', dir), encoding: 'utf8' });
    const file = out.trim().split('\n').at(-1)!.trim();
    const name = (JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as { name: string }).name;
    tarballs.set(name, file);
    contents.set(name, execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).trim().split('\n'));
    manifests.set(name, JSON.parse(execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>);
  }

  mkdirSync(app);
  cpSync(join(root, 'tests', 'rehearsal'), app, { recursive: true });
  const dependencies: Record<string, string> = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  // A service on this lane's SDK line, as `npm install @opentelemetry/sdk-node` sets one up, with
  // the clients it uses: what the README tells an application to install.
  for (const name of APP_DEPENDENCIES) dependencies[name] = versionOf(name);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'rehearsal-app', private: true, dependencies }, null, 2));
  // npm resolves the peers as it would for a user (no --legacy-peer-deps). The native clients'
  // build scripts are skipped and the workspace's builds for this Node line copied in (the same
  // versions: they are not ours to rebuild).
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--loglevel=error'], { cwd: app, stdio: 'pipe', timeout: 300_000 });
  for (const native of ['node-rdkafka', '@confluentinc/kafka-javascript']) {
    const built = realpathSync(join(root, 'node_modules', native, 'build'));
    for (const part of ['Release', 'deps']) cpSync(join(built, part), join(app, 'node_modules', native, 'build', part), { recursive: true, filter: (source) => !source.includes('obj.target') && !source.endsWith('.o') });
  }
  npmLs = spawnSync('npm', ['ls', '--all'], { cwd: app, encoding: 'utf8' });
  coreCopies = execFileSync('npm', ['ls', '@opentelemetry/core', '--all', '--parseable'], { cwd: app, encoding: 'utf8' }).trim().split('\n').filter((line) => line !== '' && line.endsWith(join('node_modules', '@opentelemetry', 'core')));
  // The command line from the installed tarball, as `npx tracecarrier` runs it.
  cli.version = execFileSync('npx', ['--no-install', 'tracecarrier', '--version'], { cwd: app, encoding: 'utf8' }).trim();
  cli.inspect = execFileSync('npx', ['--no-install', 'tracecarrier', 'inspect', '--brokers', brokers().join(','), '--topic', cliTopic, '--json'], { cwd: app, encoding: 'utf8', env: { ...process.env }, timeout: 120_000 }).trim().split('\n');
  for (const format of ['esm', 'cjs'] as const) {
    const out = execFileSync('node', [format === 'esm' ? 'app.mjs' : 'app.cjs'], { cwd: app, encoding: 'utf8', env: { ...process.env, KAFKA_BROKERS: brokers().join(',') }, timeout: 300_000 });
    runs[format] = JSON.parse(out.trim().split('\n').at(-1)!) as (typeof runs)[typeof format];
  }
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarballs', () => {
  it.each(PACKAGES.map((dir) => `@tracecarrier/${dir}`))('%s carries LICENSE, README, CHANGELOG and its build, and no tests', (name) => {
    const files = contents.get(name)!;
    for (const file of ['package/LICENSE', 'package/README.md', 'package/CHANGELOG.md', 'package/package.json', 'package/dist/index.js', 'package/dist/index.cjs', 'package/dist/index.d.ts', 'package/dist/index.d.cts']) expect(files).toContain(file);
    expect(files.filter((file) => file.endsWith('.test.ts'))).toEqual([]);
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toContain('Apache License');
  });

  it.each(PACKAGES.map((dir) => `@tracecarrier/${dir}`))('%s: metadata for npm (license, repository with directory, homepage, bugs, keywords, provenance) and no workspace ranges', (name) => {
    const manifest = manifests.get(name)!;
    expect(manifest).toMatchObject({
      license: 'Apache-2.0',
      repository: { type: 'git', url: expect.stringMatching(/^git\+https:\/\/.+\.git$/), directory: expect.stringMatching(/^packages\//) },
      homepage: expect.stringMatching(/^https:\/\//),
      bugs: { url: expect.stringMatching(/^https:\/\//) },
      publishConfig: { access: 'public', provenance: true },
      engines: { node: '>=22' },
    });
    expect((manifest.keywords as string[]).length).toBeGreaterThan(3);
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
    const core = (manifest.dependencies as Record<string, string> | undefined)?.['@tracecarrier/core'];
    if (name !== '@tracecarrier/core') expect(core).toBe(`^${manifests.get('@tracecarrier/core')!.version as string}`);
  });
});

describe('the tracecarrier command from the packed tarball', () => {
  it('runs with npx: --version, and inspect of a topic with one traced record', () => {
    expect(cli.version).toBe(manifests.get('@tracecarrier/cli')!.version);
    const [record, summary] = cli.inspect.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(record).toMatchObject({ carrier: 'headers', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7', sampled: true });
    expect(summary).toMatchObject({ summary: { records: 1, byCarrier: { headers: 1 } } });
  });
});

describe(`a fresh application on OpenTelemetry SDK ${versionOf('@opentelemetry/sdk-trace')} (api ${versionOf('@opentelemetry/api')}), Node ${process.versions.node}`, () => {
  it('installs clean: npm ls exits 0 (no missing, invalid or conflicting peer)', () => {
    expect(npmLs.stderr).toBe('');
    expect(npmLs.status).toBe(0);
  });

  it("has one copy of @opentelemetry/core, the SDK's own", () => {
    expect(coreCopies).toEqual([join(realpathSync(app), 'node_modules', '@opentelemetry', 'core')]);
    expect(JSON.parse(readFileSync(join(coreCopies[0]!, 'package.json'), 'utf8')).version).toBe(versionOf('@opentelemetry/core'));
  });
});

describe('a fresh application installs the tarballs and traces through the real broker', () => {
  it.each(['esm', 'cjs'] as const)('%s: the packages resolve to the installed tarballs, not the workspace', (format) => {
    const resolved = runs[format].resolved.replace(/^file:\/\//, '');
    expect(realpathSync(resolved).startsWith(realpathSync(join(app, 'node_modules')))).toBe(true);
  });

  it.each(['esm', 'cjs'] as const)("%s: every extraction took the fast path with the application's own W3C propagators", (format) => {
    expect(runs[format].results.length).toBe(6);
    expect(runs[format].propagatorExtracts).toBe(0);
  });

  const rows = (['esm', 'cjs'] as const).flatMap((format) => ['kafkajs', 'node-rdkafka', 'confluent KafkaJS API', 'confluent callback API', '@platformatic/kafka', 'kafkajs → node-rdkafka'].map((client) => ({ format, client })));
  it.each(rows)('$format, $client: the process span is a child of the send span, active in the handler', ({ format, client }) => {
    const result = runs[format].results.find((entry) => entry.client === client);
    expect(result).toMatchObject({ sameTrace: true, parentIsSend: true, activeIsProcess: true });
    expect(result!.scope).toMatch(/^@tracecarrier\//);
  });
});
