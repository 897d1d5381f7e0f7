import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import Client, { type KafkaJS as ClientKafkaJS, type LibrdKafkaError, type Message } from '@confluentinc/kafka-javascript';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KafkaJS, TracedHighLevelProducer, TracedKafkaConsumer, TracedProducer, type Diagnostic } from '@tracecarrier/confluent-kafka-javascript';
import { confluentKafka } from './helpers/confluent.js';
import { connectAdmin, createTopics, randomTopic, waitFor } from './helpers/kafka.js';
import { parentSpanId, setupTracing } from './helpers/otel.js';
import { consumerConfig, producerConfig } from './helpers/rdkafka.js';

/**
 * What the confluent binding does beyond the matrix, on the real broker, in both of the client's
 * APIs: batch sends, eachBatch with processMessage, transactions, errors, hooks, bad input,
 * consume(n, cb), the HighLevelProducer, misuse. The code under test is the one the kafkajs and
 * node-rdkafka bindings use; these cases prove the confluent client's classes and shapes fit it.
 */
const tracing = setupTracing();
const tracer = trace.getTracer('confluent-test');
const cleanup: Array<() => Promise<unknown>> = [];
let admin: Awaited<ReturnType<typeof connectAdmin>>;
beforeAll(async () => void (admin = await connectAdmin()));
afterAll(async () => {
  await admin.disconnect();
  await tracing.provider.shutdown();
});
beforeEach(() => tracing.exporter.reset());
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

const call = (run: (cb: (err: LibrdKafkaError | null | undefined) => void) => void): Promise<void> =>
  new Promise((resolve, reject) => run((err) => (err ? reject(err) : resolve())));
const disconnected = (client: { disconnect(cb: () => void): unknown }) => () => new Promise<void>((resolve) => void client.disconnect(() => resolve()));

async function topicFor(prefix: string, configEntries: Array<{ name: string; value: string }> = []): Promise<string> {
  const topic = randomTopic(prefix);
  if (configEntries.length === 0) await createTopics(admin, [topic]);
  else await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries }], waitForLeaders: true });
  return topic;
}

async function kafkajsProducer(options?: KafkaJS.TracedKafkaOptions, config?: ClientKafkaJS.ProducerConstructorConfig): Promise<ClientKafkaJS.Producer> {
  const producer = confluentKafka('ck-producer', options).producer(config);
  await producer.connect();
  cleanup.push(() => producer.disconnect());
  return producer;
}

async function callbackProducer<P extends TracedProducer | TracedHighLevelProducer>(producer: P): Promise<P> {
  producer.setPollInterval(10);
  await call((cb) => producer.connect({}, cb as never));
  cleanup.push(disconnected(producer));
  return producer;
}

/** Reads `topic` with a KafkaJS-API consumer; `handler` runs in the message's span. */
async function consumeKafkajs(topic: string, handler: (message: ClientKafkaJS.KafkaMessage) => void, options?: KafkaJS.TracedKafkaOptions): Promise<void> {
  const consumer = confluentKafka('ck-consumer', options).consumer({ kafkaJS: { groupId: `g-${topic}`, fromBeginning: true } });
  await consumer.connect();
  cleanup.push(() => consumer.disconnect());
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({ eachMessage: async ({ message }) => handler(message) });
}

const processSpans = (topic: string): ReadableSpan[] => tracing.named(`process ${topic}`).filter((span) => span.attributes['messaging.batch.message_count'] === undefined);

