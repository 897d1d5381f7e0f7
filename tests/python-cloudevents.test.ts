import { SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Kafka as CloudEventsKafka, type CloudEvent } from 'cloudevents';
import { Kafka, type IHeaders, type KafkaMessage } from 'kafkajs';
import type { Message, MessageHeader } from 'node-rdkafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TracedKafka, cloudEventOf, type DiagnosticCode } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer, TracedProducer, cloudEventOf as rdCloudEventOf } from '@tracecarrier/node-rdkafka';
import { TracedConsumer as PltConsumer, TracedProducer as PltProducer, cloudEventOf as pltCloudEventOf } from '@tracecarrier/platformatic-kafka';
import { useKafkajsSuite } from './helpers/kafkajs-suite.js';
import { brokers, createTopics, kafkaConfig, randomTopic, waitFor } from './helpers/kafka.js';
import { parentSpanId } from './helpers/otel.js';
import { closeAll, pltClient, pltConsumerOptions } from './helpers/platformatic.js';
import { runPeer } from './helpers/python-peers.js';
import { CONSUMER_TOPIC_CONFIG, connectProducer, consumerConfig, disconnect, produceAndWait, producerConfig, startFlowing } from './helpers/rdkafka.js';

/**
 * Structured CloudEvents written by the real Python CloudEvents SDK (`cloudevents` 1.13,
 * `cloudevents.kafka.to_structured`, produced with confluent-kafka): the SDK puts the event's
 * `datacontenttype` in the Kafka `content-type` header (or none), not `application/cloudevents+json`.
 * Every consumer binding must continue the trace from the event's `traceparent` and hand the event
 * over byte for byte; a CloudEvents-structured producer forwarding such an event (the application
 * gives no content-type) must send what the CloudEvents JS SDK's `Kafka.toEvent` reads.
 */
const suite = useKafkajsSuite();
const tracer = trace.getTracer('python-peer');
const topic = randomTopic('py-ce');
const BINDINGS = ['kafkajs', 'node-rdkafka', 'platformatic'] as const;
type Binding = (typeof BINDINGS)[number];
const SCOPE: Record<Binding, string> = { kafkajs: '@tracecarrier/kafkajs', 'node-rdkafka': '@tracecarrier/node-rdkafka', platformatic: '@tracecarrier/platformatic-kafka' };
const forwardTo: Record<Binding, string> = { kafkajs: randomTopic('py-ce-fwd-kj'), 'node-rdkafka': randomTopic('py-ce-fwd-rd'), platformatic: randomTopic('py-ce-fwd-pk') };
const EVENTS = ['json data', 'binary data', 'text data'] as const;
type EventName = (typeof EVENTS)[number];

interface Written {
  readonly name: EventName;
  readonly id: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}
interface Seen {
  readonly value: Buffer | null;
  readonly event: Record<string, unknown> | undefined;
  readonly diagnostics: DiagnosticCode[];
}

const origins = new Map<EventName, ReadableSpan>();
const written = new Map<EventName, Written>();
const seen: Record<Binding, Map<EventName, Seen>> = { kafkajs: new Map(), 'node-rdkafka': new Map(), platformatic: new Map() };
const forwarded: Record<Binding, Map<EventName, { value: Buffer; headers: Record<string, string> }>> = { kafkajs: new Map(), 'node-rdkafka': new Map(), platformatic: new Map() };
const closers: Array<() => Promise<unknown>> = [];
const spans: ReadableSpan[] = [];

function headerRecord(headers: IHeaders | MessageHeader[] | undefined): Record<string, string> {
  if (headers === undefined) return {};
  const entries = Array.isArray(headers) ? headers.flatMap((entry) => Object.entries(entry)) : Object.entries(headers);
  return Object.fromEntries(entries.map(([key, value]) => [key, String(value)]));
}

