import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTION_COMMAND, OPTIONS, parseCommandLine, type OptionName } from './args.js';
import { UsageError } from './errors.js';
import { INSPECT_USAGE, PROBE_USAGE, USAGE } from './help.js';

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
    expect(cases.filter((entry) => entry.command === 'probe').map((entry) => entry.given)).toEqual(['--topic', '-t', '--partition', '-p', '--from-beginning', '--offset', '-o', '--last', '--limit', '-n', '--follow', '-f', '--carriers', '--show-baggage', '--trace-id', '--key', '--idle']);
    expect(cases.filter((entry) => entry.command === 'inspect').map((entry) => entry.given)).toEqual(['--to', '--from', '--from-brokers', '--mode', '--timeout']);
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
    });
    expect(parseCommandLine(['inspect', '--brokers=h:1', '--topic=t', '--last', '3'])).toMatchObject({ start: { kind: 'last', count: 3 }, partition: undefined, limit: undefined, follow: false, json: false, carriers: ['auto'], propagator: 'w3c' });
  });

  it('inspect filters and the idle bound', () => {
    expect(parseCommandLine(['inspect', '-b', 'h:1', '-t', 'orders', '-f', '--trace-id', 'AB'.repeat(16), '--key', 'o-1', '--idle', '5'])).toMatchObject({ follow: true, traceId: 'ab'.repeat(16), key: 'o-1', idleSeconds: 5 });
    expect(parseCommandLine(['inspect', '-b', 'h:1', '-t', 'orders'])).toMatchObject({ traceId: undefined, key: undefined, idleSeconds: undefined });
    expect(() => parseCommandLine(['inspect', '-b', 'h:1', '-t', 'orders', '--trace-id', 'xyz'])).toThrow('--trace-id takes 32 hexadecimal digits, not "xyz"');
    expect(() => parseCommandLine(['inspect', '-b', 'h:1', '-t', 'orders', '--idle', '0'])).toThrow('--idle takes a whole number of at least 1, not "0"');
  });

  it('probe', () => {
    expect(parseCommandLine(['probe', '-b', 'a:1', '--to', 'orders', '--from', 'source.orders', '--from-brokers', 'b:1', '--mode', 'both', '--timeout', '5', '--json', '--propagator', 'jaeger'])).toEqual({ command: 'probe', brokers: 'a:1', to: 'orders', from: 'source.orders', fromBrokers: 'b:1', mode: 'both', timeoutSeconds: 5, json: true, propagator: 'jaeger' });
    expect(parseCommandLine(['probe', '-b', 'a:1', '--to', 'orders'])).toEqual({ command: 'probe', brokers: 'a:1', to: 'orders', from: 'orders', fromBrokers: 'a:1', mode: 'headers', timeoutSeconds: 30, json: false, propagator: 'w3c' });
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
