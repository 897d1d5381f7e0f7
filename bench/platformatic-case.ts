/**
 * Part 8's cases for @platformatic/kafka (broker-case.ts runs them): the bare client (with one
 * constant `traceparent`, the floor), tracecarrier's `TracedProducer`/`TracedConsumer`, the same
 * tracing by hand and context only (hand-written-platformatic.ts), and @platformatic/kafka-opentelemetry.
 * The consumer reads the stream with a `'data'` listener, the first way docs/platformatic-kafka.md shows.
 */
import { trace } from '@opentelemetry/api';
import type * as Platformatic from '@platformatic/kafka';
import type * as PlatformaticOtel from '@platformatic/kafka-opentelemetry';
import { BATCH, CONSTANT_TRACEPARENT, consumeClock, consumerMode, producing, profileSide, type CaseName } from './broker-case.js';
import { contextOnlyPltListener, contextOnlyPltSend, handWrittenPltListener, handWrittenPltSend, type PltReceived, type PltToSend } from './hand-written-platformatic.js';

type Message = Platformatic.Message<Buffer, Buffer, Buffer, Buffer>;

export async function runPlatformatic(name: CaseName, brokers: string[], topic: string, value: Buffer, messages: number) {
  const kafka = await import('@platformatic/kafka');
  const official = name.startsWith('platformatic-otel-instrumentation');
  if (official) {
    // It listens on the client's diagnostics channels: enabled once, before the clients exist.
    const { KafkaInstrumentation } = (await import('@platformatic/kafka-opentelemetry')) as typeof PlatformaticOtel;
    const instrumentation = new KafkaInstrumentation({ enabled: false });
    instrumentation.setTracerProvider(trace.getTracerProvider());
    instrumentation.enable();
  }
  const sdk = name.startsWith('platformatic-headers') ? await import('@tracecarrier/platformatic-kafka') : undefined;
  const tracer = trace.getTracer('hand-written');
  const byHand = name.includes('hand-written');
  const contextOnly = name.endsWith('context-only');
  const client = { clientId: 'bench', bootstrapBrokers: brokers };
  // The official instrumentation writes and reads string headers: string header serializers for it,
  // the value still a Buffer as in every other case (with the default serializers its send fails).
  const serializers = official ? { headerKey: kafka.stringSerializer, headerValue: kafka.stringSerializer } : undefined;
  const deserializers = official ? { headerKey: kafka.stringDeserializer, headerValue: kafka.stringDeserializer } : undefined;

  const admin = new kafka.Admin(client);
  await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
  await admin.close();

  const producerOptions = { ...client, ...(serializers === undefined ? {} : { serializers }) } as Platformatic.ProducerOptions<Buffer, Buffer, Buffer, Buffer>;
  const producer = sdk ? new sdk.TracedProducer(producerOptions) : new kafka.Producer(producerOptions);
  type Request = { messages: PltToSend[] };
  const plainSend = (request: Request) => producer.send(request as Platformatic.SendOptions<Buffer, Buffer, Buffer, Buffer>);
  const send = byHand ? handWrittenPltSend(tracer, plainSend) : contextOnly ? contextOnlyPltSend(plainSend) : plainSend;
  const header = (): Map<Buffer, Buffer> => new Map([[Buffer.from('traceparent'), Buffer.from(CONSTANT_TRACEPARENT)]]);
  const batch = (count: number): PltToSend[] => Array.from({ length: count }, () => (name === 'platformatic-bare-with-header' ? { topic, value, headers: header() } : { topic, value }));
  const produceMs = await producing(name, async () => {
    const produceStart = performance.now();
    for (let sent = 0; sent < messages; sent += BATCH) await send({ messages: batch(Math.min(BATCH, messages - sent)) });
    return performance.now() - produceStart;
  });
  await producer.close();

  const consumerOptions = { ...client, groupId: `${topic}-g`, maxWaitTime: 100, maxBytes: 16 * 1024 * 1024, ...(deserializers === undefined ? {} : { deserializers }) } as Platformatic.ConsumerOptions<Buffer, Buffer, Buffer, Buffer>;
  const consumer = sdk ? new sdk.TracedConsumer(consumerOptions, consumerMode(name)) : new kafka.Consumer(consumerOptions);
  const clock = consumeClock(messages, value.length);
  const handler = (message: Message) => clock.onMessage(message.value);
  const { processWithTracing } = official ? ((await import('@platformatic/kafka-opentelemetry')) as typeof PlatformaticOtel) : { processWithTracing: undefined };
  const listener: (message: Message) => unknown = byHand
    ? handWrittenPltListener<Message & PltReceived>(tracer, handler)
    : contextOnly
      ? contextOnlyPltListener<Message & PltReceived>(handler)
      : processWithTracing !== undefined
        ? (message) => processWithTracing(message, () => handler(message))
        : handler;
  const profiling = await profileSide();
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
  stream.on('data', listener);
  await clock.done;
  await profiling?.stop();
  await stream.close();
  await consumer.close(true);
  return { produceMs, consumeMs: clock.elapsedMs(), consumeCpuUs: clock.cpuPerMessageUs() };
}
