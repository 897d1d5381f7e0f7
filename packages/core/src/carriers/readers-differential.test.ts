import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../limits.js';
import type { CarrierContext, IncomingMessage } from './carrier.js';
import { cloudEventsStructured } from './cloudevents-structured.js';
import { encodeJsonEnvelope, jsonEnvelope } from './json-envelope.js';

/**
 * One differential test for the two value readers: for random and adversarial values, the JSON
 * envelope and structured CloudEvents readers accept exactly the values that `JSON.parse` accepts as
 * such an envelope or event (as the docs' readers in other languages do: parse, then check the
 * schema), and hand over the same data.
 */
const context: CarrierContext = { report: () => undefined, limits: DEFAULT_LIMITS, propagationFields: ['traceparent', 'tracestate', 'baggage'] };
const envelope = jsonEnvelope();
const structured = cloudEventsStructured();

type Outcome = { readonly accepted: false } | { readonly accepted: true; readonly json?: unknown; readonly bytes?: Buffer };

function parse(bytes: Buffer): unknown {
  if (!isUtf8(bytes)) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringRecord = (value: unknown) => isObject(value) && Object.values(value).every((field) => typeof field === 'string');
const strictBase64 = (text: unknown) => typeof text === 'string' && text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);

/** The envelope as a parse-then-check reader sees it (docs/envelope-format.md). */
function referenceEnvelope(bytes: Buffer): Outcome {
  const parsed = parse(bytes);
  if (!isObject(parsed) || parsed.tracecarrier !== 1 || !isStringRecord(parsed.context)) return { accepted: false };
  // A byte length: a safe integer (1e55 is an integer to JSON, never a length; the reader refuses it).
  if (parsed.datalength !== undefined && !(Number.isSafeInteger(parsed.datalength) && (parsed.datalength as number) >= 0)) return { accepted: false };
  const hasData = Object.hasOwn(parsed, 'data');
  if (hasData === (parsed.data_base64 !== undefined)) return { accepted: false };
  if (hasData) return { accepted: true, json: parsed.data };
  return strictBase64(parsed.data_base64) ? { accepted: true, bytes: Buffer.from(parsed.data_base64 as string, 'base64') } : { accepted: false };
}

/** Tracecarrier's own structured event as a parse-then-check reader sees it. */
function referenceEvent(bytes: Buffer): Outcome {
  const parsed = parse(bytes);
  if (!isObject(parsed) || parsed.specversion !== '1.0') return { accepted: false };
  for (const name of ['id', 'source', 'type']) if (typeof parsed[name] !== 'string' || parsed[name] === '') return { accepted: false };
  if (parsed.datacontenttype !== undefined && typeof parsed.datacontenttype !== 'string') return { accepted: false };
  if (parsed.data_base64 !== undefined && !strictBase64(parsed.data_base64)) return { accepted: false };
  // Someone else's event is handed over whole; one tracecarrier created gives back its data.
  if (parsed.tracecarrierwrap !== true && parsed.type !== 'dev.tracecarrier.message') return { accepted: true, bytes };
  if (parsed.data_base64 !== undefined) return { accepted: true, bytes: Buffer.from(parsed.data_base64 as string, 'base64') };
  if (!Object.hasOwn(parsed, 'data')) return { accepted: true, bytes: Buffer.alloc(0) };
  const type = parsed.datacontenttype as string | undefined;
  if (typeof parsed.data === 'string' && type !== undefined && !/[/+]json(;|$)/i.test(type)) return { accepted: true, bytes: Buffer.from(parsed.data) };
  return { accepted: true, json: parsed.data };
}

function message(value: Buffer, headers?: Record<string, string>): IncomingMessage {
  return { topic: 't', key: null, value, headers };
}

function ours(read: { value?: Uint8Array } | undefined, detected: boolean): Outcome {
  if (!detected || read === undefined) return { accepted: false };
  return { accepted: true, bytes: Buffer.from(read.value ?? new Uint8Array()) };
}

function expectSame(got: Outcome, want: Outcome, bytes: Buffer): void {
  expect(got.accepted, bytes.toString('latin1').slice(0, 300)).toBe(want.accepted);
  if (!got.accepted || !want.accepted) return;
  if (want.bytes !== undefined) expect(got.bytes!.equals(want.bytes)).toBe(true);
  else expect(JSON.parse(got.bytes!.toString('utf8'))).toEqual(want.json);
}

