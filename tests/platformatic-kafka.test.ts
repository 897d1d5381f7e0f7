import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { MeterProvider, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Consumer, Producer, stringDeserializers, stringSerializers, type Message, type MessagesStream } from '@platformatic/kafka';
import { KafkaInstrumentation, processWithTracing } from '@platformatic/kafka-opentelemetry';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TracedConsumer, TracedProducer, cloudEventOf, cloudEventsBinary, type Diagnostic, type PlatformaticConsumerOptions } from '@tracecarrier/platformatic-kafka';
import { brokers, connectAdmin, createTopics, randomTopic, waitFor } from './helpers/kafka.js';
import { parentSpanId, setupTracing, TestReader } from './helpers/otel.js';
import { closeAll, pltClient, pltConsumerOptions } from './helpers/platformatic.js';
import { setMessagingSemconvModeForTesting } from '../packages/core/src/spans/semconv-stability.js';

/**
 * The @platformatic/kafka binding on the real broker: round trips per carrier family with every
 * span checked, the stream read both ways (`for await` with processMessage, `'data'`) including a
 * throwing handler, an early `break`, a paused stream and a rebalance, transactions, diagnostics,
 * and the cases that break @platformatic/kafka-opentelemetry (a `Map` of headers, the default
 * Buffer serializers and deserializers), next to it.
 */
const tracing = setupTracing();
const tracer = trace.getTracer('platformatic-test');
const [serverAddress, serverPort] = brokers()[0]!.split(':') as [string, string];
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

async function topicFor(prefix: string, partitions = 1): Promise<string> {
  const topic = randomTopic(prefix);
  await createTopics(admin, [topic], partitions);
  return topic;
}

function producer<K = Buffer, V = Buffer, HK = Buffer, HV = Buffer>(options: ConstructorParameters<typeof TracedProducer<K, V, HK, HV>>[1] = {}, serializers?: object, extra: object = {}): TracedProducer<K, V, HK, HV> {
  const client = new TracedProducer<K, V, HK, HV>({ ...pltClient('pk-producer'), ...(serializers === undefined ? {} : { serializers }), ...extra } as never, options);
  cleanup.push(() => client.close());
  return client;
}

/** A traced consumer in a group of its own over `topic`, and its stream. */
async function consume<K = Buffer, V = Buffer, HK = Buffer, HV = Buffer>(
  topic: string,
  options: PlatformaticConsumerOptions<K, V, HK, HV> = {},
  deserializers?: object,
  groupId = `g-${topic}`,
): Promise<{ consumer: TracedConsumer<K, V, HK, HV>; stream: MessagesStream<K, V, HK, HV> }> {
  const consumer = new TracedConsumer<K, V, HK, HV>(pltConsumerOptions<K, V, HK, HV>('pk-consumer', groupId, deserializers === undefined ? {} : { deserializers }), options);
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
  cleanup.push(() => closeAll(stream as never, consumer));
  return { consumer, stream };
}

const processSpans = (topic: string): ReadableSpan[] => tracing.named(`process ${topic}`);
const sendSpans = (topic: string): ReadableSpan[] => tracing.named(`send ${topic}`);
const activeIds = () => trace.getActiveSpan()?.spanContext();

