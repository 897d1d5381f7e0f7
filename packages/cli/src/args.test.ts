import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPTION_COMMAND, OPTIONS, parseCommandLine, type InspectArgs, type OptionName, type ProbeArgs } from './args.js';
import { UsageError } from './errors.js';
import { INSPECT_USAGE, PROBE_USAGE, USAGE } from './help.js';
import { librdkafkaConfig, NO_SETTINGS } from './settings.js';

const REQUIRED = { inspect: ['--brokers', 'b', '--topic', 't'], probe: ['--brokers', 'b', '--to', 't'] } as const;
const OTHER = { inspect: 'probe', probe: 'inspect' } as const;
const names = Object.keys(OPTIONS) as OptionName[];

/** The message of the UsageError `argv` is refused with. */
function refusal(argv: readonly string[]): string {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`accepted: ${JSON.stringify(argv)}`);
}

describe('an option of the other command is refused, in one line naming the option and the command', () => {
  const cases = (['inspect', 'probe'] as const).flatMap((command) =>
    names
      .filter((name) => OPTION_COMMAND[name] === OTHER[command])
      .flatMap((name) => {
        const option = OPTIONS[name] as { type: 'boolean' | 'string'; short?: string };
        const value = option.type === 'string' ? ['3'] : [];
        return [
          { command, given: `--${name}`, argv: [command, ...REQUIRED[command], `--${name}`, ...value], named: `--${name}` },
          ...(option.short === undefined ? [] : [{ command, given: `-${option.short}`, argv: [command, ...REQUIRED[command], `-${option.short}`, ...value], named: `-${option.short} (--${name})` }]),
        ];
      }),
  );

  it('covers every option of each command', () => {
    expect(cases.filter((entry) => entry.command === 'probe').map((entry) => entry.given)).toEqual(['--topic', '-t', '--partition', '-p', '--from-beginning', '--offset', '-o', '--last', '--limit', '-n', '--follow', '-f', '--carriers', '--show-baggage', '--trace-id', '--key', '--idle', '--since', '--until', '--max-header-bytes', '--max-envelope-bytes', '--max-context-bytes', '--isolation']);
    expect(cases.filter((entry) => entry.command === 'inspect').map((entry) => entry.given)).toEqual(['--to', '--from', '--from-brokers', '--from-config', '--from-client-property', '--mode', '--timeout']);
  });

  it.each(cases)('$command $given', ({ command, argv, named }) => {
    expect(refusal(argv)).toBe(`${named} is an option of ${OTHER[command]}, not of ${command} (see tracecarrier ${command} --help)`);
  });

  it('inspect --follow --timeout 3, probe --limit 3, probe --last 3', () => {
    expect(refusal(['inspect', ...REQUIRED.inspect, '--follow', '--timeout', '3'])).toMatch(/^--timeout is an option of probe, not of inspect/);
    expect(refusal(['probe', ...REQUIRED.probe, '--limit', '3'])).toMatch(/^--limit is an option of inspect, not of probe/);
    expect(refusal(['probe', ...REQUIRED.probe, '--last', '3'])).toMatch(/^--last is an option of inspect, not of probe/);
  });
});

