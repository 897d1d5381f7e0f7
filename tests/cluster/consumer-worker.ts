/**
 * One consumer of the cluster suites, in a process of its own so that it can be SIGKILLed. Run as
 *   node --import tsx --conditions=tracecarrier-source consumer-worker.ts BINDING TOPIC GROUP OUT [DELAY_MS]
 * It appends JSON lines to OUT with synchronous writes (a SIGKILL loses nothing written):
 * `{"t":"assigned"}` when the group gives it partitions, `{"t":"start",key,…}` and `{"t":"done",key}`
 * around each message's handler (DELAY_MS of work in between, fractions allowed), `{"t":"span",…}` for every span it
 * ends, and at SIGTERM, after disconnecting, `{"t":"exit","open":N,"disconnected":bool}` (spans
 * left open; whether the client's disconnect returned within 30 s).
 */
import { appendFileSync } from 'node:fs';
import { context, propagation, trace, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { TracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { Message } from 'node-rdkafka';
import { TracedKafka } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer } from '@tracecarrier/node-rdkafka';
import { kafkaConfig } from '../helpers/kafka.js';
import { OpenSpanTracker } from '../helpers/otel.js';
import { consumerConfig, disconnect, startFlowing } from '../helpers/rdkafka.js';

const [binding, topic, groupId, out, delay = '0'] = process.argv.slice(2) as [string, string, string, string, string?];
const delayMs = Number(delay);
const write = (record: object): void => appendFileSync(out, `${JSON.stringify(record)}\n`);

class FileExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const span of spans) {
      write({
        t: 'span',
        name: span.name,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parent: span.parentSpanContext?.spanId,
        key: span.attributes['messaging.kafka.message.key'],
        kind: span.kind,
        startMs: span.startTime[0] * 1e3 + span.startTime[1] / 1e6,
        durationMs: span.duration[0] * 1e3 + span.duration[1] / 1e6,
        links: span.links.map((link) => link.context.spanId),
        error: span.status.code === SpanStatusCode.ERROR ? span.attributes['error.type'] : undefined,
      });
    }
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const tracker = new OpenSpanTracker();
const provider = new TracerProvider({ spanProcessors: [tracker, new SimpleSpanProcessor({ exporter: new FileExporter() })] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(provider);

// Work that takes time without yielding, like a CPU-bound handler: a kill lands mid-batch.
function work(): void {
  const until = performance.now() + delayMs;
  while (performance.now() < until);
}

function handle(key: string, partition: number, offset: string): void {
  write({ t: 'start', key, partition, offset });
  work();
  write({ t: 'done', key });
}

let stop: () => Promise<void>;
if (binding === 'kafkajs') {
  const consumer = new TracedKafka(kafkaConfig(`worker-${process.pid}`)).consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  consumer.on(consumer.events.GROUP_JOIN, () => write({ t: 'assigned' }));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => handle(message.key!.toString(), partition, message.offset) });
  stop = () => consumer.disconnect();
} else {
  // At least once: librdkafka's default stores a message's offset as soon as it leaves the client's
  // queue, long before a slow handler gets to it, and auto-commit then commits it: a crash lost
  // ~4,700 unprocessed messages a partition in a 100,000-message run. Store each offset after handling.
  const consumer = new TracedKafkaConsumer(
    { ...consumerConfig(`worker-${process.pid}`, groupId), 'session.timeout.ms': 10_000, 'enable.auto.offset.store': false } as never,
    { 'auto.offset.reset': 'earliest' },
  );
  await startFlowing(consumer, [topic], (message: Message) => {
    handle(String(message.key), message.partition, String(message.offset));
    consumer.offsetsStore([{ topic: message.topic, partition: message.partition, offset: message.offset + 1 }]);
  });
  // Polled rather than a rebalance_cb: a JS rebalance callback takes part in librdkafka's close.
  const assigned = setInterval(() => {
    if (consumer.assignments().length === 0) return;
    write({ t: 'assigned' });
    clearInterval(assigned);
  }, 100);
  stop = () => {
    clearInterval(assigned);
    return disconnect(consumer);
  };
}

process.on('SIGTERM', () => {
  void (async () => {
    // librdkafka's consumer close has been seen to never return after a leader failover (1 run in
    // 4, node-rdkafka): the worker says so instead of hanging, and the suite reports it.
    const closed = await Promise.race([stop().then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 30_000))]);
    await provider.forceFlush();
    write({ t: 'exit', open: tracker.open.size, disconnected: closed });
    process.exit(0);
  })();
});
