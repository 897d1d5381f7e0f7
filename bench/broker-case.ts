/**
 * One throughput case through the real broker, in its own process so that cases cannot affect each
 * other (and so the official instrumentation can patch kafkajs before anything loads it).
 * Usage: broker-case.ts <case> <messages> ; prints one JSON line.
 */
import { createRequire } from 'node:module';
import { ROOT_CONTEXT, TraceFlags, context, metrics, propagation, trace, type Context } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import type * as InstrumentationKafkaJs from '@opentelemetry/instrumentation-kafkajs';
import type * as KafkaJs from 'kafkajs';
import type RdKafkaModule from 'node-rdkafka';
import type * as RdkafkaBinding from '@tracecarrier/node-rdkafka';
import type * as HandWritten from './hand-written-cases.js';
import { AlwaysOffSampler, TracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';

export const CASES = [
  'kafkajs-bare',
  'kafkajs-bare-with-header',
  'kafkajs-headers',
  'kafkajs-envelope',
  'kafkajs-otel-instrumentation',
  // The same tracing as tracecarrier's, written by hand with the stock API around the bare client.
  'kafkajs-hand-written',
  'kafkajs-headers-sampled-out',
  'rdkafka-bare',
  'rdkafka-bare-with-header',
  'rdkafka-headers',
  'rdkafka-headers-sampled-out',
  'kafkajs-headers-metrics',
  'rdkafka-headers-metrics',
  // @confluentinc/kafka-javascript: its callback API and its KafkaJS-compatible API.
  'confluent-bare',
  'confluent-headers',
  'confluent-kafkajs-bare',
  'confluent-kafkajs-headers',
] as const;

/**
 * The further cases of part 8, what a service runs: every client with the constant-header floor,
 * sampled out, at 1 % (ParentBased(TraceIdRatioBased(0.01))), with metrics on, and both at once
 * (-service); the official instrumentation and the hand-written tracing sampled out too.
 */
export const SERVICE_CASES = [
  'kafkajs-headers-ratio',
  'kafkajs-headers-service',
  'kafkajs-hand-written-sampled-out',
  'kafkajs-otel-instrumentation-sampled-out',
  'kafkajs-otel-instrumentation-metrics',
  'rdkafka-headers-ratio',
  'rdkafka-headers-service',
  'confluent-bare-with-header',
  'confluent-headers-sampled-out',
  'confluent-headers-ratio',
  'confluent-headers-metrics',
  'confluent-headers-service',
  'confluent-kafkajs-bare-with-header',
  'confluent-kafkajs-headers-sampled-out',
  'confluent-kafkajs-headers-ratio',
  'confluent-kafkajs-headers-metrics',
  'confluent-kafkajs-headers-service',
  // The same tracing written by hand around the bare client, sampled in and out, for every client.
  'rdkafka-hand-written',
  'rdkafka-hand-written-sampled-out',
  'confluent-hand-written',
  'confluent-hand-written-sampled-out',
  'confluent-kafkajs-hand-written',
  'confluent-kafkajs-hand-written-sampled-out',
  // The least any code carrying context does, no span: the consumer extracts the headers with the
  // stock propagator and runs the handler in that context; the producer injects the active context.
  'kafkajs-context-only',
  'rdkafka-context-only',
  'confluent-context-only',
  'confluent-kafkajs-context-only',
  // tracecarrier sampled in with the consumer reading headers only (`mode: 'headers'`): what the
  // hand-written tracing reads. The default (`auto`) also looks for CloudEvents and envelopes.
  'kafkajs-headers-read-headers',
  'rdkafka-headers-read-headers',
  'confluent-headers-read-headers',
  'confluent-kafkajs-headers-read-headers',
  // @platformatic/kafka (platformatic-case.ts): every column above, and its own instrumentation,
  // @platformatic/kafka-opentelemetry, sampled in and out and with metrics.
  'platformatic-bare',
  'platformatic-bare-with-header',
  'platformatic-headers',
  'platformatic-headers-sampled-out',
  'platformatic-headers-ratio',
  'platformatic-headers-metrics',
  'platformatic-headers-service',
  'platformatic-headers-read-headers',
  'platformatic-hand-written',
  'platformatic-hand-written-sampled-out',
  'platformatic-context-only',
  'platformatic-otel-instrumentation',
  'platformatic-otel-instrumentation-sampled-out',
  'platformatic-otel-instrumentation-metrics',
] as const;
export const ALL_CASES = [...CASES, ...SERVICE_CASES] as const;
export type CaseName = (typeof ALL_CASES)[number];

export interface CaseResult {
  readonly name: CaseName;
  readonly messages: number;
  readonly produceRate: number;
  readonly consumeRate: number;
  /**
   * CPU time of the whole process (every thread: the clients' native ones too) per message, in µs,
   * over the same stretch as the rate. Unlike a rate it does not count waiting (for the broker, or
   * for a core another process holds), so it compares two cases even on a busy machine.
   */
  readonly produceCpuUs?: number;
  readonly consumeCpuUs?: number;
  readonly spans: number;
}

const require = createRequire(import.meta.url);
export const CONSTANT_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
export const BATCH = 100;
/** What the context-only producers run in: an active context whose span context they inject. */
const CONSTANT_CONTEXT: Context = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });

