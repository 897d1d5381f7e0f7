import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Message } from 'node-rdkafka';
import { afterEach, describe, expect, it } from 'vitest';
import { TracedHighLevelProducer, TracedKafkaConsumer, TracedProducer, createMessagePropagator, type Diagnostic } from '@tracecarrier/node-rdkafka';
import { useKafkajsSuite } from './helpers/kafkajs-suite.js';
import { brokers, createTopics, randomTopic, waitFor } from './helpers/kafka.js';
import { parentSpanId } from './helpers/otel.js';
import { CONSUMER_TOPIC_CONFIG, RdKafka, connectProducer, consumerConfig, disconnect, produceAndWait, producerConfig, startFlowing } from './helpers/rdkafka.js';

const suite = useKafkajsSuite();
const { tracing } = suite;
const tracer = trace.getTracer('test-app');
const clients: Array<InstanceType<typeof RdKafka.Producer> | InstanceType<typeof RdKafka.KafkaConsumer>> = [];
afterEach(async () => {
  while (clients.length > 0) await disconnect(clients.pop()!);
});
let topic: string;

async function newTopic(): Promise<string> {
  topic = randomTopic('rd');
  await createTopics(suite.admin(), [topic]);
  return topic;
}

const [serverAddress, serverPort] = brokers()[0]!.split(':') as [string, string];
const PAYLOAD = Buffer.from('{"title":"rdkafka story"}');

