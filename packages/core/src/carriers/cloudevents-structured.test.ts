import { CloudEvent } from 'cloudevents';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_LIMITS } from '../limits.js';
import type { CarrierContext, CarrierRead } from './carrier.js';
import { cloudEventsStructured } from './cloudevents-structured.js';

const FIELDS = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'k=v' };
const carrier = cloudEventsStructured();

function contextWith(report: CarrierContext['report'] = () => undefined): CarrierContext {
  return { report, limits: DEFAULT_LIMITS, propagationFields: ['traceparent', 'tracestate'] };
}
const message = (value: Buffer | null, headers?: Record<string, string>, key: string | null = null) => ({ topic: 'orders', key, value, headers });

function wrap(payload: Buffer, fields: Record<string, string> = FIELDS, key: string | null = null): { value: Buffer; headers: Record<string, string> } {
  const write = carrier.inject(message(payload, undefined, key), fields, contextWith());
  return { value: Buffer.from(write!.value!), headers: { ...write!.headers } };
}

function read(value: Buffer, headers?: Record<string, string>, report?: CarrierContext['report']): CarrierRead | undefined {
  const incoming = message(value, headers);
  expect(carrier.detect(incoming)).toBe(true);
  return carrier.extract(incoming, contextWith(report));
}

describe('cloudEventsStructured', () => {
  it('writes a CloudEvents 1.0 structured event that the CloudEvents SDK accepts, with traceparent and the content-type header', () => {
    const { value, headers } = wrap(Buffer.from('{"title":"x"}'), FIELDS, 'o-1');
    expect(headers).toEqual({ 'content-type': 'application/cloudevents+json' });
    const event = new CloudEvent(JSON.parse(value.toString()));
    expect(event.validate()).toBe(true);
    expect(event.specversion).toBe('1.0');
    expect(event.source).toBe('/tracecarrier/kafka/orders');
    expect(event.type).toBe('dev.tracecarrier.message');
    expect(event.datacontenttype).toBe('application/json');
    expect(event['traceparent']).toBe(FIELDS.traceparent);
    expect(event['tracestate']).toBe('k=v');
    expect(event['partitionkey']).toBe('o-1');
    expect(event.data).toEqual({ title: 'x' });
  });

  it('round-trips its own events byte for byte (JSON, big integers) and binary through data_base64', () => {
    for (const payload of [Buffer.from('{ "a" : 1.0 }'), Buffer.from('{"orderId":9007199254740993,"price":1.50}'), Buffer.from([0, 0xff, 7])]) {
      const { value, headers } = wrap(payload);
      const got = read(value, headers);
      expect(got?.fields).toMatchObject(FIELDS);
      expect(Buffer.from(got!.value!).equals(payload)).toBe(true);
      expect(got?.attributes).toMatchObject({ specversion: '1.0', type: 'dev.tracecarrier.message', traceparent: FIELDS.traceparent });
    }
  });

  it('hands over anyone else\'s event whole, with its attributes for cloudEventOf', () => {
    const foreign = Buffer.from('{"data":{"orderId":9007199254740993},"specversion":"1.0","id":"e-1","source":"/shop","type":"order.created","subject":"o-9","traceparent":"tp","partitionkey":"k"}');
    const got = read(foreign, { 'content-type': 'application/cloudevents+json' });
    expect(got?.value).toBeUndefined();
    // Fields are the propagator's (the other attributes are no propagation fields).
    expect(got?.fields).toEqual({ traceparent: 'tp' });
    expect(got?.attributes).toEqual({ specversion: '1.0', id: 'e-1', source: '/shop', type: 'order.created', subject: 'o-9', traceparent: 'tp', partitionkey: 'k' });
  });

  it('unwraps events of its own type written before the tracecarrierwrap marker: data first, text data, missing data', () => {
    const dataFirst = Buffer.from('{"data":{"a":1.50},"specversion":"1.0","id":"1","source":"s","type":"dev.tracecarrier.message","traceparent":"tp"}');
    expect(Buffer.from(read(dataFirst)!.value!).toString()).toBe('{"a":1.50}');
    const text = read(Buffer.from('{"specversion":"1.0","id":"1","source":"s","type":"dev.tracecarrier.message","datacontenttype":"text/plain","data":"héllo"}'));
    expect(Buffer.from(text!.value!).toString()).toBe('héllo');
    const empty = read(Buffer.from('{"specversion":"1.0","id":"1","source":"s","type":"dev.tracecarrier.message"}'));
    expect(empty!.value!.length).toBe(0);
  });

  it('never touches a value that already is an event, in either content mode', () => {
    const event = Buffer.from('{"specversion":"1.0","id":"1","source":"s","type":"t","data":1}');
    expect(carrier.inject(message(event, { 'content-type': 'application/cloudevents+json' }), FIELDS, contextWith())).toBeUndefined();
    // The application's own content-type stays, whatever it says (the Python SDK writes the data's type there).
    expect(carrier.inject(message(event, { 'content-type': 'application/json' }), FIELDS, contextWith())).toBeUndefined();
    expect(carrier.inject(message(Buffer.from('1'), { ce_specversion: '1.0', ce_id: 'x' }), FIELDS, contextWith())).toBeUndefined();
    expect(carrier.inject(message(null), FIELDS, contextWith())).toBeUndefined();
  });

  it('forwards someone else\'s structured event without a content-type with application/cloudevents+json added, the event untouched', () => {
    const event = Buffer.from('{"specversion":"1.0","id":"1","source":"s","type":"t","data":1}');
    const write = carrier.inject(message(event), FIELDS, contextWith());
    expect(write).toEqual({ headers: { ...FIELDS, 'content-type': 'application/cloudevents+json' } });
  });

  it('takes a value with every required attribute for a structured event under a content-type that names no event format (the Python SDK\'s)', () => {
    const event = Buffer.from('{"specversion": "1.0", "id": "1", "source": "s", "type": "t", "data": 1}');
    for (const contentType of ['application/json', 'text/plain', 'application/octet-stream']) {
      expect(carrier.detect(message(event, { 'content-type': contentType }))).toBe(true);
    }
    expect(carrier.detect(message(event, { 'content-type': 'application/cloudevents+json; charset=utf-8' }))).toBe(true);
    // Announced as something else, an object merely opening with specversion is a payload, not an event.
    expect(carrier.detect(message(Buffer.from('{"specversion":"1.0","id":"1"}'), { 'content-type': 'application/json' }))).toBe(false);
    expect(carrier.detect(message(Buffer.from('{"specversion":"1.0","id":"1"}')))).toBe(true);
    expect(carrier.detect(message(event))).toBe(true);
    expect(carrier.detect(message(Buffer.from('{"id":"1"}'), { 'content-type': 'application/cloudevents+json' }))).toBe(true);
  });

  it('uses the configured source and type', () => {
    const write = cloudEventsStructured({ source: 'urn:shop', type: 'order.created' }).inject(message(Buffer.from('1')), {}, contextWith());
    expect(JSON.parse(Buffer.from(write!.value!).toString())).toMatchObject({ source: 'urn:shop', type: 'order.created', tracecarrierwrap: true });
  });

  it('skips and reports propagation fields that are not valid attribute names', () => {
    const report = vi.fn();
    const write = carrier.inject(message(Buffer.from('1')), { 'uber-trace-id': 'x', traceparent: 'tp' }, contextWith(report));
    expect(JSON.parse(Buffer.from(write!.value!).toString())).not.toHaveProperty('uber-trace-id');
    expect(report).toHaveBeenCalledWith('field-skipped', expect.any(String), { field: 'uber-trace-id' });
  });

  it.each([
    ['broken JSON', '{"specversion":"1.0",', 'invalid-envelope'],
    ['a missing id', '{"specversion":"1.0","source":"s","type":"t","data":1}', 'invalid-envelope'],
    ['another spec version', '{"specversion":"0.3","id":"1","source":"s","type":"t"}', 'unsupported-envelope-version'],
    ['bad base64', '{"specversion":"1.0","id":"1","source":"s","type":"dev.tracecarrier.message","data_base64":"%%"}', 'invalid-envelope'],
  ])('reports %s without throwing', (_name, text, code) => {
    const report = vi.fn();
    expect(read(Buffer.from(text), { 'content-type': 'application/cloudevents+json' }, report)).toBeUndefined();
    expect(report).toHaveBeenCalledWith(code, expect.any(String));
  });

  it('does not detect ordinary JSON as an event, not even with a specversion field of its own', () => {
    expect(carrier.detect(message(Buffer.from('{"id":"1","source":"s"}')))).toBe(false);
    const payload = Buffer.from('{"name":"my-api","specversion":"2.3","data":{"a":1}}');
    expect(carrier.detect(message(payload))).toBe(false);
    // Such a payload is wrapped like any other (it is not someone else's event).
    expect(carrier.inject(message(payload), FIELDS, contextWith())?.value).toBeDefined();
    expect(carrier.detect(message(Buffer.from('not json')))).toBe(false);
    expect(carrier.detect(message(null))).toBe(false);
  });
});
