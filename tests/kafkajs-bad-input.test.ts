import type { IHeaders } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, DiagnosticCode } from '@tracecarrier/kafkajs';
import { useKafkajsSuite } from './helpers/kafkajs-suite.js';
import { createTopics, randomTopic, waitFor } from './helpers/kafka.js';
import { parentSpanId } from './helpers/otel.js';

const { tracing, tracedProducer, plainProducer, consume, admin } = useKafkajsSuite();

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_A = '00f067aa0ba902b7';
const SPAN_B = '1111111111111111';
const valid = (span: string) => `00-${TRACE_ID}-${span}-01`;

interface BadCase {
  readonly name: string;
  readonly value: Buffer | string | null;
  readonly headers?: IHeaders;
  readonly diagnostic: DiagnosticCode;
  /** The parent the process span must get: none (fresh trace) or the valid part of the context. */
  readonly parent?: string;
}

const cases: BadCase[] = [
  { name: 'a malformed traceparent', value: 'v', headers: { traceparent: '00-not-a-trace-01' }, diagnostic: 'invalid-context' },
  { name: 'an all-zero trace id', value: 'v', headers: { traceparent: `00-${'0'.repeat(32)}-${SPAN_A}-01` }, diagnostic: 'invalid-context' },
  { name: 'non-UTF-8 header bytes', value: 'v', headers: { traceparent: Buffer.from([0xff, 0xfe, 0xfd]) }, diagnostic: 'non-utf8-header' },
  {
    name: 'a repeated header whose values disagree (the last one wins)',
    value: 'v',
    headers: { traceparent: [valid(SPAN_A), valid(SPAN_B)] },
    diagnostic: 'conflicting-header-values',
    parent: SPAN_B,
  },
  // kafkajs cannot produce a null header value; null values are covered by the unit tests and by node-rdkafka.
  { name: 'an empty traceparent', value: 'v', headers: { traceparent: '' }, diagnostic: 'invalid-context' },
  { name: 'broken envelope JSON', value: '{"tracecarrier":1,"context":{"traceparent":"x"},"data":{', diagnostic: 'invalid-envelope' },
  { name: 'an envelope of an unknown version', value: '{"tracecarrier":99,"context":{},"data":1}', diagnostic: 'unsupported-envelope-version' },
  { name: 'a broken CloudEvent', value: '{"specversion":"1.0","id":"1","data":[1,2', diagnostic: 'invalid-envelope' },
  { name: 'a tombstone with a malformed traceparent', value: null, headers: { traceparent: 'garbage' }, diagnostic: 'invalid-context' },
];

describe('bad input through kafkajs: delivered, nothing thrown, reported once', () => {
  it.each(cases)('$name', async (bad) => {
    const topic = randomTopic('bad');
    await createTopics(admin(), [topic]);
    const diagnostics: Diagnostic[] = [];
    const { received } = await consume(topic, { options: { onDiagnostic: (diagnostic) => diagnostics.push(diagnostic) } });
    const producer = await plainProducer();
    await producer.send({ topic, messages: [{ key: 'k', value: bad.value, ...(bad.headers === undefined ? {} : { headers: bad.headers }) }] });
    await waitFor(() => received.length === 1 && tracing.named(`process ${topic}`).length === 1, 'the message');
    const got = received[0]!.message;
    // The handler gets the message untouched.
    if (bad.value === null) expect(got.value).toBeNull();
    else expect(got.value!.toString()).toBe(bad.value.toString());
    const process = tracing.named(`process ${topic}`)[0]!;
    expect(parentSpanId(process)).toBe(bad.parent);
    if (bad.parent === undefined) expect(process.links).toEqual([]);
    else expect(process.spanContext().traceId).toBe(TRACE_ID);
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual([bad.diagnostic]);
    expect(diagnostics[0]).toMatchObject({ topic, partition: 0, offset: got.offset });
    if (bad.value === null) expect(process.attributes['messaging.kafka.message.tombstone']).toBe(true);
  });

  it('a tombstone from an envelope-mode producer stays a tombstone and still carries its context', async () => {
    const topic = randomTopic('tomb');
    await createTopics(admin(), [topic]);
    const diagnostics: Diagnostic[] = [];
    const { received } = await consume(topic, { options: { onDiagnostic: (diagnostic) => diagnostics.push(diagnostic) } });
    const producer = await tracedProducer({ mode: 'envelope' });
    await producer.send({ topic, messages: [{ key: 'k', value: null }] });
    await waitFor(() => received.length === 1 && tracing.named(`process ${topic}`).length === 1, 'the tombstone');
    expect(received[0]!.message.value).toBeNull();
    const send = tracing.named(`send ${topic}`)[0]!;
    const process = tracing.named(`process ${topic}`)[0]!;
    expect(send.attributes['messaging.kafka.message.tombstone']).toBe(true);
    expect(parentSpanId(process)).toBe(send.spanContext().spanId);
    expect(diagnostics).toEqual([]);
  });
});
