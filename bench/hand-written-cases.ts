/**
 * The cases of part 6 (`hand-written.ts`) and of `profile.ts`: tracecarrier's wrappers against the
 * same tracing written by hand with the stock OpenTelemetry API, fed in process (no network: stand-in
 * clients, node-rdkafka's native calls stubbed), so only the tracing is measured.
 *
 * Each case has three sides:
 * - `ours`: the tracecarrier wrapper, default options (headers carrier, `auto` consumer).
 * - `hand`: the floor. The same spans written by hand: same names, kinds, parents, attributes and
 *   links as tracecarrier's, so the ratio measures the SDK's machinery and nothing it records more.
 *   On process spans that is two things beyond the semantic conventions: the `tracecarrier.carrier`
 *   attribute and the link to the producer span (`tracecarrier.link.reason=producer`).
 * - `article` (consume cases): the article's minimal version, without those two, for reference.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Attributes, type Context, type Link, type TextMapGetter, type Tracer } from '@opentelemetry/api';
import type { Consumer, ConsumerRunConfig, EachBatchPayload, EachMessagePayload, KafkaMessage, Message, Producer, ProducerRecord, RecordMetadata } from 'kafkajs';
import { AsyncResource } from 'node:async_hooks';
import RdKafka from 'node-rdkafka';
import type { Message as RdMessage } from 'node-rdkafka';
import { traceConsumer, traceProducer, type TracedEachBatchPayload } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer, TracedProducer } from '@tracecarrier/node-rdkafka';

/** One step of a side: handles `size` messages (`i` numbers the step). */
export type Step = (i: number) => unknown;

/** A case: its sides, and how many messages one step handles. */
export interface HandWrittenCase {
  /** Messages per step (a batch case handles a whole batch per step). */
  readonly size: number;
  readonly ours: Step;
  readonly hand: Step;
  readonly article?: Step;
}

const TOPIC = 'orders';
/** Messages per batch in the batch cases. */
export const BATCH = 10;
const value = Buffer.from('{"title":"hand-written floor"}');
const TRACEPARENT = Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
export const IDENTITY = { 'messaging.client.id': 'bench', 'server.address': '127.0.0.1', 'server.port': 9092 };
const CARRIER = 'tracecarrier.carrier';
const LINK_REASON = 'tracecarrier.link.reason';

/** The getter the article's consumer writes: header values are Buffers. */
export const bufferGetter: TextMapGetter<Record<string, unknown>> = {
  get: (carrier, key) => {
    const raw = carrier[key];
    return raw === undefined || raw === null ? undefined : Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
  },
  keys: (carrier) => Object.keys(carrier),
};

export function processAttributes(partition: number, offset: string | number, body: number, topic = TOPIC): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.name': 'process',
    'messaging.operation.type': 'process',
    'messaging.destination.name': topic,
    'messaging.message.body.size': body,
    'messaging.destination.partition.id': String(partition),
    'messaging.kafka.offset': Number(offset),
    'messaging.consumer.group.name': 'bench',
    ...IDENTITY,
  };
}

function batchAttributes(partition: number, count: number): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.name': 'process',
    'messaging.operation.type': 'process',
    'messaging.destination.name': TOPIC,
    'messaging.destination.partition.id': String(partition),
    'messaging.batch.message_count': count,
    'messaging.consumer.group.name': 'bench',
    ...IDENTITY,
  };
}

export function sendAttributes(operation: 'send' | 'create', body: number, topic = TOPIC): Attributes {
  return { 'messaging.system': 'kafka', 'messaging.operation.name': operation, 'messaging.operation.type': operation, 'messaging.destination.name': topic, 'messaging.message.body.size': body, ...IDENTITY };
}

/** The hand-written process span, as tracecarrier records it: child of the producer span, linked to it (and to the ambient span, if any). */
export function startHandProcess(tracer: Tracer, parent: Context, attributes: Attributes, ambient?: Context, topic = TOPIC): ReturnType<Tracer['startSpan']> {
  const links: Link[] = [];
  const producer = trace.getSpanContext(parent);
  if (producer !== undefined) links.push({ context: producer, attributes: { [LINK_REASON]: 'producer' } });
  const around = ambient === undefined ? undefined : trace.getSpanContext(ambient);
  if (around !== undefined) links.push({ context: around, attributes: { [LINK_REASON]: 'ambient' } });
  attributes[CARRIER] = 'headers';
  return tracer.startSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes, links }, parent);
}

