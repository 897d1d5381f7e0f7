/**
 * 6. The honest floor: the same tracing written by hand with the stock OpenTelemetry API, the way
 * the seed article does it, against tracecarrier's wrappers, per message, in process (messages fed
 * straight into the wrappers; a `BatchSpanProcessor` with a counting exporter), sampling on and off.
 * The hand-written spans carry the same semantic-convention attributes as tracecarrier's; what
 * tracecarrier adds beyond them is its `tracecarrier.carrier` attribute and the link to the producer
 * span on process spans. Run as its own process: prints one JSON line.
 */
import { ROOT_CONTEXT, SpanKind, context, propagation, trace, type Attributes, type TextMapGetter, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Consumer, ConsumerRunConfig, EachMessagePayload, KafkaMessage, Message, Producer, ProducerRecord, RecordMetadata } from 'kafkajs';
import RdKafka from 'node-rdkafka';
import type { Message as RdMessage } from 'node-rdkafka';
import { traceConsumer, traceProducer } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer, TracedProducer } from '@tracecarrier/node-rdkafka';

export interface HandWrittenResult {
  /** Per case: tracecarrier's and the hand-written path's nanoseconds per message, sampled and not. */
  readonly cases: Array<{ readonly name: string; readonly sampled: boolean; readonly tracecarrierNs: number; readonly handNs: number }>;
  /** Spans exported, to show both sides really recorded (sampling on). */
  readonly spans: number;
}

const messages = Number(process.argv[2] ?? 200_000);
let exported = 0;
const exporter: SpanExporter = {
  export(batch: ReadableSpan[], done) {
    exported += batch.length;
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));

const TOPIC = 'orders';
const value = Buffer.from('{"title":"hand-written floor"}');
const TRACEPARENT = Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
const IDENTITY = { 'messaging.client.id': 'bench', 'server.address': '127.0.0.1', 'server.port': 9092 };

/** The getter the article's consumer writes: header values are Buffers. */
const bufferGetter: TextMapGetter<Record<string, unknown>> = {
  get: (carrier, key) => {
    const raw = carrier[key];
    return raw === undefined || raw === null ? undefined : Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
  },
  keys: (carrier) => Object.keys(carrier),
};

function processAttributes(partition: number, offset: string, body: number): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.name': 'process',
    'messaging.operation.type': 'process',
    'messaging.destination.name': TOPIC,
    'messaging.destination.partition.id': String(partition),
    'messaging.kafka.offset': Number(offset),
    'messaging.message.body.size': body,
    'messaging.consumer.group.name': 'bench',
    ...IDENTITY,
  };
}

function sendAttributes(body: number): Attributes {
  return { 'messaging.system': 'kafka', 'messaging.operation.name': 'send', 'messaging.operation.type': 'send', 'messaging.destination.name': TOPIC, 'messaging.message.body.size': body, ...IDENTITY };
}

/** Runs `step` `count` times (awaiting it) and returns nanoseconds per call. */
async function time(count: number, step: (i: number) => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const result = step(i);
    if (result instanceof Promise) await result;
  }
  return Number(process.hrtime.bigint() - start) / count;
}

function kafkajsMessage(i: number): KafkaMessage {
  return { key: null, value, timestamp: '0', attributes: 0, offset: String(i), size: value.length, headers: { traceparent: TRACEPARENT } } as KafkaMessage;
}

/** kafkajs consume: tracecarrier's eachMessage against the article's eachMessage. */
async function kafkajsConsume(tracer: Tracer, count: number): Promise<{ ours: number; hand: number }> {
  let feed: ((payload: EachMessagePayload) => Promise<void>) | undefined;
  const standIn = { run: async (config?: ConsumerRunConfig) => void (feed = config!.eachMessage!) } as unknown as Consumer;
  await traceConsumer(standIn, { groupId: 'bench', clientId: 'bench', brokers: ['127.0.0.1:9092'] }).run({ eachMessage: async () => undefined });
  const payload = (i: number) => ({ topic: TOPIC, partition: 0, message: kafkajsMessage(i), heartbeat: async () => undefined, pause: () => () => undefined }) as EachMessagePayload;
  const handler = async (_payload: EachMessagePayload): Promise<void> => undefined;
  const hand = async (p: EachMessagePayload): Promise<void> => {
    const parent = propagation.extract(ROOT_CONTEXT, p.message.headers as Record<string, unknown>, bufferGetter);
    const span = tracer.startSpan(`process ${p.topic}`, { kind: SpanKind.CONSUMER, attributes: processAttributes(p.partition, p.message.offset, p.message.value?.length ?? 0) }, parent);
    try {
      await context.with(trace.setSpan(parent, span), () => handler(p));
    } finally {
      span.end();
    }
  };
  return { ours: await time(count, (i) => feed!(payload(i))), hand: await time(count, (i) => hand(payload(i))) };
}

