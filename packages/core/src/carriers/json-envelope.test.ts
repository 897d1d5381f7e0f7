import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS as DEFAULT_ENVELOPE_LIMITS } from '../limits.js';
import type { CarrierContext } from './carrier.js';
import { encodeJsonEnvelope, isJsonEnvelope, jsonEnvelope, readJsonEnvelope } from './json-envelope.js';
import type { PayloadEncoding } from './payload.js';

const FIELDS = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'k=v' };
const info = { topic: 't' };

/** The envelope's writer, detector and reader as one record, for the format tests below. */
function codecOf(encoding: PayloadEncoding = 'auto') {
  return {
    encode: (payload: Uint8Array, fields: Record<string, string>, _info?: unknown) => encodeJsonEnvelope(payload, fields, encoding),
    detect: (value: Uint8Array) => isJsonEnvelope(value),
    decode: readJsonEnvelope,
  };
}
const codec = codecOf();

function roundTrip(payload: Buffer) {
  const wrapped = codec.encode(payload, FIELDS, info);
  expect(codec.detect(wrapped)).toBe(true);
  return { wrapped, read: codec.decode(wrapped, DEFAULT_ENVELOPE_LIMITS) };
}

describe('jsonEnvelope', () => {
  it('embeds a JSON payload as JSON, readable by any JSON parser', () => {
    const payload = Buffer.from('{"title":"Show HN","points":42}');
    const { wrapped, read } = roundTrip(payload);
    const parsed = JSON.parse(wrapped.toString());
    expect(parsed).toEqual({ tracecarrier: 1, context: FIELDS, datalength: payload.length, data: { title: 'Show HN', points: 42 } });
    expect(Object.keys(parsed).at(0)).toBe('tracecarrier');
    expect(Object.keys(parsed).at(-1)).toBe('data');
    expect(read).toMatchObject({ kind: 'envelope', fields: FIELDS });
    expect(read.kind === 'envelope' && read.payload.equals(payload)).toBe(true);
  });

  it('gives back JSON payloads byte for byte, spacing and number formatting included', () => {
    const payload = Buffer.from('{ "a" : 1.50 ,\n "b": [1e3, "\\u00e9"] }');
    const { read } = roundTrip(payload);
    expect(read.kind === 'envelope' && read.payload.toString()).toBe(payload.toString());
  });

  it('carries non-JSON bytes as base64', () => {
    const payload = Buffer.from([0, 1, 2, 0xff, 0xfe]);
    const { wrapped, read } = roundTrip(payload);
    expect(JSON.parse(wrapped.toString()).data_base64).toBe(payload.toString('base64'));
    expect(read.kind === 'envelope' && read.payload.equals(payload)).toBe(true);
  });

  it('carries text that is not JSON, and JSON with surrounding whitespace, as base64', () => {
    for (const text of ['hello world', ' {"a":1}', '{"a":1}\n', '']) {
      const { wrapped, read } = roundTrip(Buffer.from(text));
      expect(JSON.parse(wrapped.toString())).toHaveProperty('data_base64');
      expect(read.kind === 'envelope' && read.payload.toString()).toBe(text);
    }
  });

  it('always uses base64 with payloadEncoding binary', () => {
    const wrapped = codecOf('binary').encode(Buffer.from('{"a":1}'), {}, info);
    expect(JSON.parse(wrapped.toString())).toHaveProperty('data_base64');
  });

  it('reads envelopes from other writers: any member order, whitespace, no datalength', () => {
    const foreign = Buffer.from(' {\n  "data": {"x": [1, 2]},\n  "context": {"traceparent": "tp"},\n  "tracecarrier": 1\n}\n');
    expect(codec.detect(foreign)).toBe(true);
    const read = codec.decode(foreign, DEFAULT_ENVELOPE_LIMITS);
    expect(read).toMatchObject({ kind: 'envelope', fields: { traceparent: 'tp' } });
    expect(read.kind === 'envelope' && JSON.parse(read.payload.toString())).toEqual({ x: [1, 2] });
  });

  it('reads a canonical envelope written with whitespace between members', () => {
    const spaced = Buffer.from('{ "tracecarrier" : 1 , "context" : { "traceparent" : "tp" } , "datalength" : 7 , "data" : {"a":1} }');
    const read = codec.decode(spaced, DEFAULT_ENVELOPE_LIMITS);
    expect(read.kind === 'envelope' && read.payload.toString()).toBe('{"a":1}');
  });

  it('takes the payload where data lies, whatever datalength says; a value cut short is refused', () => {
    const lying = Buffer.from('{"tracecarrier":1,"context":{},"datalength":3,"data":{"a":1}}');
    const read = codec.decode(lying, DEFAULT_ENVELOPE_LIMITS);
    // As docs/envelope-format.md says: the walk finds data's bytes itself; datalength is for slicing readers.
    expect(read.kind === 'envelope' && read.payload.toString()).toBe('{"a":1}');
    const truncated = Buffer.from('{"tracecarrier":1,"context":{},"datalength":13,"data":{"a":{"b":1}}');
    expect(codec.decode(truncated, DEFAULT_ENVELOPE_LIMITS).kind).toBe('invalid');
  });

  it.each([
    ['broken JSON', '{"tracecarrier":1,"context":{', 'invalid-envelope'],
    ['a context with a non-string value', '{"tracecarrier":1,"context":{"traceparent":5},"data":1}', 'invalid-envelope'],
    ['both data and data_base64', '{"tracecarrier":1,"context":{},"data":1,"data_base64":"AA=="}', 'invalid-envelope'],
    ['no payload member', '{"tracecarrier":1,"context":{}}', 'invalid-envelope'],
    ['invalid base64', '{"tracecarrier":1,"context":{},"data_base64":"!!!"}', 'invalid-envelope'],
    ['an unknown version', '{"tracecarrier":2,"context":{},"data":1}', 'unsupported-envelope-version'],
    ['a version of the wrong type', '{"tracecarrier":"1","context":{},"data":1}', 'invalid-envelope'],
  ])('reports %s without throwing', (_name, text, code) => {
    const read = codec.decode(Buffer.from(text), DEFAULT_ENVELOPE_LIMITS);
    expect(read).toMatchObject({ kind: 'invalid', code });
  });

  it('does not let __proto__ keys in the context pollute prototypes', () => {
    const read = codec.decode(Buffer.from('{"tracecarrier":1,"context":{"__proto__":{"polluted":"yes"}},"data":1}'), DEFAULT_ENVELOPE_LIMITS);
    expect(read.kind).toBe('invalid');
    const ok = codec.decode(Buffer.from('{"tracecarrier":1,"context":{"__proto__":"x","traceparent":"tp"},"datalength":1,"data":1}'), DEFAULT_ENVELOPE_LIMITS);
    expect(ok.kind === 'envelope' && ok.fields.traceparent).toBe('tp');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses envelopes above maxEnvelopeBytes before parsing them', () => {
    const wrapped = codec.encode(Buffer.from('{"a":1}'), FIELDS, info);
    expect(codec.decode(wrapped, { ...DEFAULT_ENVELOPE_LIMITS, maxEnvelopeBytes: 10 })).toMatchObject({ kind: 'invalid' });
  });

  it('does not take ordinary JSON or bytes for an envelope', () => {
    for (const text of ['{"title":"x"}', '[1,2]', 'tracecarrier', '']) expect(codec.detect(Buffer.from(text))).toBe(false);
    // A marker that is only data is a claim the reader settles: not an envelope, nothing reported.
    for (const text of ['{"log":"tracecarrier was here"}', '{"nested":{"tracecarrier":1}}', '{"nested":{"tracecarrier":1},"broken":}']) {
      expect(codec.decode(Buffer.from(text), DEFAULT_ENVELOPE_LIMITS)).toEqual({ kind: 'not-envelope' });
    }
    expect(codec.detect(Buffer.from('{"data":1,"tracecarrier":1}'))).toBe(true);
    expect(codec.decode(Buffer.from('{"data":1,"tracecarrier":1,"context":{}}'), DEFAULT_ENVELOPE_LIMITS).kind).toBe('envelope');
  });

  it('survives deeply nested data', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const text = `{"tracecarrier":1,"context":{},"data":${deep}}`;
    const read = codec.decode(Buffer.from(text), DEFAULT_ENVELOPE_LIMITS);
    expect(['envelope', 'invalid']).toContain(read.kind);
    const { read: roundTripped } = roundTrip(Buffer.from(deep));
    expect(roundTripped.kind === 'envelope' && roundTripped.payload.length).toBe(deep.length);
  });
});

