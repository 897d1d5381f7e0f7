import { CloudEvent, Kafka as CloudEventsKafka, type Message as CloudEventsMessage } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../limits.js';
import type { CarrierContext } from './carrier.js';
import { cloudEventsBinary } from './cloudevents-binary.js';

const FIELDS = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'k=v' };
const carrier = cloudEventsBinary({ type: 'com.shop.order' });
const context: CarrierContext = { report: () => undefined, limits: DEFAULT_LIMITS, propagationFields: ['traceparent', 'tracestate'] };

describe('cloudEventsBinary', () => {
  it('writes ce_ headers the CloudEvents SDK reads back as the same event, value untouched', () => {
    const payload = Buffer.from('{"orderId":9007199254740993}');
    const write = carrier.inject({ topic: 'orders', key: 'o-1', value: payload, headers: undefined }, FIELDS, context);
    expect(write?.value).toBeUndefined();
    const headers = write!.headers!;
    expect(headers).toMatchObject({ ce_specversion: '1.0', ce_type: 'com.shop.order', ce_source: '/tracecarrier/kafka/orders', ce_traceparent: FIELDS.traceparent, ce_tracestate: 'k=v', 'content-type': 'application/json' });
    const event = CloudEventsKafka.toEvent({ headers, key: 'o-1', value: payload, body: payload } as unknown as CloudEventsMessage) as CloudEvent;
    expect(event.id).toBe(headers.ce_id);
    expect(event.type).toBe('com.shop.order');
    expect(event['traceparent']).toBe(FIELDS.traceparent);
    expect(event['partitionkey']).toBe('o-1');
  });

  it('keeps the application\'s content-type as datacontenttype', () => {
    const write = carrier.inject({ topic: 't', key: null, value: Buffer.from('hi'), headers: { 'content-type': 'text/plain' } }, FIELDS, context);
    expect(write?.headers).not.toHaveProperty('content-type');
  });

  it('reads events the CloudEvents SDK wrote in binary mode: context from ce_traceparent, attributes, value untouched', () => {
    const event = new CloudEvent({ id: 'e-1', source: '/shop', type: 'order.created', datacontenttype: 'application/json', data: { a: 1 }, traceparent: FIELDS.traceparent, partitionkey: 'k-1' });
    const sent = CloudEventsKafka.binary(event);
    const headers = Object.fromEntries(Object.entries(sent.headers).filter(([, value]) => value !== undefined)) as Record<string, string>;
    const incoming = { topic: 't', key: 'k-1', value: Buffer.from(JSON.stringify(sent.value)), headers };
    expect(carrier.detect(incoming)).toBe(true);
    const read = carrier.extract(incoming, context)!;
    expect(read.value).toBeUndefined();
    const fields = read.fields as { get(name: string): string | undefined; keys(): string[] };
    expect(fields.get('traceparent')).toBe(FIELDS.traceparent);
    expect(fields.keys()).toContain('traceparent');
    expect(read.attributes).toMatchObject({ id: 'e-1', source: '/shop', type: 'order.created', datacontenttype: 'application/json', partitionkey: 'k-1' });
  });

  it('never re-stamps a message that already is an event, and leaves tombstones to headers', () => {
    expect(carrier.inject({ topic: 't', key: null, value: Buffer.from('1'), headers: { ce_id: 'x', ce_specversion: '1.0' } }, FIELDS, context)).toBeUndefined();
    expect(carrier.inject({ topic: 't', key: null, value: Buffer.from('{"specversion":"1.0","id":"1","source":"s","type":"t"}'), headers: undefined }, FIELDS, context)).toBeUndefined();
    expect(carrier.inject({ topic: 't', key: null, value: null, headers: undefined }, FIELDS, context)).toBeUndefined();
  });

  it('does not take a structured event for a binary one', () => {
    const headers = { 'content-type': 'application/cloudevents+json', ce_id: 'stray' };
    expect(carrier.detect({ topic: 't', key: null, value: Buffer.from('{}'), headers })).toBe(false);
  });
});