describe('@confluentinc/kafka-javascript, KafkaJS-compatible API', () => {
  it('a multi-message send: a create span per message (each the parent of its process span) and a CLIENT send span linking them', async () => {
    const topic = await topicFor('ck-batch');
    const producer = await kafkajsProducer();
    await producer.send({ topic, messages: [{ key: 'a', value: '{"n":1}' }, { key: 'b', value: '{"n":2}' }] });
    const seen: string[] = [];
    await consumeKafkajs(topic, (message) => void seen.push(String(message.key)));
    await waitFor(() => processSpans(topic).length === 2, 'two process spans', 30_000);
    const creates = tracing.named(`create ${topic}`);
    const [send] = tracing.named(`send ${topic}`);
    expect(creates.map((span) => span.kind)).toEqual([SpanKind.PRODUCER, SpanKind.PRODUCER]);
    expect(send!.kind).toBe(SpanKind.CLIENT);
    expect(send!.attributes['messaging.batch.message_count']).toBe(2);
    expect(send!.links.map((link) => link.context.spanId).sort()).toEqual(creates.map((span) => span.spanContext().spanId).sort());
    expect(processSpans(topic).map(parentSpanId).sort()).toEqual(creates.map((span) => span.spanContext().spanId).sort());
    expect(seen.sort()).toEqual(['a', 'b']);
  });

  it('eachBatch runs under a batch span linked to every producer span; processMessage gives each message its own span', async () => {
    const topic = await topicFor('ck-each-batch');
    const producer = await kafkajsProducer({ producer: { mode: 'envelope' } });
    for (const n of [1, 2, 3]) await producer.send({ topic, messages: [{ value: `{"n":${n}}` }] });
    const sends = tracing.named(`send ${topic}`);
    const consumer = confluentKafka('ck-consumer').consumer({ kafkaJS: { groupId: `g-${topic}`, fromBeginning: true } });
    await consumer.connect();
    cleanup.push(() => consumer.disconnect());
    await consumer.subscribe({ topics: [topic] });
    const values: string[] = [];
    const active: Array<string | undefined> = [];
    await consumer.run({
      eachBatch: async ({ batch, processMessage }) => {
        for (const message of batch.messages) {
          await processMessage(message, () => {
            values.push(String(message.value));
            active.push(trace.getActiveSpan()?.spanContext().traceId);
          });
        }
      },
    });
    await waitFor(() => values.length === 3, 'three messages', 30_000);
    // The handler saw the payloads, not the envelopes, each in its producer's trace.
    expect(values).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(active).toEqual(sends.map((send) => send.spanContext().traceId));
    const batches = tracing.named(`process ${topic}`).filter((span) => span.attributes['messaging.batch.message_count'] !== undefined);
    expect(batches.flatMap((span) => span.links.map((link) => link.context.spanId)).sort()).toEqual(sends.map((send) => send.spanContext().spanId).sort());
    expect(processSpans(topic).map(parentSpanId)).toEqual(sends.map((send) => send.spanContext().spanId));
    expect(processSpans(topic).every((span) => span.attributes['tracecarrier.carrier'] === 'json-envelope')).toBe(true);
  });

  it('transactions: commit and abort in their own spans, linked to their messages; read_committed sees only the committed one', async () => {
    const topic = await topicFor('ck-tx');
    const producer = await kafkajsProducer(undefined, { kafkaJS: { transactionalId: `tx-${topic}` } });
    for (const [value, outcome] of [['aborted', 'abort'], ['committed', 'commit']] as const) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: [{ key: value, value }] });
      await (outcome === 'commit' ? transaction.commit() : transaction.abort());
    }
    const seen: string[] = [];
    await consumeKafkajs(topic, (message) => void seen.push(String(message.value)));
    await waitFor(() => seen.length === 1, 'the committed message', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen).toEqual(['committed']);
    const sends = new Map(tracing.named(`send ${topic}`).map((span) => [span.attributes['messaging.kafka.message.key'], span.spanContext().spanId]));
    for (const [name, key, outcome] of [['abort_transaction', 'aborted', 'aborted'], ['commit_transaction', 'committed', 'committed']] as const) {
      const [end] = tracing.named(name);
      expect(end!.kind).toBe(SpanKind.CLIENT);
      expect(end!.links.map((link) => link.context.spanId)).toEqual([sends.get(key)]);
      expect(end!.attributes).toMatchObject({ 'tracecarrier.transaction.outcome': outcome, 'tracecarrier.transaction.id': `tx-${topic}`, 'messaging.batch.message_count': 1 });
    }
    expect(parentSpanId(processSpans(topic)[0]!)).toBe(sends.get('committed'));
  });

  it("a refused send is an ERROR span with librdkafka's error code name, and the error reaches the caller unchanged", async () => {
    const topic = await topicFor('ck-refused', [{ name: 'max.message.bytes', value: '1000' }]);
    const producer = await kafkajsProducer();
    const error = await producer.send({ topic, messages: [{ value: Buffer.alloc(4000, 'x') }] }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Client.KafkaJS.KafkaJSError);
    const [send] = tracing.named(`send ${topic}`);
    expect(send!.status.code).toBe(SpanStatusCode.ERROR);
    // librdkafka's name for the code, as the callback API gives it (the client's own `type` is `ERR_MSG_SIZE_TOO_LARGE`).
    expect((error as { type?: string }).type).toBe('ERR_MSG_SIZE_TOO_LARGE');
    expect(send!.attributes['error.type']).toBe('MSG_SIZE_TOO_LARGE');
    expect(send!.events.map((event) => event.name)).toContain('exception');
  });

  it('hooks run on every span; a throwing hook and a malformed traceparent are reported, and the handler still gets the message in a fresh trace', async () => {
    const topic = await topicFor('ck-hooks');
    const diagnostics: Diagnostic[] = [];
    const producer = await kafkajsProducer({ producer: { producerHook: (span, { message }) => span.setAttribute('app.key', String(message.key)) } });
    await tracer.startActiveSpan('publish', async (span) => {
      await producer.send({ topic, messages: [{ key: 'good', value: '{}' }, { key: 'bad', value: '{}', headers: { traceparent: '00-not-a-traceparent-01' } }] });
      span.end();
    });
    const seen: string[] = [];
    await consumeKafkajs(topic, (message) => void seen.push(String(message.key)), {
      consumer: {
        onDiagnostic: (diagnostic) => void diagnostics.push(diagnostic),
        consumerHook: () => {
          throw new Error('hook bug');
        },
      },
    });
    await waitFor(() => seen.length === 2, 'both messages', 30_000);
    expect(tracing.named(`create ${topic}`).map((span) => span.attributes['app.key']).sort()).toEqual(['bad', 'good']);
    expect(diagnostics.filter((diagnostic) => diagnostic.code === 'hook-error')).toHaveLength(2);
    // The producer replaced the stale traceparent it was given: both messages continue its trace.
    const creates = tracing.named(`create ${topic}`);
    expect(processSpans(topic).map(parentSpanId).sort()).toEqual(creates.map((span) => span.spanContext().spanId).sort());
  });

  it('misuse fails fast: a second run(), a client wrapped twice, a wrong option', async () => {
    const topic = await topicFor('ck-misuse');
    const kafka = confluentKafka('ck-misuse');
    const consumer = kafka.consumer({ kafkaJS: { groupId: `g-${topic}` } });
    await consumer.connect();
    cleanup.push(() => consumer.disconnect());
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({ eachMessage: async () => undefined });
    await expect(consumer.run({ eachMessage: async () => undefined })).rejects.toMatchObject({ code: 'invalid-state' });
    expect(() => KafkaJS.traceProducer(kafka.producer())).toThrow(/already traced/);
    expect(() => confluentKafka('x', { producer: { mode: 'sideways' } as never })).toThrow(/options\.producer\.mode/);
  });
});