describe('the JSON Schema of the envelope', async () => {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const { readFileSync } = await import('node:fs');
  const schema = JSON.parse(readFileSync(new URL('../../envelope.schema.json', import.meta.url), 'utf8'));
  const validate = new Ajv2020({ strict: true, strictRequired: false }).compile(schema);

  it.each([
    ['JSON', Buffer.from('{"a":[1,2,{"b":null}]}')],
    ['a JSON string', Buffer.from('"text"')],
    ['bytes', Buffer.from([0, 1, 0xff])],
    ['text', Buffer.from('plain text')],
  ])('accepts what the writer produces for %s', (_name, payload) => {
    const envelope = JSON.parse(codec.encode(payload, FIELDS, info).toString());
    expect(validate(envelope), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects envelopes the reader rejects', () => {
    for (const text of ['{"tracecarrier":2,"context":{},"data":1}', '{"tracecarrier":1,"context":{"a":1},"data":1}', '{"tracecarrier":1,"context":{}}']) {
      expect(validate(JSON.parse(text))).toBe(false);
      expect(codec.decode(Buffer.from(text), DEFAULT_ENVELOPE_LIMITS).kind).toBe('invalid');
    }
  });
});

describe('byte-order marks', () => {
  it('recognises an envelope behind a BOM and refuses it with a reason', () => {
    const wrapped = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), codec.encode(Buffer.from('{"a":1}'), FIELDS, info)]);
    expect(codec.detect(wrapped)).toBe(true);
    expect(codec.decode(wrapped, DEFAULT_ENVELOPE_LIMITS)).toMatchObject({ kind: 'invalid', code: 'invalid-envelope', reason: expect.stringContaining('byte-order mark') });
  });
});