describe('every other bad command line is one line too', () => {
  it.each([
    [['--partition', '-1'], '--partition takes a whole number, not "-1"'],
    [['--partition=-1'], '--partition takes a whole number, not "-1"'],
    [['-p', '-1'], '--partition takes a whole number, not "-1"'],
    [['--offset', '-5'], '--offset takes a whole number, not "-5"'],
    [['--offset', '99999999999999999999'], '--offset takes a whole number, not "99999999999999999999"'],
    [['--limit', '0'], '--limit takes a whole number of at least 1, not "0"'],
    [['--last', '1.5'], '--last takes a whole number of at least 1, not "1.5"'],
    [['--partition'], '--partition needs a value (see tracecarrier inspect --help)'],
    [['-n'], '-n (--limit) needs a value (see tracecarrier inspect --help)'],
    [['--carriers', '--follow'], '--carriers needs a value, not the option "--follow" (see tracecarrier inspect --help)'],
    [['--follow=yes'], '--follow takes no value, not "yes" (see tracecarrier inspect --help)'],
    [['--bogus'], 'unknown option --bogus (see tracecarrier inspect --help)'],
    [['-x'], 'unknown option -x (see tracecarrier inspect --help)'],
    [['extra'], 'unexpected argument "extra" (see tracecarrier inspect --help)'],
  ])('inspect … %j', (argv, message) => {
    expect(refusal(['inspect', ...REQUIRED.inspect, ...argv])).toBe(message);
  });

  it.each([
    [['probe', '--to', 't'], '--brokers is required (see tracecarrier probe --help)'],
    [['probe', '--brokers', '--to', 't'], '--brokers needs a value, not the option "--to" (see tracecarrier probe --help)'],
    [['probe', ...REQUIRED.probe, '--timeout', '0'], '--timeout takes a whole number of at least 1, not "0"'],
    [['probe', ...REQUIRED.probe, '--timeout', '1e3'], '--timeout takes a whole number of at least 1, not "1e3"'],
    [['inspect', '--brokers', 'b'], '--topic is required (see tracecarrier inspect --help)'],
    [['--bogus'], 'unknown option --bogus (see tracecarrier --help)'],
    [[], 'a command is required: inspect or probe (see tracecarrier --help)'],
    [['frobnicate', '--help'], 'unknown command "frobnicate": inspect or probe (see tracecarrier --help)'],
  ])('%j', (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });

  it('none has a line break', () => {
    for (const argv of [['inspect', '--partition', '-1'], ['probe', '--offset'], ['inspect', '-b', 'b', '-t', 't', '--limit', '-1'], ['--to', '-x']]) expect(refusal(argv)).not.toContain('\n');
  });
});