// Values around the envelope: canonical ones, foreign layouts (members shuffled and repeated,
// names and base64 written with escapes, whitespace), then mutated byte by byte.
const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const ws = fc.constantFrom('', ' ', '\n  ', '\t');
const escapeName = (name: string, escape: boolean) => (escape ? JSON.stringify(name).replace(/a/g, '\\u0061') : JSON.stringify(name));
const escapeBase64 = (text: string, style: number) => (style === 1 ? text.replace(/\//g, '\\/') : style === 2 ? text.replace(/=/g, '\\u003d') : text);
const member = (name: string, raw: string, escape: boolean, space: string) => `${space}${escapeName(name, escape)}${space}:${space}${raw}`;
const members = fc
  .record({
    version: fc.constantFrom('1', '1.0', '2', '"1"', 'null'),
    context: fc.oneof(fc.constant({ traceparent: TP }), fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxKeys: 3 })),
    data: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
    base64: fc.option(fc.uint8Array({ maxLength: 24 }), { nil: undefined }),
    base64Style: fc.integer({ min: 0, max: 2 }),
    datalength: fc.option(fc.constantFrom(0, 3, -1, 1.5, 7), { nil: undefined }),
    repeatData: fc.boolean(),
    escape: fc.boolean(),
    extra: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
    space: ws,
    order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
  })
  .map((m) => {
    const list: string[] = [member('tracecarrier', m.version, m.escape, m.space), member('context', JSON.stringify(m.context), false, m.space)];
    if (m.datalength !== undefined) list.push(member('datalength', String(m.datalength), false, m.space));
    if (m.extra !== undefined) list.push(member('x', JSON.stringify(m.extra), m.escape, m.space));
    if (m.base64 !== undefined) list.push(member('data_base64', escapeBase64(JSON.stringify(Buffer.from(m.base64).toString('base64')), m.base64Style), false, m.space));
    if (m.data !== undefined) list.push(member('data', JSON.stringify(m.data), m.escape, m.space));
    if (m.repeatData) list.push(member('data', '[1,2]', false, m.space));
    const sorted = list.map((text, i) => ({ text, key: m.order[i] ?? i })).sort((a, b) => a.key - b.key).map((entry) => entry.text);
    return Buffer.from(`{${sorted.join(',')}${m.space}}`);
  });
const canonical = fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.boolean()).map(([data, binary]) => encodeJsonEnvelope(Buffer.from(JSON.stringify(data)), { traceparent: TP }, binary ? 'binary' : 'json'));
const ALPHABET = ['{', '}', '[', ']', '"', '\\', ',', ':', ' ', '1', '2', '-', 'e', 'u', 'a', '/', '=', '\u0000', 'x'].map((c) => c.charCodeAt(0)).concat([0xff, 0xc3]);
const mutate = (base: fc.Arbitrary<Buffer>) =>
  fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...ALPHABET), fc.constantFrom('insert', 'delete', 'replace')), { maxLength: 3 })).map(([bytes, edits]) => {
    const out = [...bytes];
    for (const [at, byte, kind] of edits) {
      const i = at % (out.length + 1);
      if (kind === 'insert') out.splice(i, 0, byte);
      else if (kind === 'delete') out.splice(i, 1);
      else out[i] = byte;
    }
    return Buffer.from(out);
  });
// The shapes crafted to be expensive (bench/hostile-values.ts, part 7), at sizes a property test
// can afford: many members before a late marker, deep nesting, broken JSON at the very end, a
// marker nested in every record.
const size = fc.integer({ min: 1, max: 400 });
const crafted = fc.oneof(
  size.map((n) => Buffer.from(`{${Array.from({ length: n }, (_, i) => `"m${i}":${i}`).join(',')},"tracecarrier":1,"context":{"traceparent":"${TP}"},"data":7}`)),
  size.map((n) => Buffer.from(`{"tracecarrier":1,"context":{"traceparent":"${TP}"},"data":${'['.repeat(n)}${']'.repeat(n)}}`)),
  size.map((n) => Buffer.from(`{"tracecarrier":1,"context":{"traceparent":"${TP}"},"datalength":${2 * n},"data":${'['.repeat(n)}${']'.repeat(n)} x}`)),
  size.map((n) => Buffer.from(`{"rows":[${Array.from({ length: n }, (_, i) => `{"tracecarrier":${i}}`).join(',')}]}`)),
);
const envelopes = fc.oneof(members, canonical, mutate(members), mutate(canonical));
const craftedEnvelopes = fc.oneof(crafted, mutate(crafted));

