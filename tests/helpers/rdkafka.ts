import RdKafka from 'node-rdkafka';
import type { ConsumerGlobalConfig, KafkaConsumer, Message, Producer, ProducerGlobalConfig } from 'node-rdkafka';
import { brokers } from './kafka.js';

/** librdkafka settings for tests against the suite's broker. */
export function rdkafkaBase(clientId: string): { 'metadata.broker.list': string; 'client.id': string } {
  return { 'metadata.broker.list': brokers().join(','), 'client.id': clientId };
}

/** Producer settings: delivery reports on, quick polling. */
export function producerConfig(clientId: string): ProducerGlobalConfig {
  return { ...rdkafkaBase(clientId), dr_cb: true, 'linger.ms': 1 };
}

/** Consumer settings: a group, from the earliest offset, no waiting around. */
export function consumerConfig(clientId: string, groupId: string): ConsumerGlobalConfig {
  return {
    ...rdkafkaBase(clientId),
    'group.id': groupId,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': true,
    'fetch.wait.max.ms': 50,
    'session.timeout.ms': 6000,
    'heartbeat.interval.ms': 500,
  } as ConsumerGlobalConfig;
}

/**
 * Topic settings for consumers. `auto.offset.reset` must be here: node-rdkafka's topic config
 * replaces librdkafka's default one, so the global setting would be lost.
 */
export const CONSUMER_TOPIC_CONFIG = { 'auto.offset.reset': 'earliest' } as const;

/** Connects a producer (of any class), polling for delivery reports. */
export function connectProducer<P extends Producer>(producer: P): Promise<P> {
  return new Promise((resolve, reject) => {
    producer.setPollInterval(10);
    producer.connect({}, (err) => (err ? reject(err) : resolve(producer)));
  });
}

/** Produces one message and resolves at its delivery report. */
export function produceAndWait(
  producer: Producer,
  topic: string,
  value: Buffer | null,
  key: string | null,
  headers?: Array<{ [key: string]: string | Buffer }>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const opaque = { id: Symbol('delivery') };
    const onReport = (err: unknown, report: { opaque?: unknown }) => {
      if (report.opaque !== opaque) return;
      producer.removeListener('delivery-report', onReport);
      if (err) reject(err);
      else resolve();
    };
    producer.on('delivery-report', onReport);
    producer.produce(topic, null, value, key, Date.now(), opaque, headers);
  });
}

/** Connects a consumer, subscribes to `topics` and starts flowing mode. */
export function startFlowing(consumer: KafkaConsumer, topics: string[], onMessage: (message: Message) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    consumer.on('data', onMessage);
    consumer.connect({}, (err) => {
      if (err) return reject(err);
      consumer.subscribe(topics);
      consumer.consume();
      resolve();
    });
  });
}

/** Disconnects any node-rdkafka client. */
export function disconnect(client: Producer | KafkaConsumer): Promise<void> {
  return new Promise((resolve) => {
    if (!client.isConnected()) return resolve();
    client.disconnect(() => resolve());
  });
}

export { RdKafka };
