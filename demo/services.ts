import type { TracerProvider } from '@opentelemetry/api';
import { logLevel } from 'kafkajs';
import RdKafka from 'node-rdkafka';
import { TracedKafka } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer } from '@tracecarrier/node-rdkafka';
import type { Story } from './stories.js';

export const TOPIC = 'hnstories';
export const ENVELOPE_TOPIC = 'hnstories-envelope';

import type { StartOffsets } from './cluster.js';

/**
 * The publisher service (kafkajs): one `publish story` span per story, with its title, as in the
 * article; inside it the story goes to `hnstories` with the context in headers, and to
 * `hnstories-envelope` in a JSON envelope for consumers that cannot read headers.
 */
export async function startPublisher(brokers: string, provider: TracerProvider) {
  const kafka = new TracedKafka(
    { clientId: 'hn-publisher', brokers: brokers.split(','), logLevel: logLevel.ERROR },
    { producer: { tracerProvider: provider, producerHook: (span, { message }) => span.setAttribute('title', JSON.parse(String(message.value)).title) } },
  );
  const headers = kafka.producer(undefined, { mode: 'headers' });
  const envelope = kafka.producer(undefined, { mode: 'envelope' });
  await Promise.all([headers.connect(), envelope.connect()]);
  const tracer = provider.getTracer('hn-publisher');
  return {
    async publish(story: Story): Promise<void> {
      await tracer.startActiveSpan('publish story', { attributes: { title: story.title, 'hn.object_id': story.objectID } }, async (span) => {
        const message = { key: story.objectID, value: JSON.stringify(story) };
        await headers.send({ topic: TOPIC, messages: [message] });
        await envelope.send({ topic: ENVELOPE_TOPIC, messages: [message] });
        span.end();
      });
    },
    stop: () => Promise.all([headers.disconnect(), envelope.disconnect()]),
  };
}

function connect(consumer: RdKafka.KafkaConsumer, start: StartOffsets): Promise<void> {
  return new Promise((resolve, reject) =>
    consumer.connect({ timeout: 10_000 }, (err) => {
      if (err) return reject(err);
      // Explicit assignment: no group rebalance to wait for, and exactly this run's messages.
      consumer.assign(start);
      consumer.consume();
      resolve();
    }),
  );
}

/** A node-rdkafka consumer service with the SDK: each message in a `process` span, work in a child span. */
export async function startTracedConsumer(
  service: string,
  brokers: string,
  provider: TracerProvider,
  mode: 'headers' | 'envelope',
  start: StartOffsets,
  onStory: (story: Story) => void,
): Promise<RdKafka.KafkaConsumer> {
  const consumer = new TracedKafkaConsumer(
    { 'metadata.broker.list': brokers, 'group.id': `${service}-${process.pid}`, 'client.id': service, 'enable.auto.commit': false, 'fetch.wait.max.ms': 20 },
    {},
    { tracerProvider: provider, mode },
  );
  const tracer = provider.getTracer(service);
  consumer.on('data', (message) => {
    const story = JSON.parse(String(message.value)) as Story;
    // Runs inside the process span: this span joins the publisher's trace.
    tracer.startActiveSpan(service === 'hn-indexer' ? 'index story' : 'archive story', (span) => {
      span.setAttribute('title', story.title);
      span.setAttribute('hn.words', story.title.split(/\s+/).length);
      span.end();
    });
    onStory(story);
  });
  await connect(consumer, start);
  return consumer;
}

/** The legacy service: plain node-rdkafka, no SDK, reads only values. It sees the envelope as JSON. */
export async function startLegacyConsumer(brokers: string, start: StartOffsets, onValue: (value: Buffer) => void): Promise<RdKafka.KafkaConsumer> {
  const consumer = new RdKafka.KafkaConsumer({ 'metadata.broker.list': brokers, 'group.id': `legacy-${process.pid}`, 'enable.auto.commit': false, 'fetch.wait.max.ms': 20 }, {});
  consumer.on('data', (message) => onValue(message.value ?? Buffer.alloc(0)));
  await connect(consumer, start);
  return consumer;
}

/** Disconnects a node-rdkafka client, waiting for it. */
export function disconnect(client: RdKafka.KafkaConsumer): Promise<void> {
  return new Promise((resolve) => (client.isConnected() ? client.disconnect(() => resolve()) : resolve()));
}