describe('what a good command line gives', () => {
  it('inspect, with short forms', () => {
    expect(parseCommandLine(['inspect', '-b', 'h:1', '-t', 'orders', '-p', '2', '-o', '5', '-n', '10', '-f', '--json', '--carriers', 'auto, ./c.mjs', '--show-baggage', '--propagator', 'b3'])).toEqual({
      command: 'inspect',
      brokers: 'h:1',
      topic: 'orders',
      partition: 2,
      start: { kind: 'offset', offset: 5 },
      limit: 10,
      follow: true,
      json: true,
      carriers: ['auto', './c.mjs'],
      showBaggage: true,
      propagator: 'b3',
      traceId: undefined,
      key: undefined,
      idleSeconds: undefined,
      until: undefined,
      limits: {},
      isolation: 'read_committed',
      client: NO_SETTINGS,
    });
    expect(parseCommandLine(['inspect', '--brokers=h:1', '--topic=t', '--last', '3'])).toMatchObject({ start: { kind: 'last', count: 3 }, partition: undefined, limit: undefined, follow: false, json: false, carriers: ['auto'], propagator: 'w3c' });
  });

  it('inspect --since and --until: ISO 8601 times or spans back from now, mapped to a start and an end', () => {
    const at = (args: string[]) => parseCommandLine(['inspect', '-b', 'h:1', '-t', 'orders', ...args]) as { start: unknown; until?: number };
    expect(at(['--since', '2026-12-07T13:40:00Z', '--until', '2026-12-07T15:00:00.500+01:00'])).toMatchObject({ start: { kind: 'time', at: Date.UTC(2026, 11, 7, 13, 40) }, until: Date.UTC(2026, 11, 7, 14, 0, 0, 500) });
    expect(at(['--since', '2026-12-07'])).toMatchObject({ start: { kind: 'time', at: Date.UTC(2026, 11, 7) } });
    expect(at(['--since', '2026-12-07T13:40'])).toMatchObject({ start: { kind: 'time', at: Date.UTC(2026, 11, 7, 13, 40) } });
    const before = Date.now();
    const { start } = at(['--since', '2h']) as { start: { at: number } };
    expect(before - 2 * 3_600_000 - start.at).toBeLessThanOrEqual(0);
    expect(Date.now() - 2 * 3_600_000 - start.at).toBeGreaterThanOrEqual(0);
    expect(refusal(['inspect', ...REQUIRED.inspect, '--since', 'yesterday'])).toBe('--since takes an ISO 8601 time (2026-12-07T13:40:00Z) or a span back from now (90s, 15m, 2h, 7d), not "yesterday"');
    expect(refusal(['inspect', ...REQUIRED.inspect, '--since', '2026-12-07T14:00:00Z', '--until', '2026-12-07T13:00:00Z'])).toBe('--until must come after --since');
    expect(refusal(['inspect', ...REQUIRED.inspect, '--until', '1h', '--follow'])).toBe('--until ends the read where --follow keeps it going: give one of them');
    expect(refusal(['inspect', ...REQUIRED.inspect, '--since', '1h', '--last', '3'])).toBe('give at most one of --from-beginning, --offset, --last and --since');
  });

  it('inspect --max-*-bytes: the read limits', () => {
    expect(parseCommandLine(['inspect', '-b', 'h:1', '-t', 'orders', '--max-header-bytes', '100', '--max-context-bytes', '2048'])).toMatchObject({ limits: { maxHeaderBytes: 100, maxContextBytes: 2048 } });
    expect(refusal(['inspect', ...REQUIRED.inspect, '--max-envelope-bytes', '0'])).toBe('--max-envelope-bytes takes a whole number of at least 1, not "0"');
  });

  it('inspect filters and the idle bound', () => {
    expect(parseCommandLine(['inspect', '-b', 'h:1', '-t', 'orders', '-f', '--trace-id', 'AB'.repeat(16), '--key', 'o-1', '--idle', '5'])).toMatchObject({ follow: true, traceId: 'ab'.repeat(16), key: 'o-1', idleSeconds: 5 });
    expect(parseCommandLine(['inspect', '-b', 'h:1', '-t', 'orders'])).toMatchObject({ traceId: undefined, key: undefined, idleSeconds: undefined });
    expect(() => parseCommandLine(['inspect', '-b', 'h:1', '-t', 'orders', '--trace-id', 'xyz'])).toThrow('--trace-id takes 32 hexadecimal digits, not "xyz"');
    expect(() => parseCommandLine(['inspect', '-b', 'h:1', '-t', 'orders', '--idle', '0'])).toThrow('--idle takes a whole number of at least 1, not "0"');
  });

  it('inspect --isolation: read_committed by default, read_uncommitted when asked, or the settings\' isolation.level', () => {
    const inspect = ['inspect', '-b', 'h:1', '-t', 't'];
    expect(parseCommandLine(inspect)).toMatchObject({ isolation: 'read_committed' });
    expect(parseCommandLine([...inspect, '--isolation', 'read_uncommitted'])).toMatchObject({ isolation: 'read_uncommitted' });
    expect(parseCommandLine([...inspect, '-X', 'isolation.level=read_uncommitted'])).toMatchObject({ isolation: 'read_uncommitted' });
    expect(parseCommandLine([...inspect, '-X', 'isolation.level=read_uncommitted', '--isolation', 'read_committed'])).toMatchObject({ isolation: 'read_committed' });
    expect(refusal([...inspect, '--isolation', 'dirty'])).toBe('--isolation is read_committed or read_uncommitted, not "dirty"');
  });

  it('probe', () => {
    expect(parseCommandLine(['probe', '-b', 'a:1', '--to', 'orders', '--from', 'source.orders', '--from-brokers', 'b:1', '--mode', 'both', '--timeout', '5', '--json', '--propagator', 'jaeger'])).toEqual({ command: 'probe', brokers: 'a:1', to: 'orders', from: 'source.orders', fromBrokers: 'b:1', mode: 'both', timeoutSeconds: 5, json: true, propagator: 'jaeger', client: NO_SETTINGS, fromClient: NO_SETTINGS });
    expect(parseCommandLine(['probe', '-b', 'a:1', '--to', 'orders'])).toEqual({ command: 'probe', brokers: 'a:1', to: 'orders', from: 'orders', fromBrokers: 'a:1', mode: 'headers', timeoutSeconds: 30, json: false, propagator: 'w3c', client: NO_SETTINGS, fromClient: NO_SETTINGS });
  });

  it('--help: the global help, or the command\'s', () => {
    expect(parseCommandLine(['--help'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['-h'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['inspect', '--help'])).toEqual({ command: 'help', about: 'inspect' });
    expect(parseCommandLine(['--help', 'probe'])).toEqual({ command: 'help', about: 'probe' });
    expect(parseCommandLine(['probe', '-h', '--limit', '3'])).toEqual({ command: 'help', about: 'probe' });
    expect(parseCommandLine(['-v'])).toEqual({ command: 'version' });
  });
});

describe('connection settings: --config FILE (-F) and -X name=value (--client-property)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tc-cli-args-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const properties = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('both commands take them; -X is repeatable and wins over the file', () => {
    const config = properties('a.properties', 'security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.username=u\n');
    const inspect = parseCommandLine(['inspect', '-b', 'h:1', '-t', 't', '--config', config, '-X', 'sasl.mechanisms=SCRAM-SHA-256', '--client-property', 'sasl.password=p']) as InspectArgs;
    expect(librdkafkaConfig(inspect.client)).toEqual({ 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'SCRAM-SHA-256', 'sasl.username': 'u', 'sasl.password': 'p' });
    const probe = parseCommandLine(['probe', '-b', 'h:1', '--to', 't', '-F', config]) as ProbeArgs;
    expect(librdkafkaConfig(probe.client)).toEqual({ 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'PLAIN', 'sasl.username': 'u' });
    // T2's cluster is the same cluster, with the same settings.
    expect(probe.fromClient).toBe(probe.client);
    expect(probe.fromBrokers).toBe('h:1');
  });

  it('-X takes its value attached too, as kcat does (-Xname=value)', () => {
    const args = parseCommandLine(['inspect', '-b', 'h:1', '-t', 't', '-Xsecurity.protocol=SSL', '--client-property=client.id=me']) as InspectArgs;
    expect(librdkafkaConfig(args.client)).toEqual({ 'security.protocol': 'SSL', 'client.id': 'me' });
  });

  it('--brokers may come from the settings\' bootstrap.servers; --brokers wins over it', () => {
    const config = properties('b.properties', 'bootstrap.servers=k1:9093,k2:9093\n');
    expect(parseCommandLine(['inspect', '-t', 't', '--config', config])).toMatchObject({ brokers: 'k1:9093,k2:9093' });
    expect(parseCommandLine(['inspect', '-t', 't', '-X', 'bootstrap.servers=x:1'])).toMatchObject({ brokers: 'x:1' });
    expect(parseCommandLine(['inspect', '-t', 't', '-b', 'h:1', '--config', config])).toMatchObject({ brokers: 'h:1' });
  });

  it('probe: --from-config and --from-client-property give T2\'s cluster its own settings (and its brokers)', () => {
    const to = properties('to.properties', 'security.protocol=SSL\n');
    const from = properties('from.properties', 'bootstrap.servers=b:9093\nsecurity.protocol=SASL_SSL\n');
    const probe = parseCommandLine(['probe', '-b', 'a:9093', '--to', 't', '--config', to, '--from-config', from, '--from-client-property', 'sasl.username=u']) as ProbeArgs;
    expect(librdkafkaConfig(probe.client)).toEqual({ 'security.protocol': 'SSL' });
    expect(librdkafkaConfig(probe.fromClient)).toEqual({ 'security.protocol': 'SASL_SSL', 'sasl.username': 'u' });
    expect(probe.fromBrokers).toBe('b:9093');
    const own = parseCommandLine(['probe', '-b', 'a:9093', '--to', 't', '-X', 'security.protocol=SSL', '--from-client-property', 'security.protocol=PLAINTEXT', '--from-brokers', 'c:9092']) as ProbeArgs;
    expect(librdkafkaConfig(own.fromClient)).toEqual({ 'security.protocol': 'PLAINTEXT' });
    expect(own.fromBrokers).toBe('c:9092');
  });

  it.each([
    [['inspect', '-b', 'b', '-t', 't', '-X', 'security.protocol'], '-X takes name=value, not "security.protocol"'],
    [['inspect', '-b', 'b', '-t', 't', '-X'], '-X (--client-property) needs a value (see tracecarrier inspect --help)'],
    [['probe', '-b', 'b', '--to', 't', '--from-client-property', 'sasl.password'], '--from-client-property takes name=value, not "sasl.password"'],
    [['inspect', '-b', 'b', '-t', 't', '-X', 'group.id=mine'], '-X: group.id is set by tracecarrier itself (it joins no group and commits nothing)'],
    [['inspect', '-t', 't', '-X', 'security.protocol=SSL'], '--brokers is required (see tracecarrier inspect --help)'],
    [['inspect', '-b', 'b', '-t', 't', '--from-config', 'f'], '--from-config is an option of probe, not of inspect (see tracecarrier inspect --help)'],
  ])('%j is refused: %s', (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });

  it('a malformed --config file is refused naming the file and line', () => {
    const config = properties('bad.properties', '# ok\nsecurity.protocol=SSL\nsasl.password hunter2\n');
    const message = refusal(['inspect', '-b', 'b', '-t', 't', '--config', config]);
    expect(message).toBe(`${config}:3: not a key=value line`);
    expect(refusal(['inspect', '-b', 'b', '-t', 't', '--config', join(dir, 'none.properties')])).toBe(`cannot read --config file "${join(dir, 'none.properties')}" (ENOENT)`);
  });
});