const eventOf = fc
  .record({
    data: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
    base64: fc.option(fc.uint8Array({ maxLength: 16 }), { nil: undefined }),
    contentType: fc.constantFrom(undefined, 'application/json', 'text/plain', 7),
    id: fc.constantFrom('"1"', '""', '2'),
    repeatData: fc.boolean(),
    dataFirst: fc.boolean(),
    space: ws,
  })
  .map((e) => {
    const list = [`"specversion":"1.0"`, `"id":${e.id}`, `"source":"s"`, `"type":"dev.tracecarrier.message"`, `"traceparent":"${TP}"`, `"tracecarrierwrap":true`];
    if (e.contentType !== undefined) list.push(`"datacontenttype":${JSON.stringify(e.contentType)}`);
    if (e.base64 !== undefined) list.push(`"data_base64":${JSON.stringify(Buffer.from(e.base64).toString('base64'))}`);
    const data = e.data === undefined ? [] : [`"data":${JSON.stringify(e.data)}`];
    if (e.repeatData) data.push('"data":{"again":true}');
    const all = e.dataFirst ? [...data, ...list] : [...list, ...data];
    return Buffer.from(`{${all.join(`,${e.space}`)}}`);
  });
const craftedEvents = fc.oneof(
  size.map((n) => Buffer.from(`{"specversion":"1.0","id":"1","source":"s","type":"dev.tracecarrier.message",${Array.from({ length: n }, (_, i) => `"m${i}":${i}`).join(',')},"traceparent":"${TP}","data":7}`)),
  size.map((n) => Buffer.from(`{"specversion":"1.0","id":"1","source":"s","type":"dev.tracecarrier.message","tracecarrierwrap":true,"traceparent":"${TP}","data":${'['.repeat(n)}${']'.repeat(n)}}`)),
);
const events = fc.oneof(eventOf, mutate(eventOf));
const craftedOrMutated = fc.oneof(craftedEvents, mutate(craftedEvents));

describe('differential: the value readers against JSON.parse', () => {
  it.each([
    ['random and mutated', envelopes, 15_000],
    ['crafted to be expensive', craftedEnvelopes, 1_500],
  ] as const)('the JSON envelope reader accepts exactly the envelopes JSON.parse gives, with the same data (%s values)', (_, values, numRuns) => {
    fc.assert(
      fc.property(values, (bytes) => {
        const received = message(bytes);
        const detected = envelope.detect(received);
        expectSame(ours(detected ? envelope.extract(received, context) : undefined, detected), referenceEnvelope(bytes), bytes);
      }),
      { numRuns },
    );
  });

  it.each([
    ['random and mutated', events, 15_000],
    ['crafted to be expensive', craftedOrMutated, 1_500],
  ] as const)('the structured CloudEvents reader accepts exactly the events JSON.parse gives, with the same data and attributes (%s values)', (_, values, numRuns) => {
    fc.assert(
      fc.property(values, (bytes) => {
        const received = message(bytes, { 'content-type': 'application/cloudevents+json' });
        const read = structured.extract(received, context);
        const outcome: Outcome = read?.fields === undefined ? { accepted: false } : { accepted: true, bytes: read.value === undefined ? bytes : Buffer.from(read.value) };
        expectSame(outcome, referenceEvent(bytes), bytes);
        // The attributes (built when looked at) are the parsed event's, less the data and the marker.
        if (read?.attributes !== undefined) {
          const parsed = parse(bytes) as Record<string, unknown>;
          const primitive = Object.entries(parsed).filter(([name, value]) => !['data', 'data_base64', 'tracecarrierwrap'].includes(name) && ['string', 'number', 'boolean'].includes(typeof value));
          expect({ ...read.attributes }).toEqual(Object.fromEntries(primitive));
        }
      }),
      { numRuns },
    );
  });
});
