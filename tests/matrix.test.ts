import { trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { CloudEvent, Kafka as CloudEventsKafka } from 'cloudevents';
import { Kafka, type IHeaders, type KafkaMessage } from 'kafkajs';
import type { Message } from 'node-rdkafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TracedKafka, cloudEventsBinary, cloudEventsStructured, headersCarrier, jsonEnvelope } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer, TracedProducer } from '@tracecarrier/node-rdkafka';
import * as Confluent from '@tracecarrier/confluent-kafka-javascript';
import * as Platformatic from '@tracecarrier/platformatic-kafka';
import { confluentKafka } from './helpers/confluent.js';
import { validateEnvelope } from './helpers/envelope-schema.js';
import { metaTrace } from './helpers/meta-trace-carrier.js';
import { useKafkajsSuite } from './helpers/kafkajs-suite.js';
import { createTopics, kafkaConfig, randomTopic, waitFor } from './helpers/kafka.js';
import { parentSpanId } from './helpers/otel.js';
import { closeAll, pltClient, pltConsumerOptions } from './helpers/platformatic.js';
import { CONSUMER_TOPIC_CONFIG, RdKafka, connectProducer, consumerConfig, disconnect, produceAndWait, producerConfig, startFlowing } from './helpers/rdkafka.js';

/**
 * Every producer client × consumer client × carrier, through one real broker: 5 × 5 × 7 = 175
 * pairings. The clients: kafkajs, node-rdkafka, both APIs of @confluentinc/kafka-javascript
 * (KafkaJS-compatible and callback), and @platformatic/kafka (its stream, read with 'data'). The carriers: the built-in ones, CloudEvents binary, and the
 * user-written `meta.trace` carrier of docs/carriers.md alone and beside headers. Plus consumers
 * without the SDK reading envelopes and events, and SDK consumers reading a producer without the SDK.
 * One producer per client and carrier, one consumer group per client over all topics.
 */
const suite = useKafkajsSuite();
const { tracing } = suite;
const tracer = trace.getTracer('test-app');

const CARRIERS = {
  headers: { mode: 'headers' },
  'envelope-json': { mode: 'envelope' },
  'envelope-cloudevents': { mode: 'envelope', envelope: { format: 'cloudevents' } },
  both: { mode: 'both' },
  'cloudevents-binary': { carriers: [cloudEventsBinary()] },
  custom: { carriers: [metaTrace] },
  'custom+headers': { carriers: [headersCarrier(), metaTrace] },
} as const;
type CarrierName = keyof typeof CARRIERS;
/** The carrier a consumer names on its process span for each producer setting. */
const CARRIED_BY: Record<CarrierName, string> = {
  headers: 'headers',
  'envelope-json': 'json-envelope',
  'envelope-cloudevents': 'cloudevents-structured',
  both: 'headers',
  'cloudevents-binary': 'cloudevents-binary',
  custom: 'meta-trace',
  'custom+headers': 'headers',
};
/** What the matrix consumers read: every built-in carrier and the custom one. */
const READ_ALL = { carriers: [headersCarrier(), cloudEventsBinary(), jsonEnvelope(), cloudEventsStructured(), metaTrace] };
const PRODUCERS = ['kafkajs', 'node-rdkafka', 'confluent-kafkajs', 'confluent-callback', 'platformatic'] as const;
const CONSUMERS = PRODUCERS;
type Client = (typeof PRODUCERS)[number];
const SCOPE: Record<Client, string> = {
  kafkajs: '@tracecarrier/kafkajs',
  'node-rdkafka': '@tracecarrier/node-rdkafka',
  'confluent-kafkajs': '@tracecarrier/confluent-kafka-javascript',
  'confluent-callback': '@tracecarrier/confluent-kafka-javascript',
  platformatic: '@tracecarrier/platformatic-kafka',
};
/** Two letters per client, so payloads and topics have the same length whoever produced them. */
const CODE: Record<Client, string> = { kafkajs: 'kj', 'node-rdkafka': 'rd', 'confluent-kafkajs': 'ck', 'confluent-callback': 'cr', platformatic: 'pk' };
const GROUP = Object.fromEntries(PRODUCERS.map((client) => [client, `mx-${CODE[client]}-${Date.now()}`])) as Record<Client, string>;

interface Case {
  readonly producer: Client;
  readonly carrier: CarrierName;
  readonly topic: string;
  readonly payload: Buffer;
  send?: ReadableSpan | undefined;
}
const cases: Case[] = PRODUCERS.flatMap((producer) =>
  (Object.keys(CARRIERS) as CarrierName[]).map((carrier) => ({
    producer,
    carrier,
    topic: randomTopic(`mx-${CODE[producer]}-${carrier.replace('+', '-')}`),
    // Same length for both producers, so sizes compare equal across clients; a big integer and a
    // trailing zero that any parse-and-serialise would change.
    payload: Buffer.from(`{"orderId":9007199254740993,"price":1.50,"producer":"${CODE[producer]}","carrier":"${carrier}"}`),
  })),
);
const noSdkTopic = randomTopic('mx-nosdk');
const NO_SDK_PAYLOAD = Buffer.from('legacy producer, no tracing');
const allTopics = [...cases.map((c) => c.topic), noSdkTopic];

const received = Object.fromEntries(CONSUMERS.map((client) => [client, new Map<string, Buffer | null>()])) as Record<Client, Map<string, Buffer | null>>;
const plainKafkajs = new Map<string, KafkaMessage>();
const plainRdkafka = new Map<string, Message>();
const closers: Array<() => Promise<unknown>> = [];
const finished: ReadableSpan[] = [];

beforeAll(async () => {
  await createTopics(suite.admin(), allTopics);
  // SDK consumers, one per client, each in its own group over all topics.
  const kjConsumer = new TracedKafka(kafkaConfig('mx-consumer')).consumer({ groupId: GROUP.kafkajs, maxWaitTimeInMs: 100 }, READ_ALL);
  await kjConsumer.connect();
  closers.push(() => kjConsumer.disconnect());
  await kjConsumer.subscribe({ topics: allTopics, fromBeginning: true });
  await kjConsumer.run({ eachMessage: async ({ topic, message }) => void received.kafkajs.set(topic, message.value) });
  const rdConsumer = new TracedKafkaConsumer(consumerConfig('mx-consumer', GROUP['node-rdkafka']), CONSUMER_TOPIC_CONFIG, READ_ALL);
  closers.push(() => disconnect(rdConsumer));
  await startFlowing(rdConsumer, allTopics, (message) => received['node-rdkafka'].set(message.topic, message.value));
  const ckConsumer = confluentKafka('mx-consumer').consumer({ kafkaJS: { groupId: GROUP['confluent-kafkajs'], fromBeginning: true } }, READ_ALL);
  await ckConsumer.connect();
  closers.push(() => ckConsumer.disconnect());
  await ckConsumer.subscribe({ topics: allTopics });
  await ckConsumer.run({ eachMessage: async ({ topic, message }) => void received['confluent-kafkajs'].set(topic, message.value) });
  const crConsumer = new Confluent.TracedKafkaConsumer(consumerConfig('mx-consumer', GROUP['confluent-callback']) as never, CONSUMER_TOPIC_CONFIG, READ_ALL);
  closers.push(() => disconnect(crConsumer as never));
  await startFlowing(crConsumer as never, allTopics, (message) => received['confluent-callback'].set(message.topic, message.value));
  const pkConsumer = new Platformatic.TracedConsumer(pltConsumerOptions('mx-consumer', GROUP.platformatic), READ_ALL);
  const pkStream = await pkConsumer.consume({ topics: allTopics, mode: 'earliest' });
  closers.push(() => closeAll(pkStream, pkConsumer));
  pkStream.on('data', (message) => void received.platformatic.set(message.topic, message.value ?? null));
  // Consumers without the SDK.
  const envelopeTopics = cases.filter((c) => c.carrier !== 'headers').map((c) => c.topic);
  const plainKj = new Kafka(kafkaConfig('mx-plain')).consumer({ groupId: `${GROUP.kafkajs}-plain`, maxWaitTimeInMs: 100 });
  await plainKj.connect();
  closers.push(() => plainKj.disconnect());
  await plainKj.subscribe({ topics: envelopeTopics, fromBeginning: true });
  await plainKj.run({ eachMessage: async ({ topic, message }) => void plainKafkajs.set(topic, message) });
  const plainRd = new RdKafka.KafkaConsumer(consumerConfig('mx-plain', `${GROUP['node-rdkafka']}-plain`), CONSUMER_TOPIC_CONFIG);
  closers.push(() => disconnect(plainRd));
  await startFlowing(plainRd, envelopeTopics, (message) => plainRdkafka.set(message.topic, message));

  // Producers: one per client and carrier, each message sent inside an application span.
  for (const c of cases) {
    await tracer.startActiveSpan(`publish ${c.topic}`, async (span) => {
      if (c.producer === 'kafkajs' || c.producer === 'confluent-kafkajs') {
        const options = { producer: CARRIERS[c.carrier] };
        const producer = c.producer === 'kafkajs' ? new TracedKafka(kafkaConfig('mx-producer'), options).producer() : confluentKafka('mx-producer', options).producer();
        await producer.connect();
        await producer.send({ topic: c.topic, messages: [{ key: 'story-1', value: c.payload }] });
        await producer.disconnect();
      } else if (c.producer === 'platformatic') {
        const producer = new Platformatic.TracedProducer(pltClient('mx-producer'), CARRIERS[c.carrier]);
        await producer.send({ messages: [{ topic: c.topic, key: Buffer.from('story-1'), value: c.payload }] });
        await producer.close();
      } else {
        const config = producerConfig('mx-producer');
        const traced = c.producer === 'node-rdkafka' ? new TracedProducer(config, {}, CARRIERS[c.carrier]) : new Confluent.TracedProducer(config as never, {}, CARRIERS[c.carrier]);
        const producer = await connectProducer(traced as TracedProducer);
        await produceAndWait(producer, c.topic, c.payload, 'story-1');
        await disconnect(producer);
      }
      span.end();
    });
    c.send = tracing.named(`send ${c.topic}`)[0];
  }
  const legacy = await connectProducer(new RdKafka.Producer(producerConfig('legacy')));
  await produceAndWait(legacy, noSdkTopic, NO_SDK_PAYLOAD, null);
  await disconnect(legacy);

  await waitFor(
    () => CONSUMERS.every((client) => received[client].size === allTopics.length) && plainKafkajs.size === envelopeTopics.length && plainRdkafka.size === envelopeTopics.length,
    'every consumer to receive every message',
    90_000,
  );
  await waitFor(() => allTopics.every((topic) => tracing.named(`process ${topic}`).length === CONSUMERS.length), 'every process span', 10_000);
  // The suite resets the exporter before each test: keep this run's spans.
  finished.push(...tracing.spans());
}, 180_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

function processSpan(topic: string, consumer: Client): ReadableSpan {
  // Both confluent consumers share a scope: the group tells them apart.
  const spans = finished.filter(
    (span) => span.name === `process ${topic}` && span.instrumentationScope.name === SCOPE[consumer] && span.attributes['messaging.consumer.group.name'] === GROUP[consumer],
  );
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

// Attributes that legitimately differ between two consumers of the same message.
const PER_CONSUMER = ['messaging.consumer.group.name'];
function semconvAttributes(span: ReadableSpan): Record<string, unknown> {
  return Object.fromEntries(Object.entries(span.attributes).filter(([key]) => !PER_CONSUMER.includes(key)));
}

describe('every producer × consumer × carrier pairing through the real broker', () => {
  const pairings = cases.flatMap((c) => CONSUMERS.map((consumer) => ({ ...c, consumer, name: `${c.producer} → ${consumer} (${c.carrier})` })));

  it.each(pairings)('$name: one trace, exact payload, full attributes', (pairing) => {
    const c = cases.find((candidate) => candidate.topic === pairing.topic)!;
    const value = received[pairing.consumer].get(c.topic);
    expect(value?.equals(c.payload), `payload bytes for ${pairing.name}`).toBe(true);
    const send = c.send!;
    const process = processSpan(c.topic, pairing.consumer);
    expect(send.instrumentationScope.name).toBe(SCOPE[c.producer]);
    expect(process.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(parentSpanId(process)).toBe(send.spanContext().spanId);
    expect(process.links.map((link) => link.context.spanId)).toEqual([send.spanContext().spanId]);
    expect(process.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': c.topic,
      'messaging.destination.partition.id': '0',
      'messaging.kafka.offset': 0,
      'messaging.kafka.message.key': 'story-1',
      'messaging.consumer.group.name': GROUP[pairing.consumer],
      'messaging.client.id': 'mx-consumer',
      'messaging.message.body.size': c.payload.length,
      'tracecarrier.carrier': CARRIED_BY[c.carrier],
    });
    expect(send.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': c.topic,
      'messaging.destination.partition.id': '0',
      'messaging.kafka.offset': 0,
      'messaging.kafka.message.key': 'story-1',
      'messaging.client.id': 'mx-producer',
      'messaging.message.body.size': c.payload.length,
    });
  });

  it.each(cases)('$producer ($carrier): every consumer client emits the same attributes', (c) => {
    const [first, ...others] = CONSUMERS.map((consumer) => semconvAttributes(processSpan(c.topic, consumer)));
    for (const other of others) expect(other).toEqual(first);
  });

  it.each(Object.keys(CARRIERS) as CarrierName[])('%s: every producer client emits the same send attributes', (carrier) => {
    const [first, ...others] = PRODUCERS.map((producer) => cases.find((c) => c.producer === producer && c.carrier === carrier)!.send!);
    // The topics differ by construction; everything else must match.
    const strip = (span: ReadableSpan) => ({ ...span.attributes, 'messaging.destination.name': undefined });
    for (const other of others) expect(strip(other)).toEqual(strip(first!));
  });
});

describe('consumers without the SDK', () => {
  const envelopeCases = cases.filter((c) => c.carrier !== 'headers');

  it.each(envelopeCases.filter((c) => c.carrier === 'envelope-json' || c.carrier === 'both'))('$producer ($carrier): a plain consumer sees a JSON envelope valid against the schema', (c) => {
    for (const value of [plainKafkajs.get(c.topic)!.value!, plainRdkafka.get(c.topic)!.value!]) {
      const envelope = JSON.parse(value.toString());
      expect(validateEnvelope(envelope), JSON.stringify(validateEnvelope.errors)).toBe(true);
      expect(envelope.context.traceparent).toBe(`00-${c.send!.spanContext().traceId}-${c.send!.spanContext().spanId}-01`);
      expect(envelope.data).toEqual(JSON.parse(c.payload.toString()));
      // datalength gives the payload's exact bytes, as the readers in docs/envelope-format.md take them.
      const body = value.toString().trimEnd().slice(0, -1).trimEnd();
      expect(body.slice(body.length - envelope.datalength)).toBe(c.payload.toString());
    }
  });

  it.each(envelopeCases.filter((c) => c.carrier === 'cloudevents-binary'))('$producer: a plain consumer parses the binary-mode event with the cloudevents SDK, value untouched', (c) => {
    const traceparent = `00-${c.send!.spanContext().traceId}-${c.send!.spanContext().spanId}-01`;
    for (const message of [plainKafkajs.get(c.topic)!, plainRdkafka.get(c.topic)!]) {
      const headers = Object.fromEntries(
        (Array.isArray(message.headers) ? message.headers.flatMap((entry) => Object.entries(entry)) : Object.entries(message.headers as IHeaders)).map(([key, value]) => [key, String(value)]),
      );
      expect(message.value!.equals(c.payload)).toBe(true);
      const event = CloudEventsKafka.toEvent({ headers, key: 'story-1', value: message.value, body: message.value } as unknown as Parameters<typeof CloudEventsKafka.toEvent>[0]) as CloudEvent;
      expect(event.id).toBe(headers.ce_id);
      expect(event.type).toBe('dev.tracecarrier.message');
      expect(event.source).toBe(`/tracecarrier/kafka/${c.topic}`);
      expect(event.datacontenttype).toBe('application/json');
      expect(event.traceparent).toBe(traceparent);
      expect(event.partitionkey).toBe('story-1');
      expect(JSON.stringify(event.data)).toBe(JSON.stringify(JSON.parse(c.payload.toString())));
    }
  });

  it.each(envelopeCases.filter((c) => c.carrier.startsWith('custom')))('$producer ($carrier): a legacy reader finds meta.trace and the exact payload', (c) => {
    const traceparent = `00-${c.send!.spanContext().traceId}-${c.send!.spanContext().spanId}-01`;
    for (const value of [plainKafkajs.get(c.topic)!.value!, plainRdkafka.get(c.topic)!.value!]) {
      expect(JSON.parse(value.toString()).meta.trace).toBe(traceparent);
      expect(value.toString()).toBe(`{"meta":{"trace":"${traceparent}"},"payload":${c.payload.toString()}}`);
    }
  });

  it.each(envelopeCases.filter((c) => c.carrier === 'envelope-cloudevents'))('$producer: a plain consumer parses the CloudEvent with the cloudevents SDK', (c) => {
    const traceparent = `00-${c.send!.spanContext().traceId}-${c.send!.spanContext().spanId}-01`;
    const kjMessage = plainKafkajs.get(c.topic)!;
    const headers = Object.fromEntries(Object.entries(kjMessage.headers as IHeaders).map(([key, value]) => [key, String(value)]));
    const fromKafkaBinding = CloudEventsKafka.toEvent({
      headers,
      body: kjMessage.value!.toString(),
      value: kjMessage.value!.toString(),
      key: 'story-1',
      timestamp: kjMessage.timestamp,
    } as Parameters<typeof CloudEventsKafka.toEvent>[0]) as CloudEvent;
    expect(fromKafkaBinding.traceparent).toBe(traceparent);
    expect(fromKafkaBinding.data).toEqual(JSON.parse(c.payload.toString()));
    const fromJson = new CloudEvent(JSON.parse(plainRdkafka.get(c.topic)!.value!.toString()));
    expect(fromJson.validate()).toBe(true);
    expect(fromJson.traceparent).toBe(traceparent);
  });

  it.each(CONSUMERS)('a message from a producer without the SDK reaches the %s SDK consumer under a root span', (consumer) => {
    expect(received[consumer].get(noSdkTopic)?.equals(NO_SDK_PAYLOAD)).toBe(true);
    const process = processSpan(noSdkTopic, consumer);
    expect(parentSpanId(process)).toBeUndefined();
    expect(process.links).toEqual([]);
    expect(process.attributes['tracecarrier.carrier']).toBe('none');
  });
});