/** The structural check of one hop: kind, trace, parent, link, and the attributes every binding gives. */
function expectHop(send: ReadableSpan, process: ReadableSpan, topic: string, carrier: string, offset: number, size: number, enveloped = false): void {
  expect(send.kind).toBe(SpanKind.PRODUCER);
  expect(process.kind).toBe(SpanKind.CONSUMER);
  expect(process.spanContext().traceId).toBe(send.spanContext().traceId);
  expect(parentSpanId(process)).toBe(send.spanContext().spanId);
  expect(process.links.map((link) => link.context.spanId)).toEqual([send.spanContext().spanId]);
  expect(process.instrumentationScope.name).toBe('@tracecarrier/platformatic-kafka');
  expect(process.attributes).toEqual({
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': topic,
    'messaging.destination.partition.id': '0',
    'messaging.kafka.offset': offset,
    'messaging.kafka.message.key': 'k1',
    'messaging.consumer.group.name': `g-${topic}`,
    'messaging.client.id': 'pk-consumer',
    'messaging.message.body.size': size,
    'server.address': serverAddress,
    'server.port': Number(serverPort),
    'tracecarrier.carrier': carrier,
    // The size of the envelope the payload travelled in, when one was unwrapped.
    ...(enveloped ? { 'messaging.message.envelope.size': expect.any(Number) } : {}),
  });
  expect(send.attributes).toMatchObject({
    'messaging.system': 'kafka',
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'send',
    'messaging.destination.name': topic,
    'messaging.destination.partition.id': '0',
    'messaging.kafka.offset': offset,
    'messaging.kafka.message.key': 'k1',
    'messaging.client.id': 'pk-producer',
    'server.address': serverAddress,
    'server.port': Number(serverPort),
  });
}

const STORY = Buffer.from('{"title":"Show HN: tracing through Kafka","points":128}');

