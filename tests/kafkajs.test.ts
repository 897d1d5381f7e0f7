import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Kafka, KafkaJSProtocolError, type Admin, type IHeaders, type KafkaMessage, type Producer } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TracedKafka, createMessagePropagator, type Diagnostic } from '@tracecarrier/kafkajs';
import { useKafkajsSuite } from './helpers/kafkajs-suite.js';
import { validateEnvelope } from './helpers/envelope-schema.js';
import { brokers, createTopics, kafkaConfig, randomTopic, waitFor, type Received } from './helpers/kafka.js';
import { parentSpanId } from './helpers/otel.js';

const suite = useKafkajsSuite();
const { tracing, tracedProducer, plainProducer, consume } = suite;
const tracer = trace.getTracer('test-app');
const cleanup = { push: suite.onCleanup };
let admin: Admin;
beforeAll(() => {
  admin = suite.admin();
});

const [serverAddress, serverPort] = brokers()[0]!.split(':') as [string, string];

/** Sends one message inside an application span, as the article's producer does. */
async function sendInSpan(producer: Producer, topic: string, value: Buffer | string | null, headers?: IHeaders): Promise<ReadableSpan> {
  await tracer.startActiveSpan('publish-story', async (span) => {
    await producer.send({ topic, messages: [{ key: 'k1', value, ...(headers === undefined ? {} : { headers }) }] });
    span.end();
  });
  const [send] = tracing.named(`send ${topic}`);
  expect(send).toBeDefined();
  return send!;
}

function processSpans(topic: string): ReadableSpan[] {
  return tracing.named(`process ${topic}`);
}

/** The full structural check of one producer → consumer hop. */
function expectConnected(send: ReadableSpan, process: ReadableSpan, received: Received, groupId: string): void {
  const producer = send.spanContext();
  expect(send.kind).toBe(SpanKind.PRODUCER);
  expect(process.kind).toBe(SpanKind.CONSUMER);
  expect(process.spanContext().traceId).toBe(producer.traceId);
  expect(parentSpanId(process)).toBe(producer.spanId);
  expect(process.links.map((link) => link.context.spanId)).toEqual([producer.spanId]);
  expect(received.activeTraceId).toBe(producer.traceId);
  expect(received.activeSpanId).toBe(process.spanContext().spanId);
  const work = tracing.named('handler-work').find((span) => span.spanContext().traceId === producer.traceId);
  expect(work && parentSpanId(work)).toBe(process.spanContext().spanId);
  expect(process.attributes).toMatchObject({
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': received.topic,
    'messaging.destination.partition.id': '0',
    'messaging.kafka.offset': Number(received.message.offset),
    'messaging.kafka.message.key': 'k1',
    'messaging.consumer.group.name': groupId,
    'messaging.client.id': 'tc-consumer',
    'server.address': serverAddress,
    'server.port': Number(serverPort),
  });
  expect(typeof process.attributes['messaging.kafka.offset']).toBe('number');
  expect(send.attributes).toMatchObject({
    'messaging.system': 'kafka',
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'send',
    'messaging.destination.name': received.topic,
    'messaging.destination.partition.id': '0',
    'messaging.kafka.offset': Number(received.message.offset),
    'messaging.kafka.message.key': 'k1',
    'messaging.client.id': 'tc-producer',
    'server.address': serverAddress,
    'server.port': Number(serverPort),
  });
}

const STORY = Buffer.from('{"title":"Show HN: tracing through Kafka","points":128,"url":"https://example.com/a?b=1"}');