function kafkajsMessage(i: number): KafkaMessage {
  return { key: null, value, timestamp: '0', attributes: 0, offset: String(i), size: value.length, headers: { traceparent: TRACEPARENT } } as KafkaMessage;
}

/**
 * A message as node-rdkafka's native consume loop makes it: a fresh object with fresh Buffers for
 * the value and every header value (the real client copies them out of librdkafka), so the stand-in
 * allocates what the broker path does.
 */
function nativeRdMessage(i: number): RdMessage {
  return { value: Buffer.from(value), size: value.length, topic: TOPIC, offset: i, partition: 0, key: undefined, timestamp: 1_700_000_000_000, headers: [{ traceparent: Buffer.from(TRACEPARENT) }] } as RdMessage;
}

/**
 * Emits `'data'` on `consumer` the way node-rdkafka's flowing mode does: from a native callback,
 * one call per message. The stand-in runs each emit in an async resource's scope, so with an
 * `AsyncLocalStorage` context manager on, Node runs its async-hook bookkeeping around each message
 * as it does around the real client's callbacks (part 8's broker profiles found this cost, which
 * a plain synchronous emit hid).
 */
function nativeDelivery(consumer: { emit(event: 'data', message: RdMessage): boolean }): Step {
  const loop = new AsyncResource('RdKafka.KafkaConsumer.consumeLoop');
  const emit = (i: number): boolean => consumer.emit('data', nativeRdMessage(i));
  return (i) => loop.runInAsyncScope(emit, undefined, i);
}

function rdMessage(i: number): RdMessage {
  return { topic: TOPIC, partition: 0, offset: i, value, size: value.length, key: undefined, headers: [{ traceparent: TRACEPARENT }] } as RdMessage;
}

/**
 * The hand-written kafkajs `eachMessage` tracing around `handler` (`same`: the spans tracecarrier
 * records; otherwise the article's minimal span). Also run through the broker (`broker-case.ts`).
 */
