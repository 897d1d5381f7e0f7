/**
 * 5. Memory: one million messages through a wrapped consumer of each binding, with a real tracer
 * provider, then the heap after a full GC compared with the heap before. Messages are fed straight
 * into the wrappers (kafkajs: a stand-in consumer whose `run` calls `eachMessage`; node-rdkafka: the
 * traced consumer's own `'data'` emit), so the loop measures the SDK, not the network.
 * Run with --expose-gc; prints one JSON line.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { Consumer, ConsumerRunConfig, EachMessagePayload, KafkaMessage } from 'kafkajs';
import { traceConsumer } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer } from '@tracecarrier/node-rdkafka';

export interface MemoryResult {
  readonly messages: number;
  readonly kafkajsGrowthBytes: number;
  readonly rdkafkaGrowthBytes: number;
  readonly spans: number;
}

const messages = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

let spans = 0;
const exporter: SpanExporter = {
  export(batch: ReadableSpan[], done) {
    spans += batch.length;
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};
const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 8192, maxExportBatchSize: 2048, scheduledDelayMillis: 50 })] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
trace.setGlobalTracerProvider(provider);

const value = Buffer.from('{"title":"memory"}');
const header = (i: number) => Buffer.from(`00-4bf92f3577b34da6a3ce929d0e0e${(i % 65536).toString(16).padStart(4, '0')}-00f067aa0ba902b7-01`);

async function settle(): Promise<number> {
  await provider.forceFlush();
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc!();
  }
  return process.memoryUsage().heapUsed;
}

async function throughKafkajs(count: number): Promise<void> {
  // Only `run` matters here: the wrapper calls it with its own eachMessage.
  const standIn = {
    run: async (config?: ConsumerRunConfig) => {
      for (let i = 0; i < count; i++) {
        const message = { key: null, value, timestamp: '0', attributes: 0, offset: String(i), size: value.length, headers: { traceparent: header(i) } } as KafkaMessage;
        await config!.eachMessage!({ topic: 'memory', partition: 0, message, heartbeat: async () => undefined, pause: () => () => undefined } as EachMessagePayload);
        if (i % 4096 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    },
  } as unknown as Consumer;
  await traceConsumer(standIn, { groupId: 'memory' }).run({ eachMessage: async () => undefined });
}

async function throughRdkafka(count: number): Promise<void> {
  const consumer = new TracedKafkaConsumer({ 'group.id': 'memory', 'metadata.broker.list': '127.0.0.1:1' }, {});
  consumer.on('data', () => undefined);
  for (let i = 0; i < count; i++) {
    consumer.emit('data', { topic: 'memory', partition: 0, offset: i, value, size: value.length, key: null, headers: [{ traceparent: header(i) }] });
    if (i % 4096 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

async function main(): Promise<void> {
  // Warm up both paths (JIT, lazily created module state), then measure.
  await throughKafkajs(20_000);
  await throughRdkafka(20_000);
  const before = await settle();
  await throughKafkajs(messages);
  const afterKafkajs = await settle();
  await throughRdkafka(messages);
  const afterRdkafka = await settle();
  await provider.shutdown();
  const result: MemoryResult = { messages, kafkajsGrowthBytes: afterKafkajs - before, rdkafkaGrowthBytes: afterRdkafka - afterKafkajs, spans };
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