/** node-rdkafka consume: the traced consumer's 'data' path against a hand-written listener. */
async function rdkafkaConsume(tracer: Tracer, count: number): Promise<{ ours: number; hand: number }> {
  const consumer = new TracedKafkaConsumer({ 'group.id': 'bench', 'client.id': 'bench', 'metadata.broker.list': '127.0.0.1:9092' }, {});
  consumer.on('data', () => undefined);
  const plain = new RdKafka.KafkaConsumer({ 'group.id': 'bench', 'metadata.broker.list': '127.0.0.1:9092' }, {});
  const work = (): void => undefined;
  plain.on('data', (message: RdMessage) => {
    const carrier: Record<string, unknown> = {};
    for (const entry of message.headers ?? []) Object.assign(carrier, entry);
    const parent = propagation.extract(ROOT_CONTEXT, carrier, bufferGetter);
    const span = tracer.startSpan(`process ${message.topic}`, { kind: SpanKind.CONSUMER, attributes: processAttributes(message.partition, String(message.offset), message.value?.length ?? 0) }, parent);
    try {
      context.with(trace.setSpan(parent, span), work);
    } finally {
      span.end();
    }
  });
  const message = (i: number) => ({ topic: TOPIC, partition: 0, offset: i, value, size: value.length, key: undefined, headers: [{ traceparent: TRACEPARENT }] }) as RdMessage;
  return { ours: await time(count, (i) => consumer.emit('data', message(i))), hand: await time(count, (i) => plain.emit('data', message(i))) };
}

/** kafkajs produce of one message: tracecarrier's send against the article's injector around send. */
async function kafkajsProduce(tracer: Tracer, count: number): Promise<{ ours: number; hand: number }> {
  const sent: RecordMetadata[] = [{ topicName: TOPIC, partition: 0, errorCode: 0, baseOffset: '0' }];
  const standIn = { send: async (_record: ProducerRecord) => sent, sendBatch: async () => sent } as unknown as Producer;
  const ours = traceProducer(standIn, { clientId: 'bench', brokers: ['127.0.0.1:9092'] });
  const hand = async (record: ProducerRecord): Promise<RecordMetadata[]> => {
    const message = record.messages[0] as Message;
    const span = tracer.startSpan(`send ${record.topic}`, { kind: SpanKind.PRODUCER, attributes: sendAttributes(Buffer.byteLength(message.value as Buffer)) });
    const headers: Record<string, string> = { ...(message.headers as Record<string, string> | undefined) };
    propagation.inject(trace.setSpan(context.active(), span), headers);
    try {
      return await context.with(trace.setSpan(context.active(), span), () => standIn.send({ ...record, messages: [{ ...message, headers }] }));
    } finally {
      span.end();
    }
  };
  const record = () => ({ topic: TOPIC, messages: [{ value, headers: { 'x-app': 'bench' } }] });
  return { ours: await time(count, () => ours.send(record())), hand: await time(count, () => hand(record())) };
}

/** node-rdkafka produce: TracedProducer.produce against a hand-written span around produce (the native call stubbed out in this process). */
async function rdkafkaProduce(tracer: Tracer, count: number): Promise<{ ours: number; hand: number }> {
  const produce = (): boolean => true;
  (RdKafka.Producer.prototype as unknown as { produce: typeof produce }).produce = produce;
  const ours = new TracedProducer({ 'metadata.broker.list': '127.0.0.1:9092', 'client.id': 'bench' }, {});
  const plain = new RdKafka.Producer({ 'metadata.broker.list': '127.0.0.1:9092' });
  const hand = (): void => {
    const span = tracer.startSpan(`send ${TOPIC}`, { kind: SpanKind.PRODUCER, attributes: sendAttributes(value.length) });
    const fields: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), fields);
    const headers = [{ 'x-app': 'bench' }, ...Object.entries(fields).map(([key, text]) => ({ [key]: text }))];
    try {
      plain.produce(TOPIC, null, value, null, 0, undefined, headers);
    } finally {
      span.end();
    }
  };
  return { ours: await time(count, () => ours.produce(TOPIC, null, value, null, 0, undefined, [{ 'x-app': 'bench' }])), hand: await time(count, hand) };
}

async function main(): Promise<void> {
  const cases: Array<HandWrittenResult['cases'][number]> = [];
  for (const sampled of [true, false]) {
    const provider = new BasicTracerProvider({
      sampler: sampled ? new AlwaysOnSampler() : new AlwaysOffSampler(),
      spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 65_536, maxExportBatchSize: 4096, scheduledDelayMillis: 50 })],
    });
    trace.disable();
    trace.setGlobalTracerProvider(provider);
    const tracer = trace.getTracer('hand-written');
    for (const [name, run] of [
      ['kafkajs consume (eachMessage)', kafkajsConsume],
      ['node-rdkafka consume (data)', rdkafkaConsume],
      ['kafkajs produce (send, 1 message)', kafkajsProduce],
      ['node-rdkafka produce', rdkafkaProduce],
    ] as const) {
      await run(tracer, Math.min(20_000, messages)); // warm-up: JIT, lazily created state
      // Alternate rounds and keep the median, as the harness does for the other parts.
      const rounds: Array<{ ours: number; hand: number }> = [];
      for (let round = 0; round < 5; round++) rounds.push(await run(tracer, messages));
      const median = (pick: (r: { ours: number; hand: number }) => number) => rounds.map(pick).sort((a, b) => a - b)[2]!;
      cases.push({ name, sampled, tracecarrierNs: median((r) => r.ours), handNs: median((r) => r.hand) });
      await provider.forceFlush();
    }
    await provider.shutdown();
  }
  const result: HandWrittenResult = { cases, spans: exported };
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