beforeAll(async () => {
  await createTopics(suite.admin(), [topic, ...Object.values(forwardTo)]);
  const traceparents = EVENTS.map((name) => {
    const span = tracer.startSpan(`python origin: ${name}`, { kind: SpanKind.PRODUCER });
    span.end();
    origins.set(name, span as unknown as ReadableSpan);
    return `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
  });

  // Each consumer records what its handler got, then forwards the value alone through a
  // CloudEvents-structured producer of its binding: no content-type from the application.
  const pending: Record<Binding, Map<string, DiagnosticCode[]>> = { kafkajs: new Map(), 'node-rdkafka': new Map(), platformatic: new Map() };
  const note = (binding: Binding) => (d: { code: DiagnosticCode; offset?: string }) => pending[binding].set(String(d.offset), [...(pending[binding].get(String(d.offset)) ?? []), d.code]);
  const kafka = new TracedKafka(kafkaConfig('py-ce'), { consumer: { onDiagnostic: note('kafkajs') }, producer: { onDiagnostic: note('kafkajs') } });
  const kjForwarder = kafka.producer(undefined, { mode: 'envelope', envelope: { format: 'cloudevents' } });
  await kjForwarder.connect();
  closers.push(() => kjForwarder.disconnect());
  const kj = kafka.consumer({ groupId: `py-ce-kj-${topic}`, maxWaitTimeInMs: 100 });
  await kj.connect();
  closers.push(() => kj.disconnect());
  await kj.subscribe({ topic, fromBeginning: true });
  await kj.run({
    eachMessage: async ({ message }: { message: KafkaMessage }) => {
      const name = message.key!.toString() as EventName;
      seen.kafkajs.set(name, { value: message.value, event: cloudEventOf(message) as Record<string, unknown> | undefined, diagnostics: pending.kafkajs.get(message.offset) ?? [] });
      await kjForwarder.send({ topic: forwardTo.kafkajs, messages: [{ key: message.key, value: message.value }] });
    },
  });
  const rdForwarder = await connectProducer(new TracedProducer(producerConfig('py-ce'), {}, { mode: 'envelope', envelope: { format: 'cloudevents' }, onDiagnostic: note('node-rdkafka') }));
  closers.push(() => disconnect(rdForwarder));
  const rd = new TracedKafkaConsumer(consumerConfig('py-ce', `py-ce-rd-${topic}`), CONSUMER_TOPIC_CONFIG, { onDiagnostic: note('node-rdkafka') });
  closers.push(() => disconnect(rd));
  const sends: Array<Promise<void>> = [];
  await startFlowing(rd, [topic], (message: Message) => {
    const name = message.key!.toString() as EventName;
    seen['node-rdkafka'].set(name, { value: message.value, event: rdCloudEventOf(message) as Record<string, unknown> | undefined, diagnostics: pending['node-rdkafka'].get(String(message.offset)) ?? [] });
    sends.push(produceAndWait(rdForwarder, forwardTo['node-rdkafka'], message.value, name));
  });
  const pkForwarder = new PltProducer(pltClient('py-ce'), { mode: 'envelope', envelope: { format: 'cloudevents' }, onDiagnostic: note('platformatic') });
  closers.push(() => pkForwarder.close());
  const pk = new PltConsumer(pltConsumerOptions('py-ce', `py-ce-pk-${topic}`), { onDiagnostic: note('platformatic') });
  const pkStream = await pk.consume({ topics: [topic], mode: 'earliest' });
  closers.push(() => closeAll(pkStream, pk));
  pkStream.on('data', (message) => {
    const name = message.key.toString() as EventName;
    seen.platformatic.set(name, { value: message.value, event: pltCloudEventOf(message) as Record<string, unknown> | undefined, diagnostics: pending.platformatic.get(String(message.offset)) ?? [] });
    sends.push(pkForwarder.send({ messages: [{ topic: forwardTo.platformatic, key: message.key, value: message.value }] }).then(() => undefined));
  });
  // A plain reader of what was forwarded: the records as any consumer gets them.
  const reader = new Kafka(kafkaConfig('py-ce-reader')).consumer({ groupId: `py-ce-read-${topic}`, maxWaitTimeInMs: 100 });
  await reader.connect();
  closers.push(() => reader.disconnect());
  await reader.subscribe({ topics: Object.values(forwardTo), fromBeginning: true });
  await reader.run({
    eachMessage: async ({ topic: from, message }) => {
      const binding = (Object.keys(forwardTo) as Binding[]).find((candidate) => forwardTo[candidate] === from)!;
      forwarded[binding].set(message.key!.toString() as EventName, { value: message.value!, headers: headerRecord(message.headers) });
    },
  });

  // The Python service: the CloudEvents SDK and confluent-kafka, as its own process.
  const lines = runPeer('python_cloudevents_producer.py', [brokers().join(','), topic, ...traceparents]).trim().split('\n');
  for (const line of lines) {
    const record = JSON.parse(line) as { name: EventName; id: string; value: string; headers: Record<string, string> };
    const headers = Object.fromEntries(Object.entries(record.headers).map(([key, value]) => [key, Buffer.from(value, 'hex').toString()]));
    written.set(record.name, { name: record.name, id: record.id, value: Buffer.from(record.value, 'hex'), headers });
  }

  await waitFor(() => BINDINGS.every((binding) => seen[binding].size === EVENTS.length && forwarded[binding].size === EVENTS.length), 'every event read and forwarded by every binding', 90_000);
  await Promise.all(sends);
  await waitFor(() => suite.tracing.named(`process ${topic}`).length === BINDINGS.length * EVENTS.length, 'every process span', 10_000);
  spans.push(...suite.tracing.spans());
}, 300_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const rows = EVENTS.flatMap((name) => BINDINGS.map((binding) => ({ name, binding, title: `${name}, ${binding}` })));

describe('structured events from the Python CloudEvents SDK', () => {
  it('are written as the SDK really writes them: the data\'s content type (or none) in content-type, not application/cloudevents+json', () => {
    expect(written.get('json data')!.headers).toEqual({});
    expect(written.get('binary data')!.headers).toEqual({ 'content-type': 'application/octet-stream' });
    expect(written.get('text data')!.headers).toEqual({ 'content-type': 'text/plain' });
    expect(written.get('binary data')!.value.toString()).toContain('"data_base64": "AAH+/w=="');
  });

  it.each(rows)('$title: the trace continues from the event\'s traceparent, the event handed over byte for byte, its attributes through cloudEventOf', ({ name, binding }) => {
    const got = seen[binding].get(name)!;
    const sent = written.get(name)!;
    expect(got.value?.equals(sent.value)).toBe(true);
    expect(got.diagnostics).toEqual([]);
    expect(got.event).toMatchObject({ specversion: '1.0', id: sent.id, type: { 'json data': 'com.example.order', 'binary data': 'com.example.blob', 'text data': 'com.example.note' }[name] });
    const origin = origins.get(name)!;
    const process = spans.filter((span) => span.name === `process ${topic}` && span.instrumentationScope.name === SCOPE[binding] && span.attributes['messaging.kafka.message.key'] === name);
    expect(process).toHaveLength(1);
    expect(process[0]!.kind).toBe(SpanKind.CONSUMER);
    expect(process[0]!.spanContext().traceId).toBe(origin.spanContext().traceId);
    expect(parentSpanId(process[0]!)).toBe(origin.spanContext().spanId);
    expect(process[0]!.attributes['tracecarrier.carrier']).toBe('cloudevents-structured');
    if (name === 'json data') expect(process[0]!.spanContext().traceState?.serialize()).toBe('py=1');
  });

  it.each(rows)('$title, forwarded by a CloudEvents-structured producer: the same bytes, content-type added, read by the CloudEvents JS SDK, the hop connected', ({ name, binding }) => {
    const record = forwarded[binding].get(name)!;
    const sent = written.get(name)!;
    expect(record.value.equals(sent.value)).toBe(true);
    expect(record.headers['content-type']).toBe('application/cloudevents+json');
    const event = CloudEventsKafka.toEvent({ headers: record.headers, key: name, value: record.value, body: record.value } as unknown as Parameters<typeof CloudEventsKafka.toEvent>[0]) as CloudEvent;
    expect(event.id).toBe(sent.id);
    expect(event.traceparent).toBe(`00-${origins.get(name)!.spanContext().traceId}-${origins.get(name)!.spanContext().spanId}-01`);
    if (name === 'json data') expect(event.data).toEqual({ orderId: 1, price: 1.5 });
    if (name === 'text data') expect(event.data).toBe('héllo');
    if (name === 'binary data') expect(Buffer.from(event.data as unknown as Uint8Array).equals(Buffer.from([0, 1, 0xfe, 0xff]))).toBe(true);
    // The hop: the forwarder's send span is the record's traceparent header, under the process span.
    const send = spans.find((span) => span.name === `send ${forwardTo[binding]}` && span.attributes['messaging.kafka.message.key'] === name)!;
    expect(record.headers.traceparent).toBe(`00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`);
    expect(send.spanContext().traceId).toBe(origins.get(name)!.spanContext().traceId);
  });
});
