import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT } from './errors.js';
import { INSPECT_USAGE, PROBE_USAGE, USAGE } from './help.js';
import { main } from './main.js';

/** `main` as the command runs it, for what needs no broker: usage errors and help. */
let stdout: string;
let stderr: string;

beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
});

afterEach(() => vi.restoreAllMocks());

describe('main', () => {
  it.each([
    [['inspect', '--brokers', 'b', '--topic', 't', '--follow', '--timeout', '3'], 'tracecarrier: --timeout is an option of probe, not of inspect (see tracecarrier inspect --help)'],
    [['probe', '--brokers', 'b', '--to', 't', '--limit', '3'], 'tracecarrier: --limit is an option of inspect, not of probe (see tracecarrier probe --help)'],
    [['inspect', '--brokers', 'b', '--topic', 't', '--partition', '-1'], 'tracecarrier: --partition takes a whole number, not "-1"'],
    [['inspect', '--brokers', 'b', '--topic', 't', '--carriers', 'nope'], 'tracecarrier: unknown carrier "nope": auto, headers, json-envelope, cloudevents-structured, cloudevents-binary, or a module path'],
  ])('%j: exit 2, one line on stderr, nothing on stdout', async (argv, line) => {
    expect(await main(argv)).toBe(EXIT.usage);
    expect(stderr).toBe(`${line}\n`);
    expect(stdout).toBe('');
  });

  it('an error quoting what was typed stays one line, its controls escaped', async () => {
    expect(await main(['inspect', '-b', 'b', '-t', 't', '--partition', '\x1b[2J\n2'])).toBe(EXIT.usage);
    expect(stderr).toBe('tracecarrier: --partition takes a whole number, not "\\x1b[2J\\n2"\n');
    stderr = '';
    expect(await main(['inspect', '-b', 'b', '-t', 't', '--carriers', './no\nsuch-module.mjs'])).toBe(EXIT.usage);
    expect(stderr).toMatch(/^tracecarrier: cannot load the carrier module "\.\/no\\nsuch-module\.mjs" \([^\n]*\)\n$/);
  });

  it('a client property librdkafka does not know: exit 2, one line naming it and where it was given', async () => {
    expect(await main(['inspect', '-b', '127.0.0.1:1', '-t', 't', '-X', 'no.such.property=1'])).toBe(EXIT.usage);
    expect(stderr).toBe('tracecarrier: bad client property no.such.property (-X): No such configuration property: "no.such.property"\n');
    stderr = '';
    expect(await main(['probe', '-b', '127.0.0.1:1', '--to', 't', '-X', 'security.protocol=SASL_SSLX'])).toBe(EXIT.usage);
    expect(stderr).toBe('tracecarrier: bad client property security.protocol (-X): Invalid value "SASL_SSLX" for configuration property "security.protocol"\n');
  });

  it('TRACECARRIER_DEBUG tells the client properties in use, secret values [redacted]; an error quoting a secret shows [redacted]', async () => {
    process.env.TRACECARRIER_DEBUG = '1';
    try {
      // The password happens to be the unknown property's name: the error quotes it.
      expect(await main(['inspect', '-b', '127.0.0.1:1', '-t', 't', '-X', 'sasl.username=alice', '-X', 'sasl.password=no.such.thing', '-X', 'no.such.thing=1'])).toBe(EXIT.usage);
    } finally {
      delete process.env.TRACECARRIER_DEBUG;
    }
    expect(stderr).toBe(
      'tracecarrier: client properties for 127.0.0.1:1: sasl.username=alice (-X), sasl.password=[redacted] (-X), [redacted]=1 (-X)\n' +
        'tracecarrier: bad client property [redacted] (-X): No such configuration property: "[redacted]"\n',
    );
  });

  it.each([
    [['--help'], USAGE],
    [['inspect', '--help'], INSPECT_USAGE],
    [['inspect', '-h'], INSPECT_USAGE],
    [['probe', '--help'], PROBE_USAGE],
  ])('%j prints its help, exit 0', async (argv, help) => {
    expect(await main(argv)).toBe(EXIT.ok);
    expect(stdout).toBe(help);
    expect(stderr).toBe('');
  });
});