describe('@tracecarrier/platformatic-kafka round trips, one per carrier family', () => {
  it.each([
    ['headers', { mode: 'headers' }, 'headers', false],
    ['JSON envelope', { mode: 'envelope' }, 'json-envelope', true],
    ['CloudEvents structured', { mode: 'envelope', envelope: { format: 'cloudevents' } }, 'cloudevents-structured', true],
    ['CloudEvents binary', { carriers: [cloudEventsBinary()] }, 'cloudevents-binary', false],
    ['both', { mode: 'both' }, 'headers', true],
  ] as const)('%s, default Buffer serializers and a Map of Buffer headers: one trace, the payload byte for byte, for await + processMessage', async (_name, options, carrier, enveloped) => {
    const topic = await topicFor('pk-rt');
    const headers = new Map([[Buffer.from('x-app'), Buffer.from('shop')]]);
    await tracer.startActiveSpan('publish', async (span) => {
      await producer(options).send({ messages: [{ topic, key: Buffer.from('k1'), value: STORY, headers }] });
      span.end();
    });
    // The caller's Map is as it was.
    expect([...headers].map(([k, v]) => [k.toString(), v.toString()])).toEqual([['x-app', 'shop']]);
    const { consumer, stream } = await consume(topic);
    const seen: Array<{ value: Buffer | undefined; app: string | undefined; active: string | undefined; event: unknown }> = [];
    for await (const message of stream) {
      await consumer.processMessage(message, async () => {
        tracer.startSpan('handler-work').end();
        seen.push({ value: message.value, app: message.headers.get([...message.headers.keys()].find((k) => k.toString() === 'x-app')!)?.toString(), active: activeIds()?.spanId, event: cloudEventOf(message) });
      });
      break;
    }
    const [send] = sendSpans(topic);
    const [process] = processSpans(topic);
    expectHop(send!, process!, topic, carrier, 0, STORY.length, enveloped);
    expect(seen[0]!.value!.equals(STORY)).toBe(true);
    expect(seen[0]!.app).toBe('shop');
    expect(seen[0]!.active).toBe(process!.spanContext().spanId);
    expect(parentSpanId(tracing.named('handler-work')[0]!)).toBe(process!.spanContext().spanId);
    expect(seen[0]!.event === undefined).toBe(!carrier.startsWith('cloudevents'));
    expect(tracing.openSpans()).toBe(0);
  });

  it('string serializers with an object of headers, string deserializers: the envelope is handed over as text', async () => {
    const topic = await topicFor('pk-str');
    const headers = { 'x-app': 'shop' };
    await producer<string, string, string, string>({ mode: 'both' }, stringSerializers).send({ messages: [{ topic, key: 'k1', value: '{"id":1}', headers }] });
    expect(headers).toEqual({ 'x-app': 'shop' });
    const { stream } = await consume<string, string, string, string>(topic, {}, stringDeserializers);
    const values: string[] = [];
    stream.on('data', (message) => void values.push(message.value));
    await waitFor(() => processSpans(topic).length === 1, 'the process span');
    expect(values).toEqual(['{"id":1}']);
    expectHop(sendSpans(topic)[0]!, processSpans(topic)[0]!, topic, 'headers', 0, 8, true);
  });

  it('a multi-message send: a create span per message, each the parent of its process span, and a CLIENT send span linking them', async () => {
    const topic = await topicFor('pk-batch');
    await producer().send({ messages: ['a', 'b', 'c'].map((key) => ({ topic, key: Buffer.from(key), value: Buffer.from(`{"k":"${key}"}`) })) });
    const { stream } = await consume(topic);
    stream.on('data', () => undefined);
    await waitFor(() => processSpans(topic).length === 3, 'three process spans');
    const creates = tracing.named(`create ${topic}`);
    const [send] = sendSpans(topic);
    expect(creates.map((span) => span.kind)).toEqual([SpanKind.PRODUCER, SpanKind.PRODUCER, SpanKind.PRODUCER]);
    expect(send!.kind).toBe(SpanKind.CLIENT);
    expect(send!.links.map((link) => link.context.spanId).sort()).toEqual(creates.map((span) => span.spanContext().spanId).sort());
    expect(processSpans(topic).map(parentSpanId).sort()).toEqual(creates.map((span) => span.spanContext().spanId).sort());
  });

  it("the callback form of send, and asStream() (which sends through the producer's send): traced the same way", async () => {
    const topic = await topicFor('pk-cb');
    const client = producer();
    const result = await new Promise<unknown>((resolve, reject) =>
      client.send({ messages: [{ topic, key: Buffer.from('cb'), value: Buffer.from('{"via":"callback"}') }] }, (error, sent) => (error ? reject(error) : resolve(sent))),
    );
    expect(result).toMatchObject({ offsets: [{ topic, partition: 0, offset: 0n }] });
    const writer = client.asStream({ batchSize: 2, batchTime: 10 });
    for (const key of ['s1', 's2']) writer.write({ topic, key: Buffer.from(key), value: Buffer.from(`{"via":"${key}"}`) });
    await writer.close();
    const { stream } = await consume(topic);
    const active = new Map<string, string | undefined>();
    stream.on('data', (message) => void active.set(message.key.toString(), activeIds()?.spanId));
    await waitFor(() => active.size === 3 && processSpans(topic).length === 3, 'three messages');
    // Each message's process span is the child of the span its context was carried from (send or create).
    const producers = [...sendSpans(topic), ...tracing.named(`create ${topic}`)].map((span) => span.spanContext().spanId);
    for (const process of processSpans(topic)) expect(producers).toContain(parentSpanId(process));
    expect(new Set(processSpans(topic).map((span) => span.spanContext().spanId))).toEqual(new Set(active.values()));
    expect(tracing.openSpans()).toBe(0);
  });

  it('hooks: producerHook sees the caller\'s message, consumerHook the handed-over one; a throwing hook is reported, never breaks the message', async () => {
    const topic = await topicFor('pk-hooks');
    const diagnostics: string[] = [];
    await producer({
      mode: 'envelope',
      producerHook: (span, { topic: to, message }) => span.setAttribute('app.order', `${to}:${message.key?.toString()}`),
    }).send({ messages: [{ topic, key: Buffer.from('o-1'), value: Buffer.from('{"id":1}') }] });
    const { stream } = await consume(topic, {
      consumerHook: (span, { message }) => {
        span.setAttribute('app.value', message.value.toString());
        throw new Error('hook failed');
      },
      onDiagnostic: (d) => diagnostics.push(d.code),
    });
    const values: string[] = [];
    stream.on('data', (message) => void values.push(message.value.toString()));
    await waitFor(() => processSpans(topic).length === 1, 'the process span');
    expect(sendSpans(topic)[0]!.attributes['app.order']).toBe(`${topic}:o-1`);
    expect(processSpans(topic)[0]!.attributes['app.value']).toBe('{"id":1}');
    expect(values).toEqual(['{"id":1}']);
    expect(diagnostics).toEqual(['hook-error']);
  });

  it('transactions: commit and abort in their spans, linked to their messages; read-committed sees only the committed one', async () => {
    const topic = await topicFor('pk-tx');
    const client = producer({}, undefined, { idempotent: true, transactionalId: `tx-${topic}` });
    for (const [value, outcome] of [['aborted', 'abort'], ['committed', 'commit']] as const) {
      const transaction = await client.beginTransaction();
      await transaction.send({ messages: [{ topic, key: Buffer.from(value), value: Buffer.from(value) }] });
      await (outcome === 'commit' ? transaction.commit() : transaction.abort());
    }
    const consumer = new TracedConsumer(pltConsumerOptions('pk-consumer', `g-${topic}`, { isolationLevel: 1 }));
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
    cleanup.push(() => closeAll(stream, consumer));
    const seen: string[] = [];
    stream.on('data', (message) => void seen.push(message.value.toString()));
    await waitFor(() => seen.length === 1, 'the committed message');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen).toEqual(['committed']);
    const sends = new Map(sendSpans(topic).map((span) => [span.attributes['messaging.kafka.message.key'], span.spanContext().spanId]));
    for (const [name, key, outcome] of [['abort_transaction', 'aborted', 'aborted'], ['commit_transaction', 'committed', 'committed']] as const) {
      const [end] = tracing.named(name);
      expect(end!.kind).toBe(SpanKind.CLIENT);
      expect(end!.links.map((link) => link.context.spanId)).toEqual([sends.get(key)]);
      expect(end!.attributes).toMatchObject({ 'tracecarrier.transaction.outcome': outcome, 'tracecarrier.transaction.id': `tx-${topic}`, 'messaging.batch.message_count': 1 });
    }
  });

  it('a malformed traceparent: the message is handed over, under a new trace, and reported once', async () => {
    const topic = await topicFor('pk-bad');
    const plain = new Producer(pltClient('pk-plain'));
    cleanup.push(() => plain.close());
    await plain.send({ messages: [{ topic, key: Buffer.from('k1'), value: STORY, headers: new Map([[Buffer.from('traceparent'), Buffer.from('00-not-a-context-01')]]) }] });
    const diagnostics: Diagnostic[] = [];
    const { stream } = await consume(topic, { onDiagnostic: (d) => diagnostics.push(d) });
    const values: Buffer[] = [];
    stream.on('data', (message) => void values.push(message.value));
    await waitFor(() => processSpans(topic).length === 1, 'the process span');
    expect(values[0]!.equals(STORY)).toBe(true);
    expect(parentSpanId(processSpans(topic)[0]!)).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.topic, d.offset])).toEqual([['invalid-context', topic, '0']]);
  });

  it('limits apply as in every binding: a traceparent over limits.maxHeaderBytes is ignored and reported, the message handed over', async () => {
    const topic = await topicFor('pk-limits');
    await producer().send({ messages: [{ topic, key: Buffer.from('k1'), value: STORY }] });
    const diagnostics: Diagnostic[] = [];
    const { stream } = await consume(topic, { limits: { maxHeaderBytes: 16 }, onDiagnostic: (d) => diagnostics.push(d) });
    const values: Buffer[] = [];
    stream.on('data', (message) => void values.push(message.value));
    await waitFor(() => processSpans(topic).length === 1, 'the process span');
    expect(values[0]!.equals(STORY)).toBe(true);
    expect(parentSpanId(processSpans(topic)[0]!)).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.field])).toEqual([['field-too-large', 'traceparent']]);
  });
});