describe('@tracecarrier/kafkajs against a real broker', () => {
  describe.each([
    ['headers', undefined],
    ['envelope', 'json'],
    ['envelope', 'cloudevents'],
    ['both', 'json'],
  ] as const)('producer mode %s (envelope format %s)', (mode, format) => {
    it.each(['auto', 'headers', 'envelope'] as const)('connects to a %s consumer with the exact payload bytes', async (consumerMode) => {
      if (mode === 'headers' && consumerMode === 'envelope') return; // no envelope to read: covered by the no-SDK cases
      if (mode === 'envelope' && consumerMode === 'headers') return; // headers mode does not unwrap: covered below
      const topic = randomTopic();
      await createTopics(admin, [topic]);
      const producer = await tracedProducer({ mode, ...(format === undefined ? {} : { envelope: { format } }) });
      const { received, groupId } = await consume(topic, { options: { mode: consumerMode } });
      const send = await sendInSpan(producer, topic, STORY);
      await waitFor(() => received.length === 1, 'the message');
      const message = received[0]!.message;
      expect(Buffer.isBuffer(message.value)).toBe(true);
      // A headers-mode consumer never unwraps: with `both` it sees the envelope, with the context in headers.
      if (consumerMode === 'headers' && mode === 'both') expect(JSON.parse(message.value!.toString()).data).toEqual(JSON.parse(STORY.toString()));
      else expect(message.value!.equals(STORY)).toBe(true);
      await waitFor(() => processSpans(topic).length === 1, 'the process span');
      const process = processSpans(topic)[0]!;
      expectConnected(send, process, received[0]!, groupId);
      expect(parentSpanId(send)).toBe(tracing.named('publish-story')[0]!.spanContext().spanId);
      expect(process.attributes['tracecarrier.carrier']).toBe(mode === 'envelope' || consumerMode === 'envelope' ? (format === 'json' ? 'json-envelope' : 'cloudevents-structured') : 'headers');
      if (mode !== 'headers' && consumerMode !== 'headers') expect(process.attributes['messaging.message.envelope.size']).toBeGreaterThan(STORY.length);
      if (mode === 'envelope') expect(message.headers?.traceparent).toBeUndefined();
    });
  });

  it('hands an envelope through untouched to a headers-mode consumer, with no parent', async () => {
    const topic = randomTopic();
    await createTopics(admin, [topic]);
    const producer = await tracedProducer({ mode: 'envelope' });
    const { received } = await consume(topic, { options: { mode: 'headers' } });
    await sendInSpan(producer, topic, STORY);
    await waitFor(() => received.length === 1, 'the message');
    expect(JSON.parse(received[0]!.message.value!.toString())).toMatchObject({ tracecarrier: 1, data: JSON.parse(STORY.toString()) });
    await waitFor(() => processSpans(topic).length === 1, 'the process span');
    expect(parentSpanId(processSpans(topic)[0]!)).toBeUndefined();
  });

  it('lets a consumer without the SDK read the envelope as plain JSON', async () => {
    const topic = randomTopic();
    await createTopics(admin, [topic]);
    const producer = await tracedProducer({ mode: 'envelope' });
    const plain = new Kafka(kafkaConfig('plain-consumer')).consumer({ groupId: `plain-${topic}`, maxWaitTimeInMs: 100 });
    await plain.connect();
    cleanup.push(() => plain.disconnect());
    await plain.subscribe({ topic, fromBeginning: true });
    const values: Buffer[] = [];
    await plain.run({ eachMessage: async ({ message }) => void values.push(message.value!) });
    const send = await sendInSpan(producer, topic, STORY);
    await waitFor(() => values.length === 1, 'the message');
    const envelope = JSON.parse(values[0]!.toString());
    expect(validateEnvelope(envelope), JSON.stringify(validateEnvelope.errors)).toBe(true);
    expect(envelope.context.traceparent).toBe(`00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`);
    expect(envelope.data).toEqual(JSON.parse(STORY.toString()));
  });

  it('consumes a message from a producer without the SDK under a root span', async () => {
    const topic = randomTopic();
    await createTopics(admin, [topic]);
    const producer = await plainProducer();
    const { received } = await consume(topic);
    await producer.send({ topic, messages: [{ key: 'k1', value: STORY, headers: { 'x-app': 'legacy' } }] });
    await waitFor(() => received.length === 1 && processSpans(topic).length === 1, 'the message');
    const process = processSpans(topic)[0]!;
    expect(parentSpanId(process)).toBeUndefined();
    expect(process.links).toEqual([]);
    expect(process.attributes['tracecarrier.carrier']).toBe('none');
    expect(received[0]!.message.value!.equals(STORY)).toBe(true);
    expect(received[0]!.activeSpanId).toBe(process.spanContext().spanId);
  });

  it('links the batch span to every message and runs each message under its own span in eachBatch', async () => {
    const topic = randomTopic();
    await createTopics(admin, [topic]);
    const producer = await tracedProducer({ mode: 'envelope' });
    const groupId = `g-${topic}`;
    const consumer = new TracedKafka(kafkaConfig('tc-consumer')).consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    cleanup.push(() => consumer.disconnect());
    await consumer.subscribe({ topic, fromBeginning: true });
    const sends: ReadableSpan[] = [];
    for (let i = 0; i < 3; i++) {
      await producer.send({ topic, messages: [{ value: `{"n":${i}}` }] });
      sends.push(tracing.named(`send ${topic}`)[i]!);
    }
    const seen: Array<{ value: string; traceId: string | undefined; batchHasIt: boolean }> = [];
    await consumer.run({
      eachBatch: async ({ batch, processMessage }) => {
        for (const message of batch.messages) {
          await processMessage(message, () => {
            seen.push({ value: message.value!.toString(), traceId: trace.getActiveSpan()?.spanContext().traceId, batchHasIt: batch.messages.includes(message) });
          });
        }
      },
    });
    await waitFor(() => seen.length === 3, 'three messages');
    expect(seen.map((entry) => entry.value)).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
    expect(seen.map((entry) => entry.traceId)).toEqual(sends.map((send) => send.spanContext().traceId));
    await waitFor(() => processSpans(topic).length >= 4, 'the spans');
    const batchSpans = processSpans(topic).filter((span) => span.attributes['messaging.batch.message_count'] !== undefined);
    const messageSpans = processSpans(topic).filter((span) => span.attributes['messaging.batch.message_count'] === undefined);
    const linked = batchSpans.flatMap((span) => span.links.map((link) => link.context.spanId));
    expect(linked.sort()).toEqual(sends.map((send) => send.spanContext().spanId).sort());
    for (const span of batchSpans) {
      expect(span.kind).toBe(SpanKind.CONSUMER);
      expect(parentSpanId(span)).toBeUndefined();
      expect(span.attributes['messaging.consumer.group.name']).toBe(groupId);
      for (const link of span.links) expect(link.attributes).toMatchObject({ 'messaging.destination.name': topic, 'messaging.kafka.offset': expect.any(Number) });
    }
    expect(messageSpans).toHaveLength(3);
    for (const [i, span] of messageSpans.entries()) {
      expect(parentSpanId(span)).toBe(sends[i]!.spanContext().spanId);
      expect(span.links.map((link) => link.attributes?.['tracecarrier.link.reason'])).toEqual(['producer', 'ambient']);
    }
  });

  it('gives a multi-message send one create span per message and a send span linking them', async () => {
    const topic = randomTopic();
    await createTopics(admin, [topic]);
    const producer = await tracedProducer();
    const { received } = await consume(topic);
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] });
    await waitFor(() => received.length === 2 && processSpans(topic).length === 2, 'two messages');
    const creates = tracing.named(`create ${topic}`);
    const [send] = tracing.named(`send ${topic}`);
    expect(creates).toHaveLength(2);
    expect(creates.every((span) => span.kind === SpanKind.PRODUCER && span.attributes['messaging.operation.type'] === 'create')).toBe(true);
    expect(send!.attributes['messaging.batch.message_count']).toBe(2);
    // Semantic conventions v1.44: the send span is not the messages' creation context, so it is CLIENT.
    expect(send!.kind).toBe(SpanKind.CLIENT);
    expect(send!.links.map((link) => link.context.spanId).sort()).toEqual(creates.map((span) => span.spanContext().spanId).sort());
    const parents = processSpans(topic).map(parentSpanId).sort();
    expect(parents).toEqual(creates.map((span) => span.spanContext().spanId).sort());
  });

  it('traces sendBatch across topics and sends inside a transaction', async () => {
    const [a, b] = [randomTopic(), randomTopic()];
    await createTopics(admin, [a, b]);
    const producer = new TracedKafka(kafkaConfig('tc-producer')).producer({ transactionalId: `tx-${a}`, maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    cleanup.push(() => producer.disconnect());
    await producer.sendBatch({ topicMessages: [{ topic: a, messages: [{ value: '1' }] }, { topic: b, messages: [{ value: '2' }] }] });
    const [batchSend] = tracing.named('send');
    expect(batchSend!.kind).toBe(SpanKind.CLIENT);
    expect(batchSend!.links).toHaveLength(2);
    expect(batchSend!.attributes['messaging.destination.name']).toBeUndefined();
    const transaction = await producer.transaction();
    await transaction.send({ topic: a, messages: [{ value: 'in-tx' }] });
    await transaction.commit();
    const { received } = await consume(a);
    await waitFor(() => received.length === 2, 'both messages on topic a');
    const txSend = tracing.named(`send ${a}`)[0]!;
    await waitFor(() => processSpans(a).length === 2, 'the process spans');
    const processTx = processSpans(a).find((span) => span.attributes['messaging.kafka.offset'] === Number(received[1]!.message.offset))!;
    expect(parentSpanId(processTx)).toBe(txSend.spanContext().spanId);
    expect(processTx.spanContext().traceId).toBe(txSend.spanContext().traceId);
  });

  it('records a failed send on the span and hands the error over unchanged', async () => {
    const topic = randomTopic();
    // A topic that takes nothing over 1000 bytes: the broker refuses the send (non-retriable).
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '1000' }] }], waitForLeaders: true });
    const producer = await tracedProducer();
    const tooLarge = Buffer.alloc(4000, 'x');
    const error = await producer.send({ topic, messages: [{ value: tooLarge }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KafkaJSProtocolError);
    expect((error as KafkaJSProtocolError).type).toBe('MESSAGE_TOO_LARGE');
    const [send] = tracing.named(`send ${topic}`);
    expect(send!.status.code).toBe(SpanStatusCode.ERROR);
    expect(send!.attributes['error.type']).toBe('MESSAGE_TOO_LARGE');
    expect(send!.events.map((event) => event.name)).toContain('exception');
  });

  it('a propagator whose inject throws: reported, every span ended, single and batch sends delivered', async () => {
    const topic = randomTopic();
    await createTopics(admin, [topic]);
    const diagnostics: Diagnostic[] = [];
    const throwing = {
      inject: () => {
        throw new Error('propagator bug');
      },
      extract: (ctx: ReturnType<typeof context.active>) => ctx,
      fields: () => ['traceparent'],
    };
    const producer = await tracedProducer({ propagator: throwing, onDiagnostic: (d) => diagnostics.push(d) });
    const { received } = await consume(topic);
    await producer.send({ topic, messages: [{ value: 'one' }] });
    await producer.send({ topic, messages: [{ value: 'two' }, { value: 'three' }] });
    await waitFor(() => received.length === 3, 'all three messages');
    expect(received.map((r) => r.message.value!.toString()).sort()).toEqual(['one', 'three', 'two']);
    expect(diagnostics.map((d) => d.code)).toEqual(['propagator-error', 'propagator-error', 'propagator-error']);
    expect(tracing.named(`send ${topic}`).every((span) => span.status.code === SpanStatusCode.UNSET)).toBe(true);
    await waitFor(() => processSpans(topic).length === 3, 'the process spans');
    expect(tracing.openSpans()).toBe(0);
  });

  it('records a throwing handler, lets kafkajs retry, and gives the redelivery a new span with the same parent', async () => {
    const topic = randomTopic();
    await createTopics(admin, [topic]);
    const producer = await tracedProducer();
    let attempts = 0;
    const failure = new Error('handler failed once');
    const { received } = await consume(topic, {
      handler: () => {
        attempts += 1;
        if (attempts === 1) throw failure;
      },
    });
    const send = await sendInSpan(producer, topic, 'retry me');
    await waitFor(() => received.length === 1 && processSpans(topic).length === 2, 'the redelivery');
    const [failed, retried] = processSpans(topic);
    expect(failed!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'handler failed once' });
    expect(failed!.attributes['error.type']).toBe('Error');
    expect(failed!.events[0]?.attributes?.['exception.message']).toBe('handler failed once');
    expect(retried!.status.code).toBe(SpanStatusCode.UNSET);
    for (const span of [failed!, retried!]) expect(parentSpanId(span)).toBe(send.spanContext().spanId);
    expect(failed!.spanContext().spanId).not.toBe(retried!.spanContext().spanId);
  });

  it('runs hooks for per-message attributes, and a throwing hook never blocks a message', async () => {
    const topic = randomTopic();
    await createTopics(admin, [topic]);
    const diagnostics: Diagnostic[] = [];
    const producer = await tracedProducer({
      producerHook: (span, { message }) => span.setAttribute('title', JSON.parse(String(message.value)).title),
    });
    const { received } = await consume(topic, {
      options: {
        onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
        consumerHook: () => {
          throw new Error('hook bug');
        },
      },
    });
    await sendInSpan(producer, topic, STORY);
    await waitFor(() => received.length === 1 && processSpans(topic).length === 1, 'the message');
    expect(tracing.named(`send ${topic}`)[0]!.attributes.title).toBe('Show HN: tracing through Kafka');
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['hook-error']);
  });

  it('re-sends the same message object without mutating it or duplicating context headers', async () => {
    const topic = randomTopic();
    await createTopics(admin, [topic]);
    const producer = await tracedProducer({ mode: 'both' });
    const { received } = await consume(topic);
    const headers: IHeaders = { 'x-app': 'shop' };
    const message = { value: '{"a":1}', headers };
    await producer.send({ topic, messages: [message] });
    await producer.send({ topic, messages: [message] });
    expect(message).toEqual({ value: '{"a":1}', headers: { 'x-app': 'shop' } });
    await waitFor(() => received.length === 2 && processSpans(topic).length === 2, 'both messages');
    const sends = tracing.named(`send ${topic}`);
    for (const [i, { message: got }] of received.entries()) {
      expect(Object.keys(got.headers!).sort()).toEqual(['traceparent', 'x-app']);
      expect(String(got.headers!.traceparent)).toContain(sends[i]!.spanContext().spanId);
      expect(got.value!.toString()).toBe('{"a":1}');
    }
  });

  it('carries context with the manual API through a hand-rolled loop', async () => {
    const topic = randomTopic();
    await createTopics(admin, [topic]);
    const propagator = createMessagePropagator({ producer: { mode: 'envelope', envelope: { format: 'cloudevents' } } });
    const producer = await plainProducer();
    const root = tracer.startSpan('manual-root');
    await producer.send({ topic, messages: [propagator.inject(topic, { value: STORY }, trace.setSpan(context.active(), root))] });
    root.end();
    const plain = new Kafka(kafkaConfig('plain-consumer')).consumer({ groupId: `plain-${topic}`, maxWaitTimeInMs: 100 });
    await plain.connect();
    cleanup.push(() => plain.disconnect());
    await plain.subscribe({ topic, fromBeginning: true });
    const extracted: Array<ReturnType<typeof propagator.extract<KafkaMessage>>> = [];
    await plain.run({ eachMessage: async ({ message }) => void extracted.push(propagator.extract(message, { topic })) });
    await waitFor(() => extracted.length === 1, 'the message');
    expect(extracted[0]!.carrier).toBe('cloudevents-structured');
    expect(extracted[0]!.message.value!.equals(STORY)).toBe(true);
    expect(trace.getSpanContext(extracted[0]!.context)?.spanId).toBe(root.spanContext().spanId);
  });
});
