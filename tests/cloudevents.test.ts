import { SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { CloudEvent, Kafka as CloudEventsKafka } from 'cloudevents';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { Message, MessageHeader } from 'node-rdkafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TracedKafka, cloudEventOf, type ProducerMode } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer, TracedProducer, cloudEventOf as rdCloudEventOf } from '@tracecarrier/node-rdkafka';
import { useKafkajsSuite } from './helpers/kafkajs-suite.js';
import { createTopics, kafkaConfig, randomTopic, waitFor } from './helpers/kafka.js';
import { parentSpanId } from './helpers/otel.js';
import { CONSUMER_TOPIC_CONFIG, connectProducer, consumerConfig, disconnect, produceAndWait, producerConfig, startFlowing } from './helpers/rdkafka.js';

/**
 * CloudEvents as the Kafka protocol binding and the distributed-tracing extension say, on the real
 * broker: events the `cloudevents` SDK wrote (structured and binary) continue their trace in both
 * consumers, and someone else's structured event forwarded by tracecarrier producers in every mode
 * reaches the next consumer byte for byte, with the hop still connected.
 */
const suite = useKafkajsSuite();
const { tracing } = suite;
const tracer = trace.getTracer('test-app');

const BINDINGS = ['kafkajs', 'node-rdkafka'] as const;
type Binding = (typeof BINDINGS)[number];
const SCOPE: Record<Binding, string> = { kafkajs: '@tracecarrier/kafkajs', 'node-rdkafka': '@tracecarrier/node-rdkafka' };
const MODES: Array<{ name: string; options: { mode: ProducerMode; envelope?: { format: 'json' | 'cloudevents' } } }> = [
  { name: 'headers', options: { mode: 'headers' } },
  { name: 'envelope-json', options: { mode: 'envelope' } },
  { name: 'envelope-cloudevents', options: { mode: 'envelope', envelope: { format: 'cloudevents' } } },
  { name: 'both', options: { mode: 'both' } },
];

const sdkTopic = randomTopic('ce-sdk');
const sourceTopic = randomTopic('ce-src');
const targets = BINDINGS.flatMap((binding) => MODES.map((mode) => ({ binding, mode: mode.name, topic: randomTopic(`ce-fwd-${binding === 'kafkajs' ? 'kj' : 'rd'}-${mode.name}`) })));

/** What a traced consumer handed its handler, with the accessor's view. */
interface Seen {
  readonly topic: string;
  readonly key: string | undefined;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
  readonly event: ReturnType<typeof cloudEventOf>;
}
const seen: Record<Binding, Seen[]> = { kafkajs: [], 'node-rdkafka': [] };
const closers: Array<() => Promise<unknown>> = [];
const finished: ReadableSpan[] = [];
let origins: { structured: ReadableSpan; binary: ReadableSpan; forwarded: ReadableSpan };
let sdkMessages: { structured: { value: string; key: string }; binary: { value: string; key: string } };
let foreign: { value: Buffer; key: string; contentType: string };

function headerRecord(headers: IHeaders | MessageHeader[] | undefined): Record<string, string> {
  if (headers === undefined) return {};
  const entries = Array.isArray(headers) ? headers.flatMap((entry) => Object.entries(entry)) : Object.entries(headers);
  return Object.fromEntries(entries.map(([key, value]) => [key, String(value)]));
}

/** A span of the test app, ended at once: the trace an event starts. */
function originSpan(name: string): { span: ReadableSpan; traceparent: string } {
  const span = tracer.startSpan(name, { kind: SpanKind.PRODUCER });
  span.end();
  const { traceId, spanId } = span.spanContext();
  return { span: span as unknown as ReadableSpan, traceparent: `00-${traceId}-${spanId}-01` };
}

beforeAll(async () => {
  await createTopics(suite.admin(), [sdkTopic, sourceTopic, ...targets.map((target) => target.topic)]);
  const plain = await suite.plainProducer();

  // 1. Events written by the cloudevents SDK, both content modes, sent as the SDK's Kafka binding says.
  const structuredOrigin = originSpan('sdk structured origin');
  const binaryOrigin = originSpan('sdk binary origin');
  const structuredEvent = new CloudEvent({ id: 'sdk-s-1', source: '/orders', type: 'order.created', subject: 'o-1', datacontenttype: 'application/json', data: { orderId: 1 }, traceparent: structuredOrigin.traceparent, partitionkey: 'o-1' });
  const binaryEvent = new CloudEvent({ id: 'sdk-b-1', source: '/orders', type: 'order.paid', datacontenttype: 'application/json', data: { orderId: 2 }, traceparent: binaryOrigin.traceparent, partitionkey: 'o-2' });
  const structured = CloudEventsKafka.structured(structuredEvent);
  const binary = CloudEventsKafka.binary(binaryEvent);
  const binaryValue = JSON.stringify(binary.value);
  sdkMessages = { structured: { value: structured.value as string, key: 'o-1' }, binary: { value: binaryValue, key: 'o-2' } };
  const stringHeaders = (headers: Record<string, unknown>) => Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]));
  await plain.send({
    topic: sdkTopic,
    messages: [
      { key: 'o-1', value: structured.value as string, headers: stringHeaders(structured.headers) },
      { key: 'o-2', value: binaryValue, headers: stringHeaders(binary.headers) },
    ],
  });

  // 2. Someone else's structured event, to be forwarded (data not last, a big integer, an extension).
  const forwardedOrigin = originSpan('foreign origin');
  foreign = {
    key: 'o-9',
    contentType: 'application/cloudevents+json',
    value: Buffer.from(`{"specversion":"1.0","id":"ext-9","source":"/legacy","type":"order.shipped","partitionkey":"o-9","data":{"orderId":9007199254740993,"price":1.50},"traceparent":"${forwardedOrigin.traceparent}","comexampleextension":"x","time":"2026-01-01T00:00:00Z"}`),
  };
  origins = { structured: structuredOrigin.span, binary: binaryOrigin.span, forwarded: forwardedOrigin.span };
  await plain.send({ topic: sourceTopic, messages: [{ key: foreign.key, value: foreign.value, headers: { 'content-type': foreign.contentType } }] });

  // Forwarders, one per binding, each re-sending the event it consumed through a producer of every mode.
  const kjProducers = await Promise.all(
    MODES.map(async (mode) => {
      const producer = new TracedKafka(kafkaConfig('ce-forwarder')).producer(undefined, mode.options);
      await producer.connect();
      closers.push(() => producer.disconnect());
      return producer;
    }),
  );
  const kjForwarder = new TracedKafka(kafkaConfig('ce-forwarder')).consumer({ groupId: `ce-fwd-kj-${sourceTopic}`, maxWaitTimeInMs: 100 });
  await kjForwarder.connect();
  closers.push(() => kjForwarder.disconnect());
  await kjForwarder.subscribe({ topic: sourceTopic, fromBeginning: true });
  await kjForwarder.run({
    eachMessage: async ({ message }) => {
      const headers = { 'content-type': String(message.headers?.['content-type']) };
      for (const [i, producer] of kjProducers.entries()) {
        await producer.send({ topic: targets[i]!.topic, messages: [{ key: message.key, value: message.value, headers }] });
      }
    },
  });
  const rdProducers = await Promise.all(MODES.map((mode) => connectProducer(new TracedProducer(producerConfig('ce-forwarder'), {}, mode.options))));
  closers.push(...rdProducers.map((producer) => () => disconnect(producer)));
  const rdForwarder = new TracedKafkaConsumer(consumerConfig('ce-forwarder', `ce-fwd-rd-${sourceTopic}`), CONSUMER_TOPIC_CONFIG);
  closers.push(() => disconnect(rdForwarder));
  const pending: Array<Promise<void>> = [];
  await startFlowing(rdForwarder, [sourceTopic], (message: Message) => {
    const headers = [{ 'content-type': headerRecord(message.headers)['content-type']! }];
    for (const [i, producer] of rdProducers.entries()) {
      pending.push(produceAndWait(producer, targets[MODES.length + i]!.topic, message.value, String(message.key), headers));
    }
  });

  // Readers: a traced consumer of each binding over the SDK topic and every forwarded copy.
  const readTopics = [sdkTopic, ...targets.map((target) => target.topic)];
  const kjReader = new TracedKafka(kafkaConfig('ce-reader')).consumer({ groupId: `ce-read-kj-${sdkTopic}`, maxWaitTimeInMs: 100 });
  await kjReader.connect();
  closers.push(() => kjReader.disconnect());
  await kjReader.subscribe({ topics: readTopics, fromBeginning: true });
  await kjReader.run({
    eachMessage: async ({ topic, message }: { topic: string; message: KafkaMessage }) => {
      seen.kafkajs.push({ topic, key: message.key?.toString(), value: message.value, headers: headerRecord(message.headers), event: cloudEventOf(message) });
    },
  });
  const rdReader = new TracedKafkaConsumer(consumerConfig('ce-reader', `ce-read-rd-${sdkTopic}`), CONSUMER_TOPIC_CONFIG);
  closers.push(() => disconnect(rdReader));
  await startFlowing(rdReader, readTopics, (message: Message) => {
    seen['node-rdkafka'].push({ topic: message.topic, key: message.key?.toString(), value: message.value, headers: headerRecord(message.headers), event: rdCloudEventOf(message) });
  });

  const expected = 2 + targets.length;
  await waitFor(() => BINDINGS.every((binding) => seen[binding].length === expected), 'every reader to see every event', 90_000);
  await Promise.all(pending);
  await waitFor(() => readTopics.every((topic) => tracing.named(`process ${topic}`).length === (topic === sdkTopic ? 4 : 2)), 'every process span', 10_000);
  finished.push(...tracing.spans());
}, 180_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