describe('--help', () => {
  const HELP = { inspect: INSPECT_USAGE, probe: PROBE_USAGE } as const;
  const listed = (help: string, name: OptionName) => {
    const short = (OPTIONS[name] as { short?: string }).short;
    return new RegExp(`^ {2}${short === undefined ? ' {4}' : `-${short}, `}--${name}(?= |$)`, 'm').test(help);
  };

  it.each(['inspect', 'probe'] as const)('%s --help lists every option it takes with its short form, and none it does not', (command) => {
    for (const name of names) {
      const takes = name !== 'version' && (OPTION_COMMAND[name] === undefined || OPTION_COMMAND[name] === command);
      expect(listed(HELP[command], name), `--${name}`).toBe(takes);
    }
  });

  it('the global help lists the commands, --brokers, --topic, --to, --json, --help and --version', () => {
    for (const name of ['brokers', 'topic', 'to', 'json', 'help', 'version'] as const) expect(listed(USAGE, name), `--${name}`).toBe(true);
    expect(USAGE).toContain('tracecarrier inspect -b HOST:PORT -t TOPIC [options]');
    expect(USAGE).toContain('tracecarrier probe -b HOST:PORT --to T1 [options]');
    expect(USAGE).toContain('tracecarrier COMMAND --help');
  });

  it('each command lists its exit codes', () => {
    expect(INSPECT_USAGE).toMatch(/^Exit codes:\n {2}0 {3}the read ended: .*\n.*\n {2}2 {3}a usage or connection error/m);
    expect(PROBE_USAGE).toMatch(/^Exit codes:\n {2}0 {3}the trace continues.*\n {2}1 {3}the trace broke.*\n {2}2 {3}a usage or connection error.*\n {2}130 Ctrl-C.*"tracecarrier: interrupted"\n {2}143 SIGTERM/m);
  });

  it('every help lists each environment variable the command line reads', () => {
    const dir = new URL('.', import.meta.url);
    const read = new Set(readdirSync(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts')).flatMap((file) => [...readFileSync(new URL(file, dir), 'utf8').matchAll(/process\.env\.([A-Z_]+)/g)].map((match) => match[1]!)));
    expect([...read].sort()).toEqual(['NO_COLOR', 'TRACECARRIER_DEBUG']);
    for (const help of [USAGE, INSPECT_USAGE, PROBE_USAGE]) for (const name of read) expect(help).toMatch(new RegExp(`^ {2}${name} `, 'm'));
  });

  it('no line wider than 100 columns', () => {
    for (const help of [USAGE, INSPECT_USAGE, PROBE_USAGE]) for (const line of help.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });
});
