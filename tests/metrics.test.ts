import { MeterProvider, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import type { KafkaMessage } from 'kafkajs';
import type { Message } from 'node-rdkafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TracedKafka } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer, TracedProducer } from '@tracecarrier/node-rdkafka';
import { useKafkajsSuite } from './helpers/kafkajs-suite.js';
import { TestReader } from './helpers/otel.js';
import { brokers, createTopics, kafkaConfig, randomTopic, waitFor } from './helpers/kafka.js';
import { CONSUMER_TOPIC_CONFIG, connectProducer, consumerConfig, disconnect, produceAndWait, producerConfig, startFlowing } from './helpers/rdkafka.js';

/**
 * The messaging metrics of semantic conventions v1.44, from both bindings, read with an in-memory
 * reader: names, units, attribute sets and counts for sends (one failed), consumed messages and
 * process durations.
 */
const suite = useKafkajsSuite();
const [serverAddress, serverPort] = brokers()[0]!.split(':') as [string, string];
const SCOPES = { kafkajs: '@tracecarrier/kafkajs', 'node-rdkafka': '@tracecarrier/node-rdkafka' } as const;
type Binding = keyof typeof SCOPES;
const kjTopic = randomTopic('metrics-kj');
const rdTopic = randomTopic('metrics-rd');
const tinyTopic = randomTopic('metrics-tiny');
const reader = new TestReader();
const meterProvider = new MeterProvider({ readers: [reader] });
const closers: Array<() => Promise<unknown>> = [];
let collected: MetricData[] = [];

beforeAll(async () => {
  await createTopics(suite.admin(), [kjTopic, rdTopic]);
  await suite.admin().createTopics({ topics: [{ topic: tinyTopic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '1000' }] }], waitForLeaders: true });
  const kafka = new TracedKafka(kafkaConfig('metrics'), { producer: { meterProvider }, consumer: { meterProvider } });
  const producer = kafka.producer({ retry: { retries: 0 } });
  await producer.connect();
  closers.push(() => producer.disconnect());
  await producer.send({ topic: kjTopic, messages: [{ value: 'one' }] });
  await producer.send({ topic: kjTopic, messages: [{ value: 'two' }, { value: 'three' }] });
  await producer.send({ topic: tinyTopic, messages: [{ value: Buffer.alloc(4000, 'x') }] }).catch(() => undefined);
  const consumer = kafka.consumer({ groupId: `metrics-kj-${kjTopic}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  closers.push(() => consumer.disconnect());
  await consumer.subscribe({ topic: kjTopic, fromBeginning: true });
  const seen: KafkaMessage[] = [];
  let failed = false;
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(message);
      if (message.value?.toString() === 'three' && !failed) {
        failed = true;
        throw new Error('handler failed once');
      }
    },
  });

  const rdProducer = await connectProducer(new TracedProducer(producerConfig('metrics'), {}, { meterProvider }));
  closers.push(() => disconnect(rdProducer));
  for (const value of ['a', 'b']) await produceAndWait(rdProducer, rdTopic, Buffer.from(value), null);
  const rdConsumer = new TracedKafkaConsumer(consumerConfig('metrics', `metrics-rd-${rdTopic}`), CONSUMER_TOPIC_CONFIG, { meterProvider });
  closers.push(() => disconnect(rdConsumer));
  const rdSeen: Message[] = [];
  await startFlowing(rdConsumer, [rdTopic], (message) => rdSeen.push(message));
  // The failed message is redelivered by kafkajs: 3 messages, 4 deliveries.
  await waitFor(() => seen.length >= 4 && rdSeen.length === 2, `every message (kafkajs ${seen.length}/4, node-rdkafka ${rdSeen.length}/2)`, 60_000);
  const { resourceMetrics } = await reader.collect();
  collected = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => ({ ...metric, scope: scope.scope.name }) as MetricData & { scope: string }));
}, 120_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await meterProvider.shutdown();
});

function metric(binding: Binding, name: string): MetricData {
  const found = collected.filter((entry) => entry.descriptor.name === name && (entry as MetricData & { scope: string }).scope === SCOPES[binding]);
  expect(found, `${binding} ${name}`).toHaveLength(1);
  return found[0]!;
}

function points<T>(data: MetricData, topic: string): Array<DataPoint<T>> {
  return (data.dataPoints as Array<DataPoint<T>>).filter((point) => point.attributes['messaging.destination.name'] === topic);
}

const server = () => ({ 'server.address': serverAddress, 'server.port': Number(serverPort) });

describe('messaging metrics (semantic conventions v1.44), both bindings', () => {
  it('kafkajs sends: operation duration and sent messages, with error.type on the failed send', () => {
    const duration = metric('kafkajs', 'messaging.client.operation.duration');
    expect(duration.descriptor.unit).toBe('s');
    const ok = points<Histogram>(duration, kjTopic);
    expect(ok.map((point) => point.value.count).reduce((a, b) => a + b, 0)).toBe(2);
    for (const point of ok) {
      expect(Object.keys(point.attributes).sort()).toEqual(
        ['messaging.destination.name', 'messaging.operation.name', 'messaging.operation.type', 'messaging.system', 'server.address', 'server.port', ...(point.attributes['messaging.destination.partition.id'] === undefined ? [] : ['messaging.destination.partition.id'])].sort(),
      );
    }
    expect(points<Histogram>(duration, tinyTopic)[0]!.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.destination.name': tinyTopic,
      'error.type': 'MESSAGE_TOO_LARGE',
      ...server(),
    });
    const sent = metric('kafkajs', 'messaging.client.sent.messages');
    expect(sent.descriptor.unit).toBe('{message}');
    expect(points<number>(sent, kjTopic).map((point) => point.value).reduce((a, b) => a + b, 0)).toBe(3);
    expect(points<number>(sent, tinyTopic).map((point) => [point.value, point.attributes['error.type']])).toEqual([[1, 'MESSAGE_TOO_LARGE']]);
  });

  it('kafkajs consumer: consumed messages and process duration, with the group and error.type on the failed handler', () => {
    const consumed = metric('kafkajs', 'messaging.client.consumed.messages');
    expect(consumed.descriptor.unit).toBe('{message}');
    const consumedPoints = points<number>(consumed, kjTopic);
    expect(consumedPoints.map((point) => point.value).reduce((a, b) => a + b, 0)).toBe(4);
    expect(consumedPoints[0]!.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.destination.name': kjTopic,
      'messaging.destination.partition.id': '0',
      'messaging.consumer.group.name': `metrics-kj-${kjTopic}`,
      ...server(),
    });
    const processed = metric('kafkajs', 'messaging.process.duration');
    expect(processed.descriptor.unit).toBe('s');
    const failed = points<Histogram>(processed, kjTopic).filter((point) => point.attributes['error.type'] === 'Error');
    expect(failed.map((point) => point.value.count)).toEqual([1]);
    const total = points<Histogram>(processed, kjTopic).map((point) => point.value.count).reduce((a, b) => a + b, 0);
    expect(total).toBe(consumedPoints.map((point) => point.value).reduce((a, b) => a + b, 0));
  });

  it('node-rdkafka: sends measured to the delivery report, consumed messages and process durations', () => {
    const sent = metric('node-rdkafka', 'messaging.client.sent.messages');
    expect(points<number>(sent, rdTopic).map((point) => point.value).reduce((a, b) => a + b, 0)).toBe(2);
    expect(points<number>(sent, rdTopic)[0]!.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.destination.name': rdTopic,
      'messaging.destination.partition.id': '0',
      ...server(),
    });
    const duration = points<Histogram>(metric('node-rdkafka', 'messaging.client.operation.duration'), rdTopic);
    expect(duration.map((point) => point.value.count).reduce((a, b) => a + b, 0)).toBe(2);
    expect(points<number>(metric('node-rdkafka', 'messaging.client.consumed.messages'), rdTopic).map((point) => point.value)).toEqual([2]);
    const processed = points<Histogram>(metric('node-rdkafka', 'messaging.process.duration'), rdTopic);
    expect(processed.map((point) => point.value.count)).toEqual([2]);
    expect(processed[0]!.attributes['messaging.consumer.group.name']).toBe(`metrics-rd-${rdTopic}`);
  });

  it('uses the bucket boundaries the conventions advise for durations', () => {
    const duration = metric('kafkajs', 'messaging.process.duration');
    expect((duration.dataPoints[0] as DataPoint<Histogram>).value.buckets.boundaries).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
  });

  it('records nothing, and builds nothing, without a meter provider', async () => {
    // The global meter provider is the API's no-op one here: the wrappers hold no metrics at all.
    const { resolveProducerOptions } = await import('@tracecarrier/core/binding');
    expect(resolveProducerOptions({}, { name: 't', version: '0' }).metrics).toBeUndefined();
    expect(resolveProducerOptions({ meterProvider }, { name: 't', version: '0' }).metrics).toBeDefined();
  });
});