/** The consumer options of a traced case: `-read-headers` cases read headers only, the others use the default (`auto`). */
export function consumerMode(name: CaseName): { mode?: 'headers' } {
  return name.endsWith('-read-headers') ? { mode: 'headers' } : {};
}

/** Microseconds of CPU (user and system) the process spent since `since`. */
function cpuSince(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return user + system;
}

/** CPU spent by the produce side, kept for the result (every case's produce side runs once). */
let produceCpuUs = 0;

/**
 * Runs the produce side of a context-only case in {@link CONSTANT_CONTEXT}, any other in the root
 * context, and keeps the CPU it took in {@link produceCpuUs}.
 */
export async function producing<T>(name: CaseName, fn: () => Promise<T>): Promise<T> {
  const cpu = process.cpuUsage();
  try {
    return await (name.endsWith('context-only') ? context.with(CONSTANT_CONTEXT, fn) : fn());
  } finally {
    produceCpuUs = cpuSince(cpu);
  }
}

/**
 * The baselines wrapped around a bare client, for the hand-written and context-only cases (loaded
 * only for those: they load the bindings and kafkajs): each wrapper picks the case's variant once.
 */
async function handWritten(name: CaseName) {
  if (!name.includes('hand-written') && !name.endsWith('context-only')) return undefined;
  const tracer = trace.getTracer('hand-written');
  const cases = (await import('./hand-written-cases.js')) as typeof HandWritten;
  const contextOnly = name.endsWith('context-only');
  return {
    /** A kafkajs-shaped `send` (kafkajs, the confluent KafkaJS API), traced by hand or carrying context only. */
    send<R extends KafkaJs.ProducerRecord, T>(send: (record: R) => Promise<T>): (record: R) => Promise<T> {
      return contextOnly ? cases.contextOnlySend(send) : (cases.handWrittenSend(tracer, send as never) as unknown as (record: R) => Promise<T>);
    },
    /** A kafkajs-shaped `eachMessage` handler, likewise. */
    eachMessage<P extends KafkaJs.EachMessagePayload>(handler: (payload: P) => Promise<void>): (payload: P) => Promise<void> {
      return contextOnly ? cases.contextOnlyEachMessage(handler) : (cases.handWrittenEachMessage(tracer, handler as never) as unknown as (payload: P) => Promise<void>);
    },
    /** A librdkafka `'data'` listener, likewise. */
    dataListener(listener: (message: RdKafkaModule.Message) => void): (message: RdKafkaModule.Message) => void {
      return contextOnly ? cases.contextOnlyDataListener(listener) : cases.handWrittenDataListener(tracer, listener);
    },
    /** For a librdkafka producer: the hand-written send span, or (context only) the headers to send. */
    produce: contextOnly ? undefined : (producer: Pick<RdKafkaModule.Producer, 'produce'>) => cases.handWrittenRdProduce(tracer, producer),
    headers: contextOnly ? cases.contextOnlyHeaders : undefined,
  };
}