export function handWrittenEachMessage(tracer: Tracer, handler: (payload: EachMessagePayload) => Promise<void>, same = true): (payload: EachMessagePayload) => Promise<void> {
  return async (p) => {
    const parent = propagation.extract(ROOT_CONTEXT, p.message.headers as Record<string, unknown>, bufferGetter);
    const attributes = processAttributes(p.partition, p.message.offset, p.message.value?.length ?? 0, p.topic);
    const span = same ? startHandProcess(tracer, parent, attributes, undefined, p.topic) : tracer.startSpan(`process ${p.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent);
    try {
      await context.with(trace.setSpan(parent, span), () => handler(p));
    } finally {
      span.end();
    }
  };
}

/** kafkajs `eachMessage`: the wrapper's handler against the article's. */
async function kafkajsEachMessage(tracer: Tracer): Promise<HandWrittenCase> {
  let feed: ((payload: EachMessagePayload) => Promise<void>) | undefined;
  const standIn = { run: async (config?: ConsumerRunConfig) => void (feed = config!.eachMessage!) } as unknown as Consumer;
  await traceConsumer(standIn, { groupId: 'bench', clientId: 'bench', brokers: ['127.0.0.1:9092'] }).run({ eachMessage: async () => undefined });
  const payload = (i: number) => ({ topic: TOPIC, partition: 0, message: kafkajsMessage(i), heartbeat: async () => undefined, pause: () => () => undefined }) as EachMessagePayload;
  const handler = async (_payload: EachMessagePayload): Promise<void> => undefined;
  const written = (same: boolean) => handWrittenEachMessage(tracer, handler, same);
  const hand = written(true);
  const article = written(false);
  return { size: 1, ours: (i) => feed!(payload(i)), hand: (i) => hand(payload(i)), article: (i) => article(payload(i)) };
}

/** kafkajs `eachBatch` of {@link BATCH} messages, each handled under its own span (`processMessage` against the same by hand). */
async function kafkajsEachBatch(tracer: Tracer): Promise<HandWrittenCase> {
  let feed: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const standIn = { run: async (config?: ConsumerRunConfig) => void (feed = config!.eachBatch!) } as unknown as Consumer;
  const work = async (): Promise<void> => undefined;
  await traceConsumer(standIn, { groupId: 'bench', clientId: 'bench', brokers: ['127.0.0.1:9092'] }).run({
    eachBatch: async ({ batch, processMessage }: TracedEachBatchPayload) => {
      for (const message of batch.messages) await processMessage(message, work);
    },
  });
  const payload = (i: number) =>
    ({ batch: { topic: TOPIC, partition: 0, messages: Array.from({ length: BATCH }, (_, n) => kafkajsMessage(i * BATCH + n)) }, heartbeat: async () => undefined }) as unknown as EachBatchPayload;
  const hand = async ({ batch }: EachBatchPayload): Promise<void> => {
    const parents: Context[] = [];
    const links: Link[] = [];
    for (const message of batch.messages) {
      const parent = propagation.extract(ROOT_CONTEXT, message.headers as Record<string, unknown>, bufferGetter);
      parents.push(parent);
      const producer = trace.getSpanContext(parent);
      if (producer !== undefined) links.push({ context: producer, attributes: { 'messaging.destination.name': TOPIC, 'messaging.destination.partition.id': '0', 'messaging.kafka.offset': Number(message.offset) } });
    }
    const batchSpan = tracer.startSpan(`process ${TOPIC}`, { kind: SpanKind.CONSUMER, attributes: batchAttributes(batch.partition, batch.messages.length), links }, ROOT_CONTEXT);
    const batchContext = trace.setSpan(ROOT_CONTEXT, batchSpan);
    try {
      await context.with(batchContext, async () => {
        for (let n = 0; n < batch.messages.length; n++) {
          const message = batch.messages[n]!;
          const parent = parents[n]!;
          const span = startHandProcess(tracer, parent, processAttributes(batch.partition, message.offset, message.value?.length ?? 0), batchContext);
          try {
            await context.with(trace.setSpan(parent, span), work);
          } finally {
            span.end();
          }
        }
      });
    } finally {
      batchSpan.end();
    }
  };
  return { size: BATCH, ours: (i) => feed!(payload(i)), hand: (i) => hand(payload(i)) };
}

/** A node-rdkafka message's headers as one record (the client gives a list of one-key objects). */
export function headerRecord(message: Pick<RdMessage, 'headers'>): Record<string, unknown> {
  const carrier: Record<string, unknown> = {};
  for (const entry of message.headers ?? []) Object.assign(carrier, entry);
  return carrier;
}

/**
 * The hand-written node-rdkafka `'data'` listener around `handler` (`same`: the spans tracecarrier
 * records; otherwise the article's minimal span). Also run through the broker (`broker-case.ts`),
 * for node-rdkafka and its fork's callback API.
 */
export function handWrittenDataListener(tracer: Tracer, handler: (message: RdMessage) => void, same = true): (message: RdMessage) => void {
  return (message) => {
    const parent = propagation.extract(ROOT_CONTEXT, headerRecord(message), bufferGetter);
    const attributes = processAttributes(message.partition, message.offset, message.value?.length ?? 0, message.topic);
    const span = same ? startHandProcess(tracer, parent, attributes, undefined, message.topic) : tracer.startSpan(`process ${message.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent);
    try {
      context.with(trace.setSpan(parent, span), handler, undefined, message);
    } finally {
      span.end();
    }
  };
}

/**
 * The least any code that gives a node-rdkafka listener its message's context does: extract the
 * headers with the stock propagator and run the listener in that context. No span. Through the
 * broker only (`broker-case.ts`): what carrying context costs before any span is started.
 */
export function contextOnlyDataListener(handler: (message: RdMessage) => void): (message: RdMessage) => void {
  return (message) => context.with(propagation.extract(ROOT_CONTEXT, headerRecord(message), bufferGetter), handler, undefined, message);
}

/** The same least for kafkajs-shaped `eachMessage` handlers (kafkajs, the confluent KafkaJS API). */
export function contextOnlyEachMessage<P extends { message: { headers?: unknown } }>(handler: (payload: P) => Promise<void>): (payload: P) => Promise<void> {
  return (payload) => context.with(propagation.extract(ROOT_CONTEXT, (payload.message.headers ?? {}) as Record<string, unknown>, bufferGetter), handler, undefined, payload);
}

/**
 * The hand-written node-rdkafka `produce` through the broker, as tracecarrier traces it: a `send`
 * span whose context is injected into the message's headers, passed as the produce call's opaque and
 * ended at the delivery report with the partition and offset it landed on. `settle` is the
 * `'delivery-report'` listener the producer needs for it.
 */
export function handWrittenRdProduce(tracer: Tracer, producer: Pick<RdKafka.Producer, 'produce'>): {
  produce: (topic: string, value: Buffer, headers?: Array<Record<string, string>>) => void;
  settle: (error: unknown, report: { partition?: number; offset?: number; opaque?: unknown }) => void;
} {
  return {
    produce: (topic, value, callerHeaders = []) => {
      const span = tracer.startSpan(`send ${topic}`, { kind: SpanKind.PRODUCER, attributes: sendAttributes('send', value.length, topic) });
      const fields: Record<string, string> = {};
      propagation.inject(trace.setSpan(context.active(), span), fields);
      const headers = [...callerHeaders, ...Object.entries(fields).map(([key, text]) => ({ [key]: text }))];
      try {
        producer.produce(topic, null, value, null, undefined, span, headers);
      } catch (error) {
        span.end();
        throw error;
      }
    },
    settle: (error, report) => {
      const span = report.opaque as ReturnType<Tracer['startSpan']> | undefined;
      if (span === undefined) return;
      if (report.partition !== undefined) span.setAttribute('messaging.destination.partition.id', String(report.partition));
      if (report.offset !== undefined) span.setAttribute('messaging.kafka.offset', Number(report.offset));
      if (error) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}

/** The headers the least context-carrying producer writes: the active context, injected (no span). */
export function contextOnlyHeaders(): Array<Record<string, string>> {
  const fields: Record<string, string> = {};
  propagation.inject(context.active(), fields);
  return Object.entries(fields).map(([key, text]) => ({ [key]: text }));
}

/** The same for kafkajs-shaped sends: each message's headers, copied, with the active context injected. */
export function contextOnlySend<R extends { messages: Array<{ headers?: unknown }> }, T>(send: (record: R) => Promise<T>): (record: R) => Promise<T> {
  return (record) => {
    const active = context.active();
    const messages = record.messages.map((message) => {
      const headers: Record<string, unknown> = { ...(message.headers as Record<string, unknown> | undefined) };
      propagation.inject(active, headers);
      return { ...message, headers };
    });
    return send({ ...record, messages });
  };
}

/** node-rdkafka flowing mode: the traced consumer's `'data'` path against a hand-written listener. */
async function rdkafkaData(tracer: Tracer): Promise<HandWrittenCase> {
  const consumer = new TracedKafkaConsumer({ 'group.id': 'bench', 'client.id': 'bench', 'metadata.broker.list': '127.0.0.1:9092' }, {}, process.env.MODE ? { mode: process.env.MODE as 'headers' } : undefined);
  consumer.on('data', () => undefined);
  const work = (): void => undefined;
  const plain = new RdKafka.KafkaConsumer({ 'group.id': 'bench', 'metadata.broker.list': '127.0.0.1:9092' }, {});
  plain.on('data', handWrittenDataListener(tracer, work, true));
  const minimal = new RdKafka.KafkaConsumer({ 'group.id': 'bench', 'metadata.broker.list': '127.0.0.1:9092' }, {});
  minimal.on('data', handWrittenDataListener(tracer, work, false));
  return {
    size: 1,
    ours: nativeDelivery(consumer),
    hand: nativeDelivery(plain),
    article: nativeDelivery(minimal),
  };
}

/** node-rdkafka `consume(n, cb)` of {@link BATCH} messages, each handled under its own span (`processMessage`), the native call stubbed. */
async function rdkafkaConsumeBatch(tracer: Tracer): Promise<HandWrittenCase> {
  let next: RdMessage[] = [];
  // The native consume, stubbed: hands the prepared batch to the callback at once.
  (RdKafka.KafkaConsumer.prototype as unknown as { consume: (n: number, cb: (err: unknown, m: RdMessage[]) => void) => void }).consume = (_n, cb) => cb(null, next);
  const consumer = new TracedKafkaConsumer({ 'group.id': 'bench', 'client.id': 'bench', 'metadata.broker.list': '127.0.0.1:9092' }, {});
  const work = (): void => undefined;
  const batchOf = (i: number) => Array.from({ length: BATCH }, (_, n) => rdMessage(i * BATCH + n));
  const ours = (i: number): void => {
    next = batchOf(i);
    consumer.consume(BATCH, (_err, messages) => {
      for (const message of messages) consumer.processMessage(message, work);
    });
  };
  const hand = (i: number): void => {
    const messages = batchOf(i);
    const parents: Context[] = [];
    const links: Link[] = [];
    for (const message of messages) {
      const parent = propagation.extract(ROOT_CONTEXT, headerRecord(message), bufferGetter);
      parents.push(parent);
      const producer = trace.getSpanContext(parent);
      if (producer !== undefined) links.push({ context: producer, attributes: { 'messaging.destination.name': TOPIC, 'messaging.destination.partition.id': String(message.partition), 'messaging.kafka.offset': message.offset } });
    }
    const batchSpan = tracer.startSpan(`process ${TOPIC}`, { kind: SpanKind.CONSUMER, attributes: batchAttributes(0, messages.length), links }, ROOT_CONTEXT);
    const batchContext = trace.setSpan(ROOT_CONTEXT, batchSpan);
    try {
      context.with(batchContext, () => {
        for (let n = 0; n < messages.length; n++) {
          const message = messages[n]!;
          const span = startHandProcess(tracer, parents[n]!, processAttributes(message.partition, message.offset, message.value?.length ?? 0), batchContext);
          try {
            context.with(trace.setSpan(parents[n]!, span), work);
          } finally {
            span.end();
          }
        }
      });
    } finally {
      batchSpan.end();
    }
  };
  return { size: BATCH, ours, hand };
}

const SENT: RecordMetadata[] = [{ topicName: TOPIC, partition: 0, errorCode: 0, baseOffset: '7' }];

/** kafkajs `send` of one message: the wrapper against the article's injector around send. */
async function kafkajsSend(tracer: Tracer): Promise<HandWrittenCase> {
  const standIn = { send: async (_record: ProducerRecord) => SENT, sendBatch: async () => SENT } as unknown as Producer;
  const ours = traceProducer(standIn, { clientId: 'bench', brokers: ['127.0.0.1:9092'] });
  const hand = async (record: ProducerRecord): Promise<RecordMetadata[]> => {
    const message = record.messages[0] as Message;
    const parent = context.active();
    const span = tracer.startSpan(`send ${record.topic}`, { kind: SpanKind.PRODUCER, attributes: sendAttributes('send', Buffer.byteLength(message.value as Buffer)) }, parent);
    const active = trace.setSpan(parent, span);
    const headers: Record<string, string> = { ...(message.headers as Record<string, string> | undefined) };
    propagation.inject(active, headers);
    try {
      const result = await context.with(active, () => standIn.send({ ...record, messages: [{ ...message, headers }] }));
      // tracecarrier records where the message landed, so the hand-written span does too.
      span.setAttribute('messaging.destination.partition.id', String(result[0]!.partition));
      span.setAttribute('messaging.kafka.offset', Number(result[0]!.baseOffset));
      return result;
    } finally {
      span.end();
    }
  };
  const record = () => ({ topic: TOPIC, messages: [{ value, headers: { 'x-app': 'bench' } }] });
  return { size: 1, ours: () => ours.send(record()), hand: () => hand(record()) };
}

/**
 * The hand-written kafkajs send of several messages, as tracecarrier traces it: a `create` span per
 * message (its context injected into a copy of the message's headers), a `send` span linked to them.
 * Also run through the broker (`broker-case.ts`).
 */
export function handWrittenSend(tracer: Tracer, send: (record: ProducerRecord) => Promise<RecordMetadata[]>): (record: ProducerRecord) => Promise<RecordMetadata[]> {
  return async (record) => {
    const parent = context.active();
    const links: Link[] = [];
    const messages = record.messages.map((message) => {
      const span = tracer.startSpan(`create ${record.topic}`, { kind: SpanKind.PRODUCER, attributes: sendAttributes('create', Buffer.byteLength(message.value as Buffer), record.topic) }, parent);
      const headers: Record<string, string> = { ...(message.headers as Record<string, string> | undefined) };
      propagation.inject(trace.setSpan(parent, span), headers);
      links.push({ context: span.spanContext() });
      span.end();
      return { ...message, headers };
    });
    const attributes: Attributes = { 'messaging.system': 'kafka', 'messaging.operation.name': 'send', 'messaging.operation.type': 'send', 'messaging.batch.message_count': messages.length, 'messaging.destination.name': record.topic, ...IDENTITY };
    const span = tracer.startSpan(`send ${record.topic}`, { kind: SpanKind.CLIENT, attributes, links }, parent);
    try {
      return await send({ ...record, messages });
    } finally {
      span.end();
    }
  };
}

/** kafkajs `send` of {@link BATCH} messages: a `create` span per message, a `send` span linked to them. */
async function kafkajsSendBatch(tracer: Tracer): Promise<HandWrittenCase> {
  const standIn = { send: async (_record: ProducerRecord) => SENT, sendBatch: async () => SENT } as unknown as Producer;
  const ours = traceProducer(standIn, { clientId: 'bench', brokers: ['127.0.0.1:9092'] });
  const hand = handWrittenSend(tracer, standIn.send);
  const record = () => ({ topic: TOPIC, messages: Array.from({ length: BATCH }, () => ({ value, headers: { 'x-app': 'bench' } })) });
  return { size: BATCH, ours: () => ours.send(record()), hand: () => hand(record()) };
}

/**
 * node-rdkafka `produce` with delivery reports: TracedProducer against the hand-written `send` span
 * ended at the report (the broker cases' code). The native call is stubbed; each message's delivery
 * report is emitted right after it from an async resource's scope, as the client's poll does, so
 * what the broker path pays for reports (the span kept until its report, a fresh report object) is
 * paid here too.
 */
async function rdkafkaProduce(tracer: Tracer): Promise<HandWrittenCase> {
  // The native produce, stubbed: it keeps the opaque for the delivery report that follows.
  let opaque: unknown;
  (RdKafka.Producer.prototype as unknown as { produce: (...args: unknown[]) => boolean }).produce = (...args) => {
    opaque = args[5];
    return true;
  };
  const config = { 'metadata.broker.list': '127.0.0.1:9092', 'client.id': 'bench', dr_cb: true };
  const ours = new TracedProducer(config, {});
  ours.on('delivery-report', () => undefined);
  const plain = new RdKafka.Producer(config);
  const byHand = handWrittenRdProduce(tracer, plain);
  plain.on('delivery-report', byHand.settle);
  // As the client's poll does: each message's report, a fresh object, from a native callback's scope.
  const poll = new AsyncResource('RdKafka.Producer.poll');
  const report = (producer: { emit(event: string, ...args: unknown[]): boolean }, i: number): boolean =>
    producer.emit('delivery-report', null, { topic: TOPIC, partition: 0, offset: i, key: null, size: value.length, timestamp: 0, opaque });
  const headers = (): Array<Record<string, string>> => [{ 'x-app': 'bench' }];
  return {
    size: 1,
    ours: (i) => {
      ours.produce(TOPIC, null, value, null, 0, undefined, headers());
      return poll.runInAsyncScope(report, undefined, ours, i);
    },
    hand: (i) => {
      byHand.produce(TOPIC, value, headers());
      return poll.runInAsyncScope(report, undefined, plain, i);
    },
  };
}

/** Every case, by name: built against a tracer (the wrappers use the global provider, which must be the tracer's). */
export const HAND_WRITTEN_CASES: ReadonlyArray<{ readonly name: string; readonly build: (tracer: Tracer) => Promise<HandWrittenCase> }> = [
  { name: 'kafkajs consume (eachMessage)', build: kafkajsEachMessage },
  { name: `kafkajs consume (eachBatch of ${BATCH}, processMessage)`, build: kafkajsEachBatch },
  { name: 'node-rdkafka consume (data)', build: rdkafkaData },
  { name: `node-rdkafka consume (consume(${BATCH}, cb), processMessage)`, build: rdkafkaConsumeBatch },
  { name: 'kafkajs produce (send, 1 message)', build: kafkajsSend },
  { name: `kafkajs produce (send, batch of ${BATCH})`, build: kafkajsSendBatch },
  { name: 'node-rdkafka produce', build: rdkafkaProduce },
];

/**
 * Steps between two turns of the microtask queue when steps are synchronous (node-rdkafka's): a
 * client's callbacks return to the event loop between batches, and the batch span processor needs
 * those turns to hand its batches to the exporter. Without them its queue fills up after the first
 * side of a round and drops the spans of the next: a side would be timed recording and keeping
 * spans or throwing them away depending on its place in the round.
 */
const TURN_EVERY = 1_000;

/** Runs `step` `count` times (awaiting it when it returns a promise) and returns nanoseconds per call. */
export async function time(count: number, step: Step): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const result = step(i);
    if (result instanceof Promise) await result;
    else if (i % TURN_EVERY === TURN_EVERY - 1) await undefined;
  }
  return Number(process.hrtime.bigint() - start) / count;
}