describe('the stream, read both ways', () => {
  /** Sends `count` messages, each in a publish span of its own, and gives their send spans in order. */
  async function sendEach(topic: string, count: number, partitions = 1): Promise<ReadableSpan[]> {
    const client = producer();
    for (let n = 0; n < count; n++) await client.send({ messages: [{ topic, key: Buffer.from(`k${n}`), value: Buffer.from(`{"n":${n}}`), partition: n % partitions }] });
    return sendSpans(topic);
  }
  /** The process span of the message whose send span is `send`. */
  const processOf = (topic: string, send: ReadableSpan) => processSpans(topic).filter((span) => parentSpanId(span) === send.spanContext().spanId);

  it("'data' listeners run in their message's span, async work included; nothing leaks into the next message", async () => {
    const topic = await topicFor('pk-data');
    const sends = await sendEach(topic, 3);
    const { stream } = await consume(topic);
    const inside: Array<{ key: string; before: string | undefined; after: string | undefined }> = [];
    stream.on('data', async (message) => {
      const before = activeIds()?.spanId;
      await new Promise((resolve) => setTimeout(resolve, 20));
      inside.push({ key: message.key.toString(), before, after: activeIds()?.spanId });
    });
    await waitFor(() => inside.length === 3 && processSpans(topic).length === 3, 'three messages processed');
    for (const [n, send] of sends.entries()) {
      const [process] = processOf(topic, send);
      const seen = inside.find((entry) => entry.key === `k${n}`)!;
      expect(seen.before).toBe(process!.spanContext().spanId);
      expect(seen.after).toBe(process!.spanContext().spanId);
      // The span covers the awaited work.
      expect(process!.duration[0] * 1e3 + process!.duration[1] / 1e6).toBeGreaterThanOrEqual(15);
    }
    expect(tracing.openSpans()).toBe(0);
    expect(trace.getSpan(context.active())).toBeUndefined();
  });

  it("consume() with a callback gives the traced stream too; processMessage on a message it did not hand out starts a span of its own", async () => {
    const topic = await topicFor('pk-consume-cb');
    const [send] = await sendEach(topic, 1);
    const consumer = new TracedConsumer(pltConsumerOptions('pk-consumer', `g-${topic}`));
    const stream = await new Promise<MessagesStream<Buffer, Buffer, Buffer, Buffer>>((resolve, reject) =>
      consumer.consume({ topics: [topic], mode: 'earliest' }, (error, result) => (error ? reject(error) : resolve(result!))),
    );
    cleanup.push(() => closeAll(stream, consumer));
    const inListener: Array<string | undefined> = [];
    let copy: Message | undefined;
    stream.on('data', (message) => {
      inListener.push(activeIds()?.spanId);
      copy = { ...message };
    });
    await waitFor(() => processSpans(topic).length === 1, 'the listener span');
    expect(inListener).toEqual([processOf(topic, send!)[0]!.spanContext().spanId]);
    // A copy is another object: a second process span, child of the same producer span.
    const again = await consumer.processMessage(copy!, () => activeIds()?.spanId);
    expect(processOf(topic, send!).map((span) => span.spanContext().spanId)).toEqual([inListener[0], again]);
    expect(tracing.openSpans()).toBe(0);
  });

  it('for await: a handler that throws inside processMessage fails its own span only; the loop goes on', async () => {
    const topic = await topicFor('pk-throw');
    const sends = await sendEach(topic, 3);
    const { consumer, stream } = await consume(topic);
    const failures: string[] = [];
    let n = 0;
    for await (const message of stream) {
      try {
        await consumer.processMessage(message, () => {
          if (message.key.toString() === 'k1') throw new Error('cannot bill k1');
        });
      } catch (error) {
        failures.push((error as Error).message);
      }
      if (++n === 3) break;
    }
    expect(failures).toEqual(['cannot bill k1']);
    const statuses = sends.map((send) => processOf(topic, send)[0]!.status.code);
    expect(statuses).toEqual([SpanStatusCode.UNSET, SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
    expect(processOf(topic, sends[1]!)[0]!.events.map((event) => event.name)).toEqual(['exception']);
    expect(tracing.openSpans()).toBe(0);
  });

  it('for await: a body that throws out of the loop, and an early break, leave no span open', async () => {
    const topic = await topicFor('pk-break');
    const sends = await sendEach(topic, 3);
    const first = await consume(topic);
    await expect(
      (async () => {
        for await (const message of first.stream) if (message.key.toString() === 'k0') throw new Error('body failed');
      })(),
    ).rejects.toThrow('body failed');
    expect(processSpans(topic)).toHaveLength(1);
    expect(tracing.openSpans()).toBe(0);
    const second = await consume(topic, {}, undefined, `g2-${topic}`);
    const keys: string[] = [];
    for await (const message of second.stream) {
      keys.push(message.key.toString());
      // The open span is this message's, though the loop body cannot make it active.
      expect(tracing.openSpans()).toBe(1);
      if (keys.length === 2) break;
    }
    expect(keys).toEqual(['k0', 'k1']);
    expect(tracing.openSpans()).toBe(0);
    expect(processSpans(topic).filter((span) => span.attributes['messaging.consumer.group.name'] === `g2-${topic}`).map(parentSpanId)).toEqual(sends.slice(0, 2).map((send) => send.spanContext().spanId));
    expect(second.stream.destroyed).toBe(true);
  });

  it('a paused stream holds no span open, and resumes with each message in its own span', async () => {
    const topic = await topicFor('pk-pause');
    const sends = await sendEach(topic, 4);
    const { stream } = await consume(topic);
    const seen: Array<{ key: string; span: string | undefined }> = [];
    stream.on('data', (message) => {
      seen.push({ key: message.key.toString(), span: activeIds()?.spanId });
      if (seen.length === 2) stream.pause();
    });
    await waitFor(() => seen.length === 2, 'two messages before the pause');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen).toHaveLength(2);
    expect(stream.isPaused()).toBe(true);
    expect(tracing.openSpans()).toBe(0);
    stream.resume();
    await waitFor(() => seen.length === 4 && processSpans(topic).length === 4, 'the rest after resume');
    for (const [n, send] of sends.entries()) expect(seen.find((entry) => entry.key === `k${n}`)!.span).toBe(processOf(topic, send)[0]!.spanContext().spanId);
    expect(tracing.openSpans()).toBe(0);
  });

  it('a rebalance (a second consumer joins the group): every message in one span of the right parent, none left open', async () => {
    const topic = await topicFor('pk-rebalance', 2);
    const groupId = `g-${topic}`;
    const seen = new Map<string, { span: string | undefined; member: string }>();
    const listen = (stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, member: string) =>
      stream.on('data', (message) => void seen.set(message.key.toString(), { span: activeIds()?.spanId, member }));
    const a = await consume(topic, {}, undefined, groupId);
    listen(a.stream, 'a');
    const before = await sendEach(topic, 4, 2);
    await waitFor(() => seen.size === 4, 'the first four messages on consumer a');
    const b = new TracedConsumer(pltConsumerOptions('pk-consumer', groupId));
    const joined = new Promise((resolve) => a.consumer.once('consumer:group:join', resolve));
    const bStream = await b.consume({ topics: [topic], mode: 'earliest' });
    cleanup.push(() => closeAll(bStream, b));
    listen(bStream, 'b');
    // The first member rejoins once the group rebalances (bounded: the assertions below hold either way).
    await Promise.race([joined, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    const client = producer();
    for (let n = 4; n < 12; n++) await client.send({ messages: [{ topic, key: Buffer.from(`k${n}`), value: Buffer.from(`{"n":${n}}`), partition: n % 2 }] });
    await waitFor(() => seen.size === 12, 'all twelve messages', 45_000);
    await waitFor(() => tracing.openSpans() === 0, 'every span ended');
    const sends = sendSpans(topic);
    expect(sends).toHaveLength(12);
    for (const send of sends) {
      const key = send.attributes['messaging.kafka.message.key'] as string;
      const processes = processOf(topic, send);
      // At least once: a message redelivered across the rebalance gets a span per delivery, each its own.
      expect(processes.length).toBeGreaterThanOrEqual(1);
      expect(processes.map((span) => span.spanContext().spanId)).toContain(seen.get(key)!.span);
    }
    expect(new Set([...seen.values()].map((entry) => entry.member))).toEqual(new Set(['a', 'b']));
    expect(before).toHaveLength(4);
  });
});

describe('next to @platformatic/kafka-opentelemetry 0.5', () => {
  let instrumentation: KafkaInstrumentation;
  beforeAll(() => {
    instrumentation = new KafkaInstrumentation({ enabled: false });
    instrumentation.setTracerProvider(tracing.provider);
    instrumentation.enable();
  });
  afterAll(() => instrumentation.disable());

  it('the default Buffer serializers and a Map of headers: theirs fail or lose the context, ours carry it, one span and one context per message', async () => {
    const topic = await topicFor('pk-coex-map');
    const plain = new Producer(pltClient('pk-plain'));
    cleanup.push(() => plain.close());
    // Without headers, their injection adds a string header the default serializers refuse.
    await expect(plain.send({ messages: [{ topic, value: STORY }] })).rejects.toThrow();
    // With a Map, their injection sets a property of the Map: the message goes out without a context.
    await plain.send({ messages: [{ topic, key: Buffer.from('plain'), value: STORY, headers: new Map([[Buffer.from('x-app'), Buffer.from('plain')]]) }] });
    tracing.exporter.reset();
    await producer().send({ messages: [{ topic, key: Buffer.from('k1'), value: STORY, headers: new Map([[Buffer.from('x-app'), Buffer.from('shop')]]) }] });
    const { stream } = await consume(topic);
    const headerKeys = new Map<string, string[]>();
    stream.on('data', (message) => void headerKeys.set(message.key.toString(), message.headerEntries.map(([key]) => key.toString())));
    await waitFor(() => headerKeys.size === 2 && processSpans(topic).length === 2, 'both messages');
    expect(headerKeys.get('plain')).toEqual(['x-app']);
    expect(headerKeys.get('k1')).toEqual(['x-app', 'traceparent']);
    // Our send ran with tracing suppressed: no span of theirs beside ours.
    expect(tracing.spans().filter((span) => span.name.startsWith('send to '))).toEqual([]);
    const ours = processSpans(topic).find((span) => span.attributes['messaging.kafka.message.key'] === 'k1')!;
    expectHop(sendSpans(topic)[0]!, ours, topic, 'headers', 1, STORY.length);
  });

  it('their producer (string serializers) starts a trace that our consumer continues', async () => {
    const topic = await topicFor('pk-coex-theirs');
    const plain = new Producer({ ...pltClient('pk-plain'), serializers: stringSerializers });
    cleanup.push(() => plain.close());
    await plain.send({ messages: [{ topic, key: 'k1', value: '{"id":1}', headers: { 'x-app': 'shop' } }] });
    const [theirs] = tracing.named(`send to ${topic}`);
    expect(theirs!.kind).toBe(SpanKind.PRODUCER);
    const { stream } = await consume(topic);
    stream.on('data', () => undefined);
    await waitFor(() => processSpans(topic).length === 1, 'the process span');
    const [process] = processSpans(topic);
    expect(process!.spanContext().traceId).toBe(theirs!.spanContext().traceId);
    expect(parentSpanId(process!)).toBe(theirs!.spanContext().spanId);
  });

  it('our producer starts a trace that their processWithTracing continues (string deserializers)', async () => {
    const topic = await topicFor('pk-coex-ours');
    await producer<string, string, string, string>({}, stringSerializers).send({ messages: [{ topic, key: 'k1', value: '{"id":1}' }] });
    const [ours] = sendSpans(topic);
    const plain = new Consumer(pltConsumerOptions<string, string, string, string>('pk-plain', `g-${topic}`, { deserializers: stringDeserializers }));
    const stream = await plain.consume({ topics: [topic], mode: 'earliest' });
    cleanup.push(() => closeAll(stream as never, plain));
    let active: string | undefined;
    stream.on('data', (message: Message<string, string, string, string>) => void processWithTracing(message, () => void (active = activeIds()?.traceId)));
    await waitFor(() => tracing.named(`process message from ${topic}`).length === 1, 'their process span');
    const [theirs] = tracing.named(`process message from ${topic}`);
    expect(theirs!.spanContext().traceId).toBe(ours!.spanContext().traceId);
    expect(parentSpanId(theirs!)).toBe(ours!.spanContext().spanId);
    expect(active).toBe(ours!.spanContext().traceId);
  });
});

describe('metrics and the semantic conventions switch', () => {
  afterEach(() => setMessagingSemconvModeForTesting(undefined));

  it('records the four messaging metrics, with the same attributes as every binding', async () => {
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    cleanup.push(() => meterProvider.shutdown());
    const topic = await topicFor('pk-metrics');
    await producer({ meterProvider }).send({ messages: [{ topic, value: Buffer.from('one') }] });
    const { stream } = await consume(topic, { meterProvider });
    stream.on('data', () => undefined);
    await waitFor(() => processSpans(topic).length === 1, 'the process span');
    await new Promise((resolve) => setImmediate(resolve));
    const { resourceMetrics } = await reader.collect();
    const metrics = new Map<string, MetricData>(resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => [metric.descriptor.name, metric] as const)));
    const server = { 'server.address': serverAddress, 'server.port': Number(serverPort) };
    const base = { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.destination.partition.id': '0', ...server };
    expect(metrics.get('messaging.client.sent.messages')!.dataPoints.map((point) => [point.value, point.attributes])).toEqual([
      [1, { ...base, 'messaging.operation.name': 'send', 'messaging.operation.type': 'send' }],
    ]);
    expect((metrics.get('messaging.client.operation.duration')!.dataPoints[0]!.value as Histogram).count).toBe(1);
    expect(metrics.get('messaging.client.consumed.messages')!.dataPoints.map((point) => [point.value, point.attributes])).toEqual([
      [1, { ...base, 'messaging.operation.name': 'process', 'messaging.operation.type': 'process', 'messaging.consumer.group.name': `g-${topic}` }],
    ]);
    expect((metrics.get('messaging.process.duration')!.dataPoints[0]!.value as Histogram).count).toBe(1);
  });

  it.each([
    ['messaging', ['messaging.system.name', 'kafka.offset', 'kafka.message.key'], ['messaging.system', 'messaging.kafka.offset']],
    ['messaging/dup', ['messaging.system.name', 'kafka.offset', 'kafka.message.key', 'messaging.system', 'messaging.kafka.offset', 'messaging.kafka.message.key'], []],
  ] as const)('OTEL_SEMCONV_STABILITY_OPT_IN=%s: the 1.45 names on both spans', async (mode, present, absent) => {
    setMessagingSemconvModeForTesting(mode === 'messaging' ? 'new' : 'dup');
    const topic = await topicFor('pk-semconv');
    await producer().send({ messages: [{ topic, key: Buffer.from('k1'), value: STORY }] });
    const { stream } = await consume(topic);
    stream.on('data', () => undefined);
    await waitFor(() => processSpans(topic).length === 1, 'the process span');
    for (const span of [sendSpans(topic)[0]!, processSpans(topic)[0]!]) {
      for (const name of present) expect(span.attributes, name).toHaveProperty([name]);
      for (const name of absent) expect(span.attributes, name).not.toHaveProperty([name]);
    }
    expect(processSpans(topic)[0]!.attributes['kafka.message.key']).toBe('k1');
  });
});