/** Counts spans and drops them: the cost measured is creating and ending them, not exporting. */
class CountingExporter implements SpanExporter {
  count = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.count += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

async function main(): Promise<void> {
  const name = process.argv[2] as CaseName;
  const messages = Number(process.argv[3]);
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  if (!ALL_CASES.includes(name) || !(messages > 0) || brokers[0] === '') throw new Error('usage: broker-case.ts <case> <messages> (KAFKA_BROKERS set)');
  const exporter = new CountingExporter();
  // A service samples: -ratio and -service cases keep 1 % of new traces (the messages here start
  // them: the producer's send span is a root).
  const sampler = name.endsWith('sampled-out') ? new AlwaysOffSampler() : name.endsWith('-ratio') || name.endsWith('-service') ? new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.01) }) : undefined;
  const provider = new TracerProvider({
    ...(sampler === undefined ? {} : { sampler }),
    spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 65_536, maxExportBatchSize: 4096, scheduledDelayMillis: 200 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(provider);
  // The -metrics cases register a meter provider (aggregating, exporting every second to nowhere)
  // before the clients exist; every other case has none, the default: metrics off.
  const meterProvider = name.endsWith('-metrics') || name.endsWith('-service')
    ? new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA), exportIntervalMillis: 1000 })] })
    : undefined;
  if (meterProvider !== undefined) metrics.setGlobalMeterProvider(meterProvider);
  const topic = `bench-${name}-${process.pid}`;
  const value = Buffer.from(JSON.stringify({ pad: 'x'.repeat(1000) }).slice(0, 1024));
  const run = name.startsWith('platformatic')
    ? (await import('./platformatic-case.js')).runPlatformatic
    : name.startsWith('confluent-kafkajs')
      ? runConfluentKafkajs
      : name.startsWith('rdkafka') || name.startsWith('confluent')
        ? runRdkafka
        : runKafkajs;
  const { produceMs, consumeMs, consumeCpuUs } = await run(name, brokers, topic, value, messages);
  await provider.forceFlush();
  await provider.shutdown();
  await meterProvider?.shutdown();
  const result: CaseResult = { name, messages, produceRate: messages / (produceMs / 1000), consumeRate: messages / (consumeMs / 1000), produceCpuUs: produceCpuUs / messages, consumeCpuUs, spans: exporter.count };
  console.log(JSON.stringify(result));
}

/**
 * With BENCH_PROFILE_CONSUME=FILE, a CPU profile of the consume side alone (from `run`, or the
 * librdkafka clients' connect, to the last message) is written to FILE, for `profile.ts --summarize`;
 * with BENCH_PROFILE_PRODUCE=FILE, of the librdkafka clients' produce side (first produce call to the
 * last delivery report).
 */
