import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, jsonEnvelope, type CarrierContext } from '@tracecarrier/core';

/**
 * The Python reader in docs/envelope-format.md, run as written against envelopes tracecarrier's
 * writer produced: it must recover the payload's exact bytes (the contract with readers in other
 * languages).
 */
const doc = readFileSync(new URL('../docs/envelope-format.md', import.meta.url), 'utf8');
const reader = [...doc.matchAll(/```python\n([\s\S]*?)```/g)].map((match) => match[1]!).find((code) => code.includes('def read_envelope'));

const DRIVER = `
import sys
for line in sys.stdin:
    result = read_envelope(bytes.fromhex(line.strip()))
    print(json.dumps(None if result is None else {"fields": result[0], "payload": result[1].hex()}))
`;

const FIELDS = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'vendor=x' };
const context: CarrierContext = { report: () => undefined, limits: DEFAULT_LIMITS, propagationFields: ['traceparent', 'tracestate'] };

function wrapped(payload: Buffer): Buffer {
  return jsonEnvelope().inject({ topic: 'orders', key: null, value: payload, headers: undefined }, FIELDS, context)!.value as Buffer;
}

function runPython(values: Buffer[]): Array<{ fields: Record<string, string>; payload: string } | null> {
  const dir = mkdtempSync(join(tmpdir(), 'tc-python-'));
  try {
    const script = join(dir, 'reader.py');
    writeFileSync(script, `${reader}\n${DRIVER}`);
    const out = execFileSync('python3', [script], { input: values.map((value) => value.toString('hex')).join('\n') + '\n', encoding: 'utf8' });
    return out.trim().split('\n').map((line) => JSON.parse(line));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the Python reader of docs/envelope-format.md', () => {
  it('is in the docs', () => {
    expect(reader).toContain('datalength');
  });

  const payloads: Array<[string, Buffer]> = [
    ['a big integer and a trailing zero', Buffer.from('{"orderId":9007199254740993,"price":1.50}')],
    ['spacing, escapes and key order', Buffer.from('{ "b" : [1e3, "\\u00e9", {"a":null}] , "a":1.0}')],
    ['a JSON string', Buffer.from('"hello"')],
    ['bytes that are not JSON', Buffer.from([0, 1, 2, 0xff, 0xfe])],
    ['text with surrounding whitespace', Buffer.from(' {"a":1}\n')],
  ];

  it('recovers the exact payload bytes and the context of every envelope tracecarrier writes', () => {
    const results = runPython(payloads.map(([, payload]) => wrapped(payload)));
    for (const [i, [name, payload]] of payloads.entries()) {
      expect(results[i], name).toEqual({ fields: FIELDS, payload: payload.toString('hex') });
    }
  });

  it('also reads the canonical layout written with spaces, and says no to a value that is not an envelope', () => {
    const payload = '{"orderId":9007199254740993}';
    const spaced = Buffer.from(`{ "tracecarrier" : 1 , "context" : {"traceparent":"${FIELDS.traceparent}"} , "datalength" : ${payload.length} , "data" : ${payload} }\n`);
    const [read, none] = runPython([spaced, Buffer.from('{"orderId":1}')]);
    expect(read).toEqual({ fields: { traceparent: FIELDS.traceparent }, payload: Buffer.from(payload).toString('hex') });
    expect(none).toBeNull();
  });
});
