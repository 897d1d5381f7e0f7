import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { parseProperties, parsePropertyArgument } from './properties.js';

/** The message of the UsageError `run` throws. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('accepted');
}

const pairs = (text: string) => parseProperties(text, 'client.properties').map(({ name, value }) => [name, value]);

describe('parseProperties reads a properties file as Kafka\'s tools do', () => {
  it('key=value and key: value lines, # and ! comments, blank lines; values trimmed; the origin is the file and line', () => {
    const text = '# security\n\nsecurity.protocol=SASL_SSL\n  ! another comment\nsasl.mechanism : SCRAM-SHA-512  \n\tclient.id=a=b\n';
    expect(parseProperties(text, 'client.properties')).toEqual([
      { name: 'security.protocol', value: 'SASL_SSL', origin: 'client.properties:3' },
      { name: 'sasl.mechanism', value: 'SCRAM-SHA-512', origin: 'client.properties:5' },
      { name: 'client.id', value: 'a=b', origin: 'client.properties:6' },
    ]);
  });

  it('a line ending in a backslash continues on the next, its leading blanks dropped; the origin is the first line', () => {
    const text = 'a=1\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\\n    username="alice" \\\n    password="s3cret";\nb=2';
    expect(parseProperties(text, 'f')).toEqual([
      { name: 'a', value: '1', origin: 'f:1' },
      { name: 'sasl.jaas.config', value: 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3cret";', origin: 'f:2' },
      { name: 'b', value: '2', origin: 'f:5' },
    ]);
  });

  it('Java\'s escapes: \\t \\n \\uXXXX, an escaped separator in a key, an escaped backslash (Windows paths), CRLF files', () => {
    expect(pairs('a\\=b=c\r\npath=C:\\\\certs\\\\ca.pem\r\nx=\\u0041\\tB\\q\r\n')).toEqual([
      ['a=b', 'c'],
      ['path', 'C:\\certs\\ca.pem'],
      ['x', 'A\tBq'],
    ]);
    // An even number of backslashes at the end does not continue the line.
    expect(pairs('a=x\\\\\nb=y')).toEqual([['a', 'x\\'], ['b', 'y']]);
  });

  it('a name given twice is kept twice, in order (the later one wins where they are applied)', () => {
    expect(pairs('a=1\na=2')).toEqual([['a', '1'], ['a', '2']]);
  });

  it.each([
    ['security.protocol SASL_SSL', 'client.properties:2: not a key=value line'],
    ['=SASL_SSL', 'client.properties:2: no property name before "="'],
    ['x=\\u12', 'client.properties:2: a \\u escape needs four hex digits'],
  ])('%j is refused in one line naming the file and line', (line, message) => {
    expect(refusal(() => parseProperties(`# first\n${line}\n`, 'client.properties'))).toBe(message);
  });

  it('no error quotes a value', () => {
    const secret = 'hunter2-s3cret';
    for (const text of [`sasl.password ${secret}`, `sasl.password=${secret}\\u12`]) expect(refusal(() => parseProperties(text, 'f'))).not.toContain(secret);
  });

  it('what it reads, written back as key=value lines with Java\'s escapes, reads the same (property test)', () => {
    const key = fc.string({ minLength: 1 }).filter((text) => text.trim() === text && !/^[#!]/.test(text));
    const value = fc.string().filter((text) => text.trim() === text);
    const escape = (text: string) => text.replace(/[\\=:\n\r\t\f]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f' })[c] ?? `\\${c}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 8 }), (entries) => {
        const text = entries.map(([name, text]) => `${escape(name)}=${escape(text)}`).join('\n');
        expect(pairs(text)).toEqual(entries);
      }),
    );
  });
});

describe('parsePropertyArgument reads one -X name=value', () => {
  it('the value is everything after the first =', () => {
    expect(parsePropertyArgument('sasl.password=a=b', '-X')).toEqual({ name: 'sasl.password', value: 'a=b', origin: '-X' });
    expect(parsePropertyArgument('client.id=', '-X')).toEqual({ name: 'client.id', value: '', origin: '-X' });
  });

  it('without =: one line naming the flag, and the argument only when it looks like a property name', () => {
    expect(refusal(() => parsePropertyArgument('security.protocol', '-X'))).toBe('-X takes name=value, not "security.protocol"');
    expect(refusal(() => parsePropertyArgument('sasl.password:hunter2', '-X'))).toBe('-X takes name=value (the value given has no "=")');
    expect(refusal(() => parsePropertyArgument('=x', '--from-client-property'))).toBe('--from-client-property takes name=value: no name before the "="');
  });
});