export async function profileSide(variable: 'BENCH_PROFILE_CONSUME' | 'BENCH_PROFILE_PRODUCE' = 'BENCH_PROFILE_CONSUME'): Promise<{ stop: () => Promise<void> } | undefined> {
  const file = process.env[variable];
  if (file === undefined || file === '') return undefined;
  const { Session } = await import('node:inspector');
  const { writeFileSync } = await import('node:fs');
  const { post } = await import('./inspector.js');
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.start');
  return {
    stop: async () => {
      const { profile } = await post<{ profile: unknown }>(session, 'Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** Times consumption from the first message to the last, checking each payload arrived unchanged. */
export function consumeClock(messages: number, size: number) {
  let received = 0;
  let first = 0;
  let last = 0;
  let cpuFirst = process.cpuUsage();
  let cpuUs = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    done,
    elapsedMs: () => last - first,
    /** CPU from the first message to the last, per message (the first one's own work excluded, as the clock does). */
    cpuPerMessageUs: () => cpuUs / Math.max(1, messages - 1),
    onMessage(value: Buffer | null): void {
      if (value === null || value.length !== size) throw new Error('payload changed');
      if (received === 0) {
        first = performance.now();
        cpuFirst = process.cpuUsage();
      }
      received += 1;
      if (received === messages) {
        last = performance.now();
        cpuUs = cpuSince(cpuFirst);
        finish();
      }
    },
  };
}

async function runKafkajs(name: CaseName, brokers: string[], topic: string, value: Buffer, messages: number) {
  if (name.startsWith('kafkajs-otel-instrumentation')) {
    // Patches kafkajs through its require hook: it must be enabled before kafkajs is loaded.
    const { KafkaJsInstrumentation } = require('@opentelemetry/instrumentation-kafkajs') as typeof InstrumentationKafkaJs;
    const instrumentation = new KafkaJsInstrumentation();
    instrumentation.setTracerProvider(trace.getTracerProvider());
    instrumentation.enable();
  }
  const kafkajs = require('kafkajs') as typeof KafkaJs;
  const config = { clientId: 'bench', brokers, logLevel: kafkajs.logLevel.NOTHING };
  const traced = name.startsWith('kafkajs-headers') || name === 'kafkajs-envelope';
  const sdk = traced ? await import('@tracecarrier/kafkajs') : undefined;
  const mode = name === 'kafkajs-envelope' ? 'envelope' : 'headers';
  const kafka = new kafkajs.Kafka(config);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = sdk ? sdk.traceProducer(kafka.producer(), { mode, ...(mode === 'envelope' ? { envelope: { payloadEncoding: 'json' as const } } : {}) }) : kafka.producer();
  await producer.connect();
  // The "with header" baseline sends a constant traceparent: what carrying any header costs the client itself.
  const batch = Array.from({ length: BATCH }, () => (name === 'kafkajs-bare-with-header' ? { value, headers: { traceparent: CONSTANT_TRACEPARENT } } : { value }));
  // Loaded only here: it loads the bindings (and kafkajs), which must not happen before the official instrumentation patches it.
  const byHand = await handWritten(name);
  const plainSend = (record: KafkaJs.ProducerRecord) => producer.send(record);
  const send = byHand === undefined ? plainSend : byHand.send(plainSend);
  const produceMs = await producing(name, async () => {
    const produceStart = performance.now();
    for (let sent = 0; sent < messages; sent += BATCH) await send({ topic, messages: batch.slice(0, Math.min(BATCH, messages - sent)) });
    return performance.now() - produceStart;
  });
  await producer.disconnect();

  const plain = kafka.consumer({ groupId: `${topic}-g`, maxBytes: 16 * 1024 * 1024, maxWaitTimeInMs: 100 });
  const consumer = sdk ? sdk.traceConsumer(plain, { groupId: `${topic}-g`, ...consumerMode(name) }) : plain;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const clock = consumeClock(messages, value.length);
  const handler = async ({ message }: KafkaJs.EachMessagePayload) => clock.onMessage(message.value);
  const profiling = await profileSide();
  await consumer.run({ eachMessage: byHand === undefined ? handler : byHand.eachMessage(handler) });
  await clock.done;
  await profiling?.stop();
  await consumer.disconnect();
  return { produceMs, consumeMs: clock.elapsedMs(), consumeCpuUs: clock.cpuPerMessageUs() };
}

/** The client's KafkaJS-compatible API, bare or through tracecarrier's `KafkaJS.TracedKafka`, as the kafkajs cases do. */
async function runConfluentKafkajs(name: CaseName, brokers: string[], topic: string, value: Buffer, messages: number) {
  const { KafkaJS } = (await import('@confluentinc/kafka-javascript')).default;
  const sdk = name.startsWith('confluent-kafkajs-headers') ? (await import('@tracecarrier/confluent-kafka-javascript')).KafkaJS : undefined;
  const byHand = await handWritten(name);
  const config = { kafkaJS: { clientId: 'bench', brokers, logLevel: KafkaJS.logLevel.NOTHING } };
  const kafka = sdk ? new sdk.TracedKafka(config, { consumer: consumerMode(name) }) : new KafkaJS.Kafka(config);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer({ 'linger.ms': 5 });
  await producer.connect();
  const batch = Array.from({ length: BATCH }, () => ({ value }));
  // This client rewrites a message's headers in place when it sends them: new ones for every send.
  const withHeaders = (count: number) => Array.from({ length: count }, () => ({ value, headers: { traceparent: CONSTANT_TRACEPARENT } }));
  type Record = Parameters<typeof producer.send>[0];
  const plainSend = (record: Record) => producer.send(record);
  // The confluent KafkaJS API's records have kafkajs's shape: the kafkajs hand-written tracing applies as it is.
  const send = (byHand === undefined ? plainSend : byHand.send(plainSend as never)) as (record: Record) => Promise<unknown>;
  const produceMs = await producing(name, async () => {
    const produceStart = performance.now();
    for (let sent = 0; sent < messages; sent += BATCH) {
      const count = Math.min(BATCH, messages - sent);
      await send({ topic, messages: name.endsWith('bare-with-header') ? withHeaders(count) : batch.slice(0, count) });
    }
    return performance.now() - produceStart;
  });
  await producer.disconnect();
  const consumer = kafka.consumer({ kafkaJS: { groupId: `${topic}-g`, fromBeginning: true } });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  const clock = consumeClock(messages, value.length);
  type Payload = Parameters<NonNullable<Parameters<typeof consumer.run>[0]>['eachMessage'] & object>[0];
  const handler = async ({ message }: Payload) => clock.onMessage(message.value);
  await consumer.run({ eachMessage: byHand === undefined ? handler : (byHand.eachMessage(handler as never) as unknown as typeof handler) });
  await clock.done;
  await consumer.disconnect();
  return { produceMs, consumeMs: clock.elapsedMs(), consumeCpuUs: clock.cpuPerMessageUs() };
}

/** node-rdkafka, or the callback API of @confluentinc/kafka-javascript (its fork), bare or traced. */
async function runRdkafka(name: CaseName, brokers: string[], topic: string, value: Buffer, messages: number) {
  const confluent = name.startsWith('confluent');
  const RdKafka = (confluent ? (await import('@confluentinc/kafka-javascript')).default : (await import('node-rdkafka')).default) as unknown as typeof RdKafkaModule;
  const byHand = await handWritten(name);
  const bare = name.startsWith('rdkafka-bare') || name.startsWith('confluent-bare') || byHand !== undefined;
  const sdk = (bare ? undefined : confluent ? await import('@tracecarrier/confluent-kafka-javascript') : await import('@tracecarrier/node-rdkafka')) as
    | typeof RdkafkaBinding
    | undefined;
  const headers = name.endsWith('bare-with-header') ? [{ traceparent: CONSTANT_TRACEPARENT }] : undefined;
  const base = { 'metadata.broker.list': brokers.join(','), 'client.id': 'bench' };
  const producerConfig = { ...base, dr_cb: true, 'linger.ms': 5, 'queue.buffering.max.messages': 1_000_000 };
  const producer = sdk ? new sdk.TracedProducer(producerConfig, {}) : new RdKafka.Producer(producerConfig);
  await new Promise<void>((resolve, reject) => producer.connect({}, (err) => (err ? reject(err) : resolve())));
  producer.setPollInterval(5);
  const tracedByHand = byHand?.produce?.(producer);
  const contextOnly = byHand?.headers;
  let delivered = 0;
  const profilingProduce = await profileSide('BENCH_PROFILE_PRODUCE');
  const allDelivered = new Promise<void>((resolve) =>
    producer.on('delivery-report', (error, report) => {
      tracedByHand?.settle(error, report);
      delivered += 1;
      if (delivered === messages) resolve();
    }),
  );
  const produceMs = await producing(name, async () => {
    const produceStart = performance.now();
    for (let i = 0; i < messages; i++) {
      if (tracedByHand !== undefined) tracedByHand.produce(topic, value);
      else producer.produce(topic, null, value, null, undefined, undefined, contextOnly === undefined ? headers : contextOnly());
      // Let delivery reports drain now and then, as an application would.
      if (i % 10_000 === 9_999) await new Promise((resolve) => setImmediate(resolve));
    }
    await allDelivered;
    return performance.now() - produceStart;
  });
  await profilingProduce?.stop();
  await new Promise<void>((resolve) => producer.disconnect(() => resolve()));

  const consumerConfig = { ...base, 'group.id': `${topic}-g`, 'enable.auto.commit': false, 'fetch.wait.max.ms': 50 };
  const consumer = sdk ? new sdk.TracedKafkaConsumer(consumerConfig, { 'auto.offset.reset': 'earliest' }, consumerMode(name)) : new RdKafka.KafkaConsumer(consumerConfig, { 'auto.offset.reset': 'earliest' });
  const clock = consumeClock(messages, value.length);
  const listener = (message: RdKafkaModule.Message) => clock.onMessage(message.value);
  consumer.on('data', byHand === undefined ? listener : byHand.dataListener(listener));
  const profiling = await profileSide();
  await new Promise<void>((resolve, reject) =>
    consumer.connect({}, (err) => {
      if (err) return reject(err);
      consumer.assign([{ topic, partition: 0, offset: 0 }]);
      consumer.consume();
      resolve();
    }),
  );
  await clock.done;
  await profiling?.stop();
  await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  return { produceMs, consumeMs: clock.elapsedMs(), consumeCpuUs: clock.cpuPerMessageUs() };
}

if (/broker-case\.[jt]s$/.test(process.argv[1] ?? '')) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