describe('@tracecarrier/node-rdkafka against a real broker', () => {
  it('ends the send span at the delivery report and connects a flowing consumer, handler spans included', async () => {
    await newTopic();
    const producer = await connectProducer(new TracedProducer(producerConfig('rd-producer'), {}, { mode: 'headers' }));
    clients.push(producer);
    const consumer = new TracedKafkaConsumer(consumerConfig('rd-consumer', `g-${topic}`), CONSUMER_TOPIC_CONFIG);
    clients.push(consumer);
    const seen: Array<{ message: Message; spanId: string | undefined }> = [];
    await startFlowing(consumer, [topic], (message) => {
      tracer.startSpan('handler-work').end();
      seen.push({ message, spanId: trace.getActiveSpan()?.spanContext().spanId });
    });
    await tracer.startActiveSpan('publish', async (span) => {
      await produceAndWait(producer, topic, PAYLOAD, 'k1');
      span.end();
    });
    const send = tracing.named(`send ${topic}`)[0]!;
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.attributes).toMatchObject({ 'messaging.destination.partition.id': '0', 'messaging.kafka.offset': 0, 'messaging.client.id': 'rd-producer' });
    expect(producer.pendingDeliveries).toBe(0);
    await waitFor(() => seen.length === 1 && tracing.named(`process ${topic}`).length === 1, 'the message', 45_000);
    const process = tracing.named(`process ${topic}`)[0]!;
    expect(seen[0]!.message.value!.equals(PAYLOAD)).toBe(true);
    expect(process.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(parentSpanId(process)).toBe(send.spanContext().spanId);
    expect(seen[0]!.spanId).toBe(process.spanContext().spanId);
    expect(parentSpanId(tracing.named('handler-work')[0]!)).toBe(process.spanContext().spanId);
    expect(process.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.kafka.offset': 0,
      'messaging.kafka.message.key': 'k1',
      'messaging.consumer.group.name': `g-${topic}`,
      'messaging.client.id': 'rd-consumer',
      'server.address': serverAddress,
      'server.port': Number(serverPort),
    });
  });

  it('hands the caller opaque to delivery-report listeners and never mutates the headers argument', async () => {
    await newTopic();
    const producer = await connectProducer(new TracedProducer(producerConfig('rd-producer'), {}, { mode: 'both' }));
    clients.push(producer);
    const headers = [{ 'x-app': 'shop' }];
    const opaques: unknown[] = [];
    producer.on('delivery-report', (_err, report) => opaques.push(report.opaque));
    const mine = { mine: true };
    producer.produce(topic, null, PAYLOAD, null, Date.now(), mine, headers);
    await waitFor(() => opaques.length === 1, 'the delivery report');
    expect(opaques[0]).toBe(mine);
    expect(headers).toEqual([{ 'x-app': 'shop' }]);
  });

  it('records a failed produce on the span and throws the same error', async () => {
    await newTopic();
    const producer = await connectProducer(new TracedProducer({ ...producerConfig('rd-producer'), 'message.max.bytes': 1000 }, {}));
    clients.push(producer);
    let thrown: unknown;
    try {
      producer.produce(topic, null, Buffer.alloc(5000), null);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    const send = tracing.named(`send ${topic}`)[0]!;
    expect(send.status.code).toBe(SpanStatusCode.ERROR);
    expect(send.events[0]?.attributes?.['exception.message']).toBe((thrown as Error).message);
  });

  it('ends outstanding send spans when the producer disconnects before their reports', async () => {
    await newTopic();
    // No polling, and a disconnect that does not wait: the report is never served.
    const producer = new TracedProducer(producerConfig('rd-producer'), {});
    await new Promise<void>((resolve, reject) => producer.connect({}, (err) => (err ? reject(err) : resolve())));
    producer.produce(topic, null, PAYLOAD, null);
    expect(producer.pendingDeliveries).toBe(1);
    await new Promise<void>((resolve) => producer.disconnect(0, () => resolve()));
    await waitFor(() => producer.pendingDeliveries === 0 && tracing.named(`send ${topic}`).length === 1, 'the span to end');
    expect(tracing.named(`send ${topic}`)[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('traces HighLevelProducer sends, ending at the delivery callback with the offset', async () => {
    await newTopic();
    const producer = await connectProducer(new TracedHighLevelProducer(producerConfig('rd-hl'), {}, { mode: 'envelope' }));
    clients.push(producer);
    const offset = await new Promise<number | null | undefined>((resolve, reject) =>
      producer.produce(topic, null, PAYLOAD, 'k', Date.now(), (err, at) => (err ? reject(err) : resolve(at))),
    );
    expect(offset).toBe(0);
    const send = tracing.named(`send ${topic}`)[0]!;
    expect(send.attributes['messaging.kafka.offset']).toBe(0);
    expect(() => producer.setValueSerializer((value: unknown) => Buffer.from(String(value)))).toThrow(/producer: the "json-envelope" carrier writes the value/);
    const consumer = new TracedKafkaConsumer(consumerConfig('rd-consumer', `g-${topic}`), CONSUMER_TOPIC_CONFIG);
    clients.push(consumer);
    const seen: Message[] = [];
    await startFlowing(consumer, [topic], (message) => seen.push(message));
    await waitFor(() => seen.length === 1 && tracing.named(`process ${topic}`).length === 1, 'the message', 45_000);
    expect(seen[0]!.value!.equals(PAYLOAD)).toBe(true);
    expect(parentSpanId(tracing.named(`process ${topic}`)[0]!)).toBe(send.spanContext().spanId);
  });

  it('gives consume(n, cb) a batch span linked to each message, with per-message spans via processMessage', async () => {
    await newTopic();
    const producer = await connectProducer(new TracedProducer(producerConfig('rd-producer'), {}, { mode: 'envelope', envelope: { format: 'cloudevents' } }));
    clients.push(producer);
    for (let i = 0; i < 3; i++) await produceAndWait(producer, topic, Buffer.from(`{"n":${i}}`), null);
    const sends = tracing.named(`send ${topic}`);
    const consumer = new TracedKafkaConsumer(consumerConfig('rd-consumer', `g-${topic}`), CONSUMER_TOPIC_CONFIG);
    clients.push(consumer);
    const values: string[] = [];
    const traces: Array<string | undefined> = [];
    await new Promise<void>((resolve, reject) =>
      consumer.connect({}, (err) => {
        if (err) return reject(err);
        consumer.subscribe([topic]);
        resolve();
      }),
    );
    const deadline = Date.now() + 45_000;
    while (values.length < 3 && Date.now() < deadline) {
      await new Promise<void>((resolve, reject) =>
        consumer.consume(10, (err, messages) => {
          if (err) return reject(err);
          for (const message of messages) {
            consumer.processMessage(message, () => {
              values.push(message.value!.toString());
              traces.push(trace.getActiveSpan()?.spanContext().traceId);
            });
          }
          resolve();
        }),
      );
    }
    expect(values).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
    expect(traces).toEqual(sends.map((send) => send.spanContext().traceId));
    const spans = tracing.named(`process ${topic}`);
    const batches = spans.filter((span) => span.attributes['messaging.batch.message_count'] !== undefined);
    expect(batches.flatMap((span) => span.links.map((link) => link.context.spanId)).sort()).toEqual(sends.map((s) => s.spanContext().spanId).sort());
    const perMessage = spans.filter((span) => span.attributes['messaging.batch.message_count'] === undefined);
    expect(perMessage.map(parentSpanId)).toEqual(sends.map((send) => send.spanContext().spanId));
  });

  it('carries context with the manual API around plain node-rdkafka clients', async () => {
    await newTopic();
    const propagator = createMessagePropagator({ producer: { mode: 'envelope' } });
    const plain = await connectProducer(new RdKafka.Producer(producerConfig('plain')));
    clients.push(plain);
    const root = tracer.startSpan('manual-root');
    const { value, headers } = propagator.inject(topic, { value: PAYLOAD, headers: [{ 'x-app': 'stream' }] }, trace.setSpan(context.active(), root));
    root.end();
    await produceAndWait(plain, topic, value, null, headers);
    const consumer = new RdKafka.KafkaConsumer(consumerConfig('plain', `g-${topic}`), CONSUMER_TOPIC_CONFIG);
    clients.push(consumer);
    const seen: Message[] = [];
    await startFlowing(consumer, [topic], (message) => seen.push(message));
    await waitFor(() => seen.length === 1, 'the message', 45_000);
    const extracted = propagator.extract(seen[0]!);
    expect(extracted.carrier).toBe('json-envelope');
    expect(extracted.message.value!.equals(PAYLOAD)).toBe(true);
    expect(trace.getSpanContext(extracted.context)?.spanId).toBe(root.spanContext().spanId);
    expect(seen[0]!.headers).toEqual([{ 'x-app': Buffer.from('stream') }]);
  });

  it('reports bad input and still delivers the message', async () => {
    await newTopic();
    // node-rdkafka's producer stringifies header values, so the raw bytes come from kafkajs.
    const plain = await suite.plainProducer();
    await plain.send({ topic, messages: [{ value: '{"tracecarrier":1,"context":', headers: { traceparent: Buffer.from([0xff, 0xfe]) } }] });
    const diagnostics: Diagnostic[] = [];
    const consumer = new TracedKafkaConsumer(consumerConfig('rd-consumer', `g-${topic}`), CONSUMER_TOPIC_CONFIG, { onDiagnostic: (d) => diagnostics.push(d) });
    clients.push(consumer);
    const seen: Message[] = [];
    await startFlowing(consumer, [topic], (message) => seen.push(message));
    await waitFor(() => seen.length === 1, 'the message', 45_000);
    expect(seen[0]!.value!.toString()).toBe('{"tracecarrier":1,"context":');
    expect(diagnostics.map((d) => d.code).sort()).toEqual(['invalid-envelope', 'non-utf8-header']);
  });

  describe('regressions (issue 10)', () => {
    it('consume(n, cb) with an async callback: every per-message span after an await still has its producer parent', async () => {
      await newTopic();
      const producer = await connectProducer(new TracedProducer(producerConfig('rd-producer'), {}, { mode: 'envelope' }));
      clients.push(producer);
      for (let i = 0; i < 4; i++) await produceAndWait(producer, topic, Buffer.from(`{"n":${i}}`), null);
      const sends = tracing.named(`send ${topic}`);
      const consumer = new TracedKafkaConsumer(consumerConfig('rd-consumer', `g-${topic}`), CONSUMER_TOPIC_CONFIG);
      clients.push(consumer);
      await new Promise<void>((resolve, reject) =>
        consumer.connect({}, (err) => {
          if (err) return reject(err);
          consumer.subscribe([topic]);
          resolve();
        }),
      );
      const values: string[] = [];
      const deadline = Date.now() + 45_000;
      while (values.length < 4 && Date.now() < deadline) {
        await new Promise<void>((resolve, reject) => {
          consumer.consume(10, async (err, messages) => {
            if (err) return reject(err);
            await new Promise((tick) => setTimeout(tick, 5)); // the callback's first await: node-rdkafka has moved on
            for (const message of messages) {
              await consumer.processMessage(message, async () => {
                await new Promise((tick) => setTimeout(tick, 1));
                values.push(message.value!.toString());
              });
            }
            resolve();
          });
        });
      }
      expect(values).toEqual(['{"n":0}', '{"n":1}', '{"n":2}', '{"n":3}']);
      const perMessage = tracing.named(`process ${topic}`).filter((span) => span.attributes['messaging.batch.message_count'] === undefined);
      expect(perMessage.map(parentSpanId)).toEqual(sends.map((send) => send.spanContext().spanId));
      expect(perMessage.every((span) => span.attributes['tracecarrier.carrier'] === 'json-envelope')).toBe(true);
    });

    it('TracedHighLevelProducer in headers mode hands the value serializer the caller\'s value, as the plain one does', async () => {
      await newTopic();
      const producer = await connectProducer(new TracedHighLevelProducer(producerConfig('rd-hl'), {}, { mode: 'headers' }));
      clients.push(producer);
      const given: unknown[] = [];
      producer.setValueSerializer((value: unknown) => {
        given.push(value);
        return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
      });
      for (const value of ['hello', { id: 7 }]) {
        await new Promise<void>((resolve, reject) => producer.produce(topic, null, value, null, Date.now(), (err: unknown) => (err ? reject(err) : resolve())));
      }
      expect(given).toEqual(['hello', { id: 7 }]);
      const consumer = new TracedKafkaConsumer(consumerConfig('rd-consumer', `g-${topic}`), CONSUMER_TOPIC_CONFIG);
      clients.push(consumer);
      const seen: Message[] = [];
      await startFlowing(consumer, [topic], (message) => seen.push(message));
      await waitFor(() => seen.length === 2, 'both messages', 45_000);
      expect(seen.map((message) => message.value!.toString())).toEqual(['hello', '{"id":7}']);
      const sends = tracing.named(`send ${topic}`);
      expect(sends).toHaveLength(2);
      expect(sends[0]!.attributes['messaging.message.body.size']).toBe(5);
      expect(sends[1]!.attributes['messaging.message.body.size']).toBeUndefined(); // not bytes until the serializer runs
      expect(tracing.openSpans()).toBe(0);
    });

    it('TracedProducer with delivery.report.only.error: spans end OK at produce and nothing waits for a report', async () => {
      await newTopic();
      const producer = await connectProducer(new TracedProducer({ ...producerConfig('rd-only-error'), 'delivery.report.only.error': true }, {}, { mode: 'headers' }));
      clients.push(producer);
      for (let i = 0; i < 200; i++) producer.produce(topic, null, Buffer.from(`m${i}`), null, Date.now());
      expect(producer.pendingDeliveries).toBe(0);
      await new Promise<void>((resolve, reject) => producer.flush(10_000, (err) => (err ? reject(err) : resolve())));
      await disconnect(producer);
      const sends = tracing.named(`send ${topic}`);
      expect(sends).toHaveLength(200);
      expect(sends.filter((span) => span.status.code !== SpanStatusCode.UNSET)).toEqual([]);
      expect(tracing.openSpans()).toBe(0);
    });

    it('a propagator whose inject throws: reported, the span ended, the message sent', async () => {
      await newTopic();
      const diagnostics: Diagnostic[] = [];
      const throwing = { inject: () => { throw new Error('propagator bug'); }, extract: (ctx: ReturnType<typeof context.active>) => ctx, fields: () => ['traceparent'] };
      const producer = await connectProducer(new TracedProducer(producerConfig('rd-producer'), {}, { propagator: throwing, onDiagnostic: (d) => diagnostics.push(d) }));
      clients.push(producer);
      await produceAndWait(producer, topic, PAYLOAD, 'k');
      expect(diagnostics.map((d) => d.code)).toEqual(['propagator-error']);
      const [send] = tracing.named(`send ${topic}`);
      expect(send!.status.code).toBe(SpanStatusCode.UNSET);
      expect(tracing.openSpans()).toBe(0);
      const consumer = new RdKafka.KafkaConsumer(consumerConfig('plain', `g-${topic}`), CONSUMER_TOPIC_CONFIG);
      clients.push(consumer);
      const seen: Message[] = [];
      await startFlowing(consumer, [topic], (message) => seen.push(message));
      await waitFor(() => seen.length === 1, 'the message', 45_000);
      expect(seen[0]!.value!.equals(PAYLOAD)).toBe(true);
    });

  });
});

