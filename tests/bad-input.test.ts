import type { IHeaders } from 'kafkajs';
import type { Message } from 'node-rdkafka';
import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnostic, DiagnosticCode } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer } from '@tracecarrier/node-rdkafka';
import { useKafkajsSuite } from './helpers/kafkajs-suite.js';
import { createTopics, randomTopic, waitFor } from './helpers/kafka.js';
import { parentSpanId } from './helpers/otel.js';
import { consoleProduce, hasKafkaTools } from './helpers/console-producer.js';
import { CONSUMER_TOPIC_CONFIG, consumerConfig, disconnect, startFlowing } from './helpers/rdkafka.js';

const { tracing, tracedProducer, plainProducer, consume, admin } = useKafkajsSuite();

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_A = '00f067aa0ba902b7';
const SPAN_B = '1111111111111111';
const valid = (span: string) => `00-${TRACE_ID}-${span}-01`;

interface BadCase {
  readonly name: string;
  readonly value: Buffer | string | null;
  readonly headers?: IHeaders;
  /** Written by Kafka's console producer instead (`headers<TAB>value`), for what Node clients cannot write. */
  readonly console?: string;
  readonly diagnostic: DiagnosticCode;
  /** The parent the process span must get: none (fresh trace) or the valid part of the context. */
  readonly parent?: string;
  /** Span ids the process span links to as candidates (disagreeing contexts), when it has no parent. */
  readonly candidates?: readonly string[];
}

const cases: BadCase[] = [
  { name: 'a malformed traceparent', value: 'v', headers: { traceparent: '00-not-a-trace-01' }, diagnostic: 'invalid-context' },
  { name: 'an all-zero trace id', value: 'v', headers: { traceparent: `00-${'0'.repeat(32)}-${SPAN_A}-01` }, diagnostic: 'invalid-context' },
  { name: 'non-UTF-8 header bytes', value: 'v', headers: { traceparent: Buffer.from([0xff, 0xfe, 0xfd]) }, diagnostic: 'non-utf8-header' },
  {
    name: 'a repeated traceparent whose values disagree (a new trace, not a guess)',
    value: 'v',
    headers: { traceparent: [valid(SPAN_A), valid(SPAN_B)] },
    diagnostic: 'conflicting-header-values',
    candidates: [SPAN_A, SPAN_B],
  },
  { name: 'an empty traceparent', value: 'v', headers: { traceparent: '' }, diagnostic: 'invalid-context' },
  // Neither Node client can write a null header value; Kafka's console producer can.
  { name: 'a null header value', value: 'v', console: 'traceparent:NULL,x-app:legacy\tv', diagnostic: 'invalid-context' },
  { name: 'broken envelope JSON', value: '{"tracecarrier":1,"context":{"traceparent":"x"},"data":{', diagnostic: 'invalid-envelope' },
  { name: 'an envelope of an unknown version', value: '{"tracecarrier":99,"context":{},"data":1}', diagnostic: 'unsupported-envelope-version' },
  { name: 'a broken CloudEvent', value: '{"specversion":"1.0","id":"1","data":[1,2', diagnostic: 'invalid-envelope' },
  { name: 'a tombstone with a malformed traceparent', value: null, headers: { traceparent: 'garbage' }, diagnostic: 'invalid-context' },
];

const rdConsumers: TracedKafkaConsumer[] = [];
afterEach(async () => {
  while (rdConsumers.length > 0) await disconnect(rdConsumers.pop()!);
});

describe('bad input through kafkajs and node-rdkafka consumers: delivered, nothing thrown, reported once', () => {
  it.each(cases)('$name', async (bad) => {
    if (bad.console !== undefined && !hasKafkaTools) return; // an external cluster without Kafka's tools at hand
    const topic = randomTopic('bad');
    await createTopics(admin(), [topic]);
    if (bad.console === undefined) {
      const producer = await plainProducer();
      await producer.send({ topic, messages: [{ key: 'k', value: bad.value, ...(bad.headers === undefined ? {} : { headers: bad.headers }) }] });
    } else {
      await consoleProduce(topic, [bad.console]);
    }

    const kjDiagnostics: Diagnostic[] = [];
    const { received } = await consume(topic, { options: { onDiagnostic: (diagnostic) => kjDiagnostics.push(diagnostic) } });
    const rdDiagnostics: Diagnostic[] = [];
    const rdConsumer = new TracedKafkaConsumer(consumerConfig('rd-bad', `rd-${topic}`), CONSUMER_TOPIC_CONFIG, {
      onDiagnostic: (diagnostic) => rdDiagnostics.push(diagnostic),
    });
    rdConsumers.push(rdConsumer);
    const rdReceived: Message[] = [];
    await startFlowing(rdConsumer, [topic], (message) => rdReceived.push(message));
    await waitFor(() => received.length === 1 && rdReceived.length === 1 && tracing.named(`process ${topic}`).length === 2, 'the message', 45_000);

    const outcomes = [
      { value: received[0]!.message.value, offset: received[0]!.message.offset, diagnostics: kjDiagnostics, scope: '@tracecarrier/kafkajs' },
      { value: rdReceived[0]!.value, offset: String(rdReceived[0]!.offset), diagnostics: rdDiagnostics, scope: '@tracecarrier/node-rdkafka' },
    ];
    for (const outcome of outcomes) {
      // The handler gets the message untouched.
      if (bad.value === null) expect(outcome.value).toBeNull();
      else expect(outcome.value!.toString()).toBe(bad.value.toString());
      const process = tracing.named(`process ${topic}`).find((span) => span.instrumentationScope.name === outcome.scope)!;
      expect(parentSpanId(process), outcome.scope).toBe(bad.parent);
      if (bad.parent === undefined) expect(process.links.map((link) => link.context.spanId)).toEqual(bad.candidates ?? []);
      else expect(process.spanContext().traceId).toBe(TRACE_ID);
      expect(outcome.diagnostics.map((diagnostic) => diagnostic.code), outcome.scope).toEqual([bad.diagnostic]);
      expect(outcome.diagnostics[0]).toMatchObject({ topic, partition: 0, offset: outcome.offset });
      if (bad.value === null) expect(process.attributes['messaging.kafka.message.tombstone']).toBe(true);
    }
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
