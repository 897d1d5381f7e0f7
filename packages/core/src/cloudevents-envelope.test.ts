import { CloudEvent } from 'cloudevents';
import { describe, expect, it, vi } from 'vitest';
import { cloudEventsEnvelope } from './cloudevents-envelope.js';
import { DEFAULT_ENVELOPE_LIMITS } from './envelope.js';

const FIELDS = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'k=v' };
const codec = cloudEventsEnvelope();

describe('cloudEventsEnvelope', () => {
  it('writes a CloudEvents 1.0 structured event that the CloudEvents SDK accepts, with traceparent', () => {
    const wrapped = codec.encode(Buffer.from('{"title":"x"}'), FIELDS, { topic: 'orders' });
    const event = new CloudEvent(JSON.parse(wrapped.toString()));
    expect(event.validate()).toBe(true);
    expect(event.specversion).toBe('1.0');
    expect(event.source).toBe('/tracecarrier/kafka/orders');
    expect(event.type).toBe('dev.tracecarrier.message');
    expect(event.datacontenttype).toBe('application/json');
    expect(event['traceparent']).toBe(FIELDS.traceparent);
    expect(event['tracestate']).toBe('k=v');
    expect(event.data).toEqual({ title: 'x' });
  });

  it('round-trips JSON byte for byte and binary through data_base64', () => {
    for (const payload of [Buffer.from('{ "a" : 1.0 }'), Buffer.from([0, 0xff, 7])]) {
      const wrapped = codec.encode(payload, FIELDS, { topic: 't' });
      expect(codec.detect(wrapped)).toBe(true);
      const read = codec.decode(wrapped, DEFAULT_ENVELOPE_LIMITS);
      expect(read).toMatchObject({ kind: 'envelope', format: 'cloudevents', fields: FIELDS });
      expect(read.kind === 'envelope' && read.payload.equals(payload)).toBe(true);
    }
  });

  it('reads events from other writers: data first, text data, missing data', () => {
    const dataFirst = Buffer.from('{"data":{"a":1},"specversion":"1.0","id":"1","source":"s","type":"t","traceparent":"tp"}');
    const read = codec.decode(dataFirst, DEFAULT_ENVELOPE_LIMITS);
    expect(read.kind === 'envelope' && read.payload.toString()).toBe('{"a":1}');
    expect(read.kind === 'envelope' && read.fields.traceparent).toBe('tp');
    const text = codec.decode(Buffer.from('{"specversion":"1.0","id":"1","source":"s","type":"t","datacontenttype":"text/plain","data":"héllo"}'), DEFAULT_ENVELOPE_LIMITS);
    expect(text.kind === 'envelope' && text.payload.toString()).toBe('héllo');
    const empty = codec.decode(Buffer.from('{"specversion":"1.0","id":"1","source":"s","type":"t"}'), DEFAULT_ENVELOPE_LIMITS);
    expect(empty.kind === 'envelope' && empty.payload.length).toBe(0);
  });

  it('uses the configured source and type', () => {
    const wrapped = cloudEventsEnvelope({ source: 'urn:shop', type: 'order.created' }).encode(Buffer.from('1'), {}, { topic: 't' });
    expect(JSON.parse(wrapped.toString())).toMatchObject({ source: 'urn:shop', type: 'order.created' });
  });

  it('skips and reports propagation fields that are not valid attribute names', () => {
    const sink = vi.fn();
    const wrapped = codec.encode(Buffer.from('1'), { 'uber-trace-id': 'x', traceparent: 'tp' }, { topic: 't' }, sink);
    expect(JSON.parse(wrapped.toString())).not.toHaveProperty('uber-trace-id');
    expect(sink).toHaveBeenCalledWith('field-skipped', expect.any(String), { field: 'uber-trace-id' });
  });

  it.each([
    ['broken JSON', '{"specversion":"1.0",', 'invalid-envelope'],
    ['a missing id', '{"specversion":"1.0","source":"s","type":"t","data":1}', 'invalid-envelope'],
    ['another spec version', '{"specversion":"0.3","id":"1","source":"s","type":"t"}', 'unsupported-envelope-version'],
    ['bad base64', '{"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"%%"}', 'invalid-envelope'],
  ])('reports %s without throwing', (_name, text, code) => {
    expect(codec.decode(Buffer.from(text), DEFAULT_ENVELOPE_LIMITS)).toMatchObject({ kind: 'invalid', code });
  });

  it('does not detect ordinary JSON as an event', () => {
    expect(codec.detect(Buffer.from('{"id":"1","source":"s"}'))).toBe(false);
    expect(codec.detect(Buffer.from('not json'))).toBe(false);
  });
});
