import { trace } from '@opentelemetry/api';
import { Kafka, type Admin, type KafkaMessage, type Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { TracedKafka, type KafkajsConsumerOptions, type KafkajsProducerOptions, type TracedConsumer } from '@tracecarrier/kafkajs';
import { connectAdmin, kafkaConfig, type Received } from './kafka.js';
import { setupTracing, type TestTracing } from './otel.js';

/** Options of {@link KafkajsSuite.consume}. */
export interface ConsumeOptions {
  readonly options?: Omit<KafkajsConsumerOptions, 'clientId' | 'brokers' | 'groupId'>;
  readonly handler?: (payload: { message: KafkaMessage }) => Promise<void> | void;
}

/** Per-file fixtures of the kafkajs integration suites; every client they open is closed after each test. */
export interface KafkajsSuite {
  readonly tracing: TestTracing;
  admin(): Admin;
  tracedProducer(options?: KafkajsProducerOptions): Promise<Producer>;
  plainProducer(): Promise<Producer>;
  /** Starts a traced consumer on `topic` that records each message and creates a `handler-work` span inside. */
  consume(topic: string, options?: ConsumeOptions): Promise<{ consumer: TracedConsumer; received: Received[]; groupId: string }>;
  /** Registers a clean-up step for the current test. */
  onCleanup(step: () => Promise<void>): void;
}

/** Registers the suite's hooks (tracing, admin, clean-up) and returns its fixtures. */
export function useKafkajsSuite(): KafkajsSuite {
  const tracing = setupTracing();
  const tracer = trace.getTracer('test-app');
  let admin: Admin | undefined;
  const cleanup: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    admin = await connectAdmin();
  });
  afterAll(async () => {
    await admin?.disconnect();
  });
  beforeEach(() => tracing.exporter.reset());
  afterEach(async () => {
    while (cleanup.length > 0) await cleanup.pop()?.();
  });
  return {
    tracing,
    admin: () => {
      if (admin === undefined) throw new Error('admin not connected yet');
      return admin;
    },
    onCleanup: (step) => void cleanup.push(step),
    async tracedProducer(options = {}) {
      const producer = new TracedKafka(kafkaConfig('tc-producer'), { producer: options }).producer();
      await producer.connect();
      cleanup.push(() => producer.disconnect());
      return producer;
    },
    async plainProducer() {
      const producer = new Kafka(kafkaConfig('plain-producer')).producer();
      await producer.connect();
      cleanup.push(() => producer.disconnect());
      return producer;
    },
    async consume(topic, { options = {}, handler } = {}) {
      const groupId = `g-${topic}`;
      const consumer = new TracedKafka(kafkaConfig('tc-consumer'), { consumer: options }).consumer({
        groupId,
        maxWaitTimeInMs: 100,
        retry: { retries: 5, initialRetryTime: 100 },
      });
      await consumer.connect();
      cleanup.push(() => consumer.disconnect());
      await consumer.subscribe({ topic, fromBeginning: true });
      const received: Received[] = [];
      await consumer.run({
        eachMessage: async ({ topic: from, partition, message }) => {
          const active = trace.getActiveSpan()?.spanContext();
          tracer.startSpan('handler-work').end();
          await handler?.({ message });
          received.push({ topic: from, partition, message, activeTraceId: active?.traceId, activeSpanId: active?.spanId });
        },
      });
      return { consumer, received, groupId };
    },
  };
}