describe('byte fidelity', () => {
  const payload = Buffer.from('{"orderId":9007199254740993,"price":1.50}');

  it('gives back big integers and number formats exactly through wrap and unwrap', () => {
    const read = codec.decode(codec.encode(payload, FIELDS), DEFAULT_ENVELOPE_LIMITS);
    expect(read.kind === 'envelope' && read.payload.toString()).toBe(payload.toString());
  });

  it.each([
    ['data first', `{"data":${payload},"context":{"traceparent":"tp"},"tracecarrier":1}`],
    ['data in the middle, spaced', `{ "tracecarrier": 1,\n  "data" :  ${payload} ,\n  "context": {"traceparent": "tp"} }`],
    ['data last without datalength', `{"context":{"traceparent":"tp"},"tracecarrier":1,"data":${payload}}`],
  ])('gives back the exact bytes of a third-party envelope with %s', (_name, text) => {
    const read = codec.decode(Buffer.from(text), DEFAULT_ENVELOPE_LIMITS);
    expect(read.kind === 'envelope' && read.payload.toString()).toBe(payload.toString());
    expect(read.kind === 'envelope' && read.fields).toEqual({ traceparent: 'tp' });
  });
});

describe('the json-envelope carrier', () => {
  const carrier = jsonEnvelope();
  const reports: string[] = [];
  const context: CarrierContext = { report: (code) => void reports.push(code), limits: DEFAULT_ENVELOPE_LIMITS, propagationFields: ['traceparent'] };
  const message = (value: Buffer | null, headers?: Record<string, string>) => ({ topic: 't', key: null, value, headers });

  it('wraps the value, and reads back the fields and the exact payload', () => {
    const payload = Buffer.from('{"a":1}');
    const write = carrier.inject(message(payload), FIELDS, context);
    expect(write?.headers).toBeUndefined();
    const wrapped = Buffer.from(write!.value!);
    expect(carrier.detect(message(wrapped))).toBe(true);
    const read = carrier.extract(message(wrapped), context);
    expect(read?.fields).toEqual(FIELDS);
    expect(Buffer.from(read!.value!).equals(payload)).toBe(true);
  });

  it('declines tombstones and values that already are CloudEvents (structured or binary), so they are never modified', () => {
    expect(carrier.inject(message(null), FIELDS, context)).toBeUndefined();
    const event = Buffer.from('{"specversion":"1.0","id":"1","source":"/s","type":"t","data":{"a":1}}');
    expect(carrier.inject(message(event), FIELDS, context)).toBeUndefined();
    expect(carrier.inject(message(Buffer.from('{"a":1}'), { ce_specversion: '1.0', ce_id: '1' }), FIELDS, context)).toBeUndefined();
  });

  it('re-wraps a forwarded envelope around its original payload instead of nesting it', () => {
    const payload = Buffer.from('{"a":1}');
    const once = Buffer.from(carrier.inject(message(payload), { traceparent: 'old' }, context)!.value!);
    const twice = Buffer.from(carrier.inject(message(once), FIELDS, context)!.value!);
    const read = carrier.extract(message(twice), context);
    expect(read?.fields).toEqual(FIELDS);
    expect(Buffer.from(read!.value!).equals(payload)).toBe(true);
  });

  it('reports an envelope it cannot read and leaves the value alone', () => {
    reports.length = 0;
    expect(carrier.extract(message(Buffer.from('{"tracecarrier":1,"context":{')), context)).toBeUndefined();
    expect(reports).toEqual(['invalid-envelope']);
  });
});