describe('@confluentinc/kafka-javascript, callback API', () => {
  it('consume(n, cb): a batch span linked to each message, per-message spans through processMessage', async () => {
    const topic = await topicFor('cr-batch');
    const producer = await callbackProducer(new TracedProducer({ ...producerConfig('cr-producer'), dr_cb: true } as never, {}, { mode: 'both' }));
    for (const n of [0, 1, 2]) {
      await new Promise<void>((resolve) => {
        producer.once('delivery-report', () => resolve());
        producer.produce(topic, null, Buffer.from(`{"n":${n}}`), null, Date.now());
      });
    }
    const sends = tracing.named(`send ${topic}`);
    const consumer = new TracedKafkaConsumer(consumerConfig('cr-consumer', `g-${topic}`) as never, { 'auto.offset.reset': 'earliest' });
    await call((cb) => consumer.connect({}, cb as never));
    cleanup.push(disconnected(consumer));
    consumer.subscribe([topic]);
    const values: string[] = [];
    const deadline = Date.now() + 30_000;
    while (values.length < 3 && Date.now() < deadline) {
      await new Promise<void>((resolve, reject) =>
        consumer.consume(10, (err, messages: Message[]) => {
          if (err) return reject(err);
          for (const message of messages) consumer.processMessage(message, () => values.push(String(message.value)));
          resolve();
        }),
      );
    }
    expect(values).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
    const batches = tracing.named(`process ${topic}`).filter((span) => span.attributes['messaging.batch.message_count'] !== undefined);
    expect(batches.flatMap((span) => span.links.map((link) => link.context.spanId)).sort()).toEqual(sends.map((send) => send.spanContext().spanId).sort());
    expect(processSpans(topic).map(parentSpanId)).toEqual(sends.map((send) => send.spanContext().spanId));
    // With delivery reports the send span carries where the message went.
    expect(sends.map((send) => send.attributes['messaging.kafka.offset'])).toEqual([0, 1, 2]);
  });

  it('a transactional producer: commit_transaction and abort_transaction spans, linked to their messages', async () => {
    const topic = await topicFor('cr-tx');
    const producer = await callbackProducer(new TracedProducer({ ...producerConfig('cr-tx'), dr_cb: true, 'transactional.id': `tx-${topic}` } as never, {}, {}));
    await call((cb) => producer.initTransactions(30_000, cb as never));
    for (const [value, outcome] of [['aborted', 'abort'], ['committed', 'commit']] as const) {
      await call((cb) => producer.beginTransaction(cb as never));
      producer.produce(topic, null, Buffer.from(value), value, Date.now());
      await call((cb) => producer.flush(30_000, cb as never));
      await call((cb) => (outcome === 'commit' ? producer.commitTransaction(30_000, cb as never) : producer.abortTransaction(30_000, cb as never)));
    }
    const sends = new Map(tracing.named(`send ${topic}`).map((span) => [span.attributes['messaging.kafka.message.key'], span.spanContext().spanId]));
    expect(tracing.named('abort_transaction')[0]!.links.map((link) => link.context.spanId)).toEqual([sends.get('aborted')]);
    expect(tracing.named('commit_transaction')[0]!.links.map((link) => link.context.spanId)).toEqual([sends.get('committed')]);
    expect(tracing.named('commit_transaction')[0]!.attributes['tracecarrier.transaction.outcome']).toBe('committed');
  });

  it("a failed delivery ends the send span with librdkafka's error code name", async () => {
    const topic = await topicFor('cr-refused', [{ name: 'max.message.bytes', value: '1000' }]);
    const producer = await callbackProducer(new TracedProducer({ ...producerConfig('cr-producer'), dr_cb: true, 'message.send.max.retries': 0 } as never, {}, {}));
    const error = await new Promise<unknown>((resolve) => {
      producer.once('delivery-report', (err) => resolve(err));
      producer.produce(topic, null, Buffer.alloc(4000, 'x'), null, Date.now());
    });
    expect(error).toBeTruthy();
    const [send] = tracing.named(`send ${topic}`);
    expect(send!.status.code).toBe(SpanStatusCode.ERROR);
    expect(send!.attributes['error.type']).toBe('MSG_SIZE_TOO_LARGE');
  });

  it('the HighLevelProducer: a send span per produce, ended at the delivery callback with the offset', async () => {
    const topic = await topicFor('cr-hlp');
    const producer = await callbackProducer(new TracedHighLevelProducer({ ...producerConfig('cr-hlp') } as never, {}, {}));
    const offset = await new Promise<number>((resolve, reject) =>
      producer.produce(topic, null, Buffer.from('{"n":1}'), 'k', Date.now(), (err: unknown, at?: number | null) => (err ? reject(err) : resolve(at ?? -1))),
    );
    const [send] = tracing.named(`send ${topic}`);
    expect(send!.kind).toBe(SpanKind.PRODUCER);
    expect(send!.attributes['messaging.kafka.offset']).toBe(offset);
    expect(send!.instrumentationScope.name).toBe('@tracecarrier/confluent-kafka-javascript');
  });

  it("refuses tracecarrier options in the client's topic-config slot, naming the client", () => {
    expect(() => new TracedKafkaConsumer({ ...consumerConfig('x', 'g') } as never, { mode: 'envelope' } as never)).toThrow(/@confluentinc\/kafka-javascript's topic config/);
  });
});