function processOf(topic: string, binding: Binding, predicate: (span: ReadableSpan) => boolean = () => true): ReadableSpan {
  const spans = finished.filter((span) => span.name === `process ${topic}` && span.instrumentationScope.name === SCOPE[binding] && predicate(span));
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe('events written by the cloudevents SDK continue their trace in tracecarrier consumers', () => {
  it.each(BINDINGS)('structured mode, %s consumer: parent is the event\'s traceparent, the whole event handed over, attributes through cloudEventOf', (binding) => {
    const got = seen[binding].find((entry) => entry.topic === sdkTopic && entry.key === 'o-1')!;
    expect(got.value?.toString()).toBe(sdkMessages.structured.value);
    expect(got.event).toMatchObject({ id: 'sdk-s-1', source: '/orders', type: 'order.created', subject: 'o-1', partitionkey: 'o-1', traceparent: expect.stringContaining(origins.structured.spanContext().spanId) });
    const process = processOf(sdkTopic, binding, (span) => span.attributes['messaging.kafka.message.key'] === 'o-1');
    expect(process.spanContext().traceId).toBe(origins.structured.spanContext().traceId);
    expect(parentSpanId(process)).toBe(origins.structured.spanContext().spanId);
    expect(process.attributes['tracecarrier.carrier']).toBe('cloudevents-structured');
  });

  it.each(BINDINGS)('binary mode, %s consumer: parent from ce_traceparent, the value is the data, attributes through cloudEventOf', (binding) => {
    const got = seen[binding].find((entry) => entry.topic === sdkTopic && entry.key === 'o-2')!;
    expect(got.value?.toString()).toBe(sdkMessages.binary.value);
    expect(got.event).toMatchObject({ id: 'sdk-b-1', source: '/orders', type: 'order.paid', datacontenttype: 'application/json', partitionkey: 'o-2' });
    const process = processOf(sdkTopic, binding, (span) => span.attributes['messaging.kafka.message.key'] === 'o-2');
    expect(parentSpanId(process)).toBe(origins.binary.spanContext().spanId);
    expect(process.attributes['tracecarrier.carrier']).toBe('cloudevents-binary');
  });
});

describe('someone else\'s structured event, forwarded by tracecarrier producers in every mode', () => {
  const readers = targets.flatMap((target) => BINDINGS.map((reader) => ({ ...target, reader, name: `${target.binding} forwarder, ${target.mode} → ${reader} reader` })));

  it.each(readers)('$name: byte-identical event, key and content-type; the hop connected; the event keeps its starting trace', ({ binding, topic, reader }) => {
    const got = seen[reader].find((entry) => entry.topic === topic)!;
    expect(got.value?.equals(foreign.value)).toBe(true);
    expect(got.key).toBe(foreign.key);
    expect(got.headers['content-type']).toBe(foreign.contentType);
    expect(Object.keys(got.headers).sort()).toEqual(['content-type', 'traceparent']);
    expect(got.event).toMatchObject({ id: 'ext-9', source: '/legacy', partitionkey: 'o-9', comexampleextension: 'x', traceparent: expect.stringContaining(origins.forwarded.spanContext().spanId) });

    const hop = processOf(sourceTopic, binding);
    expect(parentSpanId(hop)).toBe(origins.forwarded.spanContext().spanId);
    const send = finished.find((span) => span.name === `send ${topic}`)!;
    expect(send.instrumentationScope.name).toBe(SCOPE[binding]);
    expect(parentSpanId(send)).toBe(hop.spanContext().spanId);
    expect(send.attributes['messaging.message.envelope.size']).toBeUndefined();
    const process = processOf(topic, reader);
    expect(process.spanContext().traceId).toBe(origins.forwarded.spanContext().traceId);
    expect(parentSpanId(process)).toBe(send.spanContext().spanId);
    expect(process.attributes['tracecarrier.carrier']).toBe('headers');
  });
});
