import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TracedKafka } from '@tracecarrier/kafkajs';
import { TracedProducer } from '@tracecarrier/node-rdkafka';
import { connectAdmin, createReplicatedTopics, kafkaConfig, randomTopic, waitFor } from '../helpers/kafka.js';
import { setupTracing } from '../helpers/otel.js';
import { connectProducer, disconnect, producerConfig } from '../helpers/rdkafka.js';
import { busiestLeader, cluster, clusterCommand, createClusterTopic, leadersMovedOff } from './cluster.js';
import { rowsOf, printTrace } from '../helpers/waterfall.js';
import { disconnectedOf, keysOf, openSpansOf, processSpansOf, spanRowsOf, startWorker, type Worker } from './workers.js';

/**
 * Leader failover on a real 3-node cluster (scripts/cluster.sh): a topic of 12 partitions,
 * replication factor 3, min.insync.replicas 2; a producer of each binding (acks=all; idempotent for
 * node-rdkafka, not for kafkajs: see the kafkajs case) sends while
 * the node leading the most partitions is SIGKILLed, and later restarted; three consumer processes
 * of the binding in one group (consumer-worker.ts) read everything. Nothing may be lost, every
 * process span's parent must be the span whose context was injected into that message (a
 * redelivery gets its own process span with the same parent), and no span may stay open.
 * CLUSTER_MESSAGES sets the size (3,000 by default; the full run: 100,000).
 */
const MESSAGES = Number(process.env.CLUSTER_MESSAGES ?? 3000);
// Waits grow with the size (the full run sends 100,000).
const LONG = Math.max(300_000, MESSAGES * 5);
const tracing = setupTracing();
const tracer = trace.getTracer('failover');

interface Outcome {
  readonly killed: number;
  readonly failures: number;
}

/** Three consumer processes of `binding` in one group, each assigned partitions before anything is sent. */
async function startGroup(binding: 'kafkajs' | 'node-rdkafka', topic: string): Promise<Worker[]> {
  const workers = Array.from({ length: 3 }, () => startWorker(binding, topic, `g-${topic}`));
  await waitFor(() => workers.every((worker) => worker.records().some((record) => record.t === 'assigned')), 'three consumers assigned', 120_000);
  return workers;
}

const durationMs = (span: ReadableSpan): number => span.duration[0] * 1e3 + span.duration[1] / 1e6;

const doneKeys = (workers: Worker[]): string[] => workers.flatMap((worker) => keysOf(worker, 'done'));

async function readEverything(workers: Worker[], context: () => string): Promise<void> {
  try {
    await waitFor(() => new Set(doneKeys(workers)).size === MESSAGES, 'every message', LONG).catch((error: unknown) => {
      const received = new Set(doneKeys(workers));
      const missing = [...Array(MESSAGES).keys()].filter((i) => !received.has(`k-${i}`));
      throw new Error(`${(error as Error).message}: ${received.size}/${MESSAGES} received, missing ${missing.length} (first ${missing.slice(0, 10).join(', ')}), ${context()}`);
    });
  } finally {
    for (const worker of workers) await worker.stop();
  }
}

/** Checks the outcome and the spans of one binding, and prints the suite's summary line. */
function verify(binding: string, topic: string, outcome: Outcome, injectedSpans: (key: string) => ReadableSpan[], workers: Worker[]): void {
  const done = doneKeys(workers);
  const received = new Set(done);
  const lost = [...Array(MESSAGES).keys()].filter((i) => !received.has(`k-${i}`));
  const exits = workers.map(openSpansOf);
  const open = tracing.openSpans() + exits.reduce((total: number, n) => total + (n ?? 0), 0);
  console.log(
    `cluster failover (${binding}): brokers 3, consumer processes 3, messages sent ${MESSAGES}, received ${done.length}, lost ${lost.length}, duplicates ${done.length - received.size}, open spans ${open}, faults injected 1 (SIGKILL node ${outcome.killed}, restarted), failed send attempts ${outcome.failures}, consumer disconnects that hung ${workers.filter((worker) => disconnectedOf(worker) === false).length}`,
  );
  expect(lost).toEqual([]);
  expect(exits.every((n) => n !== undefined), 'every consumer reported its open spans').toBe(true);
  expect(open).toBe(0);
  const processSpans = workers.flatMap((worker) => processSpansOf(worker, topic));
  expect(processSpans.length).toBe(done.length);
  for (const span of processSpans) {
    const parents = injectedSpans(span.key!).map((injected) => injected.spanContext().spanId);
    expect(parents, `a producer span for ${span.key}`).not.toEqual([]);
    expect(parents).toContain(span.parent);
    expect(span.traceId).toBe(injectedSpans(span.key!)[0]!.spanContext().traceId);
  }
}

describe.runIf(cluster !== undefined)('leader failover on a 3-node cluster: nothing lost, every hop connected, nothing left open', () => {
  afterAll(() => tracing.provider.shutdown());

  it('kafkajs: acks=all producer with retries (not idempotent), three consumers in one group', async () => {
    tracing.exporter.reset();
    const topic = randomTopic('failover-kj');
    await createClusterTopic(topic);
    const kafka = new TracedKafka(kafkaConfig('failover'));
    const workers = await startGroup('kafkajs', topic);
    // Not idempotent: kafkajs 2.2.4's idempotent producer also duplicated keys in this failover
    // (measured: 32 of 1,000, with 27 lost, before the wait below), its sequence-number reuse (#1005).
    const producer = kafka.producer({ idempotent: false, retry: { retries: 10, initialRetryTime: 200 } });
    await producer.connect();
    let killed = 0;
    let failures = 0;
    const BATCH = 100;
    for (let start = 0; start < MESSAGES; start += BATCH) {
      if (killed === 0 && start >= MESSAGES / 3) {
        killed = await busiestLeader(topic);
        clusterCommand('kill', String(killed));
        // kafkajs 2.2.4 loses acknowledged messages sent to a crashed leader the controller has not
        // fenced yet (scripts/repro-kafkajs-failover-loss.mjs: every send resolves, ~3% of the keys
        // are missing). The application waits for the new leaders, as docs/operations.md advises.
        await leadersMovedOff(topic, killed);
      }
      if (killed !== 0 && start >= (2 * MESSAGES) / 3 && start < (2 * MESSAGES) / 3 + BATCH) clusterCommand('restart', String(killed));
      const messages = Array.from({ length: Math.min(BATCH, MESSAGES - start) }, (_, i) => ({ key: `k-${start + i}`, value: `{"n":${start + i}}` }));
      // The application's own retry when kafkajs gives up: a new send, with its own span.
      for (let attempt = 0; ; attempt++) {
        try {
          await tracer.startActiveSpan('publish', async (span) => {
            try {
              await producer.send({ topic, messages });
            } finally {
              span.end();
            }
          });
          break;
        } catch (error) {
          failures += 1;
          if (attempt > 20) throw error;
        }
      }
    }
    try {
      await readEverything(workers, () => `failed sends ${failures}, killed node ${killed}`);
    } finally {
      await producer.disconnect();
    }
    await tracing.provider.forceFlush();
    const spans = tracing.spans();
    const failed = spans.filter((span) => span.name === `send ${topic}` && span.status.code === SpanStatusCode.ERROR);
    expect(failed).toHaveLength(failures);
    for (const span of failed) expect(span.attributes['error.type']).toMatch(/^(KafkaJS\w+|[A-Z][A-Z0-9_]+)$/);
    const creates = new Map<string, ReadableSpan[]>();
    for (const span of spans.filter((s) => s.name === `create ${topic}`)) {
      const key = span.attributes['messaging.kafka.message.key'] as string;
      creates.set(key, [...(creates.get(key) ?? []), span]);
    }
    verify('kafkajs', topic, { killed, failures }, (key) => creates.get(key) ?? [], workers);
  }, 3 * LONG);

  it('node-rdkafka: idempotent producer with delivery reports, three consumers in one group', async () => {
    tracing.exporter.reset();
    const topic = randomTopic('failover-rd');
    await createClusterTopic(topic);
    const workers = await startGroup('node-rdkafka', topic);
    const producer = await connectProducer(new TracedProducer({ ...producerConfig('failover'), 'enable.idempotence': true, 'message.timeout.ms': 120_000 } as never, {}, {}));
    let delivered = 0;
    let failures = 0;
    producer.on('delivery-report', (err) => (err ? (failures += 1) : (delivered += 1)));
    let killed = 0;
    for (let i = 0; i < MESSAGES; i++) {
      if (killed === 0 && i >= MESSAGES / 3) {
        killed = await busiestLeader(topic);
        clusterCommand('kill', String(killed));
      }
      if (killed !== 0 && i === Math.floor((2 * MESSAGES) / 3)) clusterCommand('restart', String(killed));
      const deadline = Date.now() + 120_000;
      for (;;) {
        try {
          producer.produce(topic, null, Buffer.from(`{"n":${i}}`), `k-${i}`, Date.now());
          break;
        } catch (error) {
          // Queue full while the leader moves; anything lasting longer is a real failure.
          if (Date.now() > deadline) throw new Error(`produce k-${i} kept failing: ${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    }
    await waitFor(() => delivered + failures === MESSAGES, 'every delivery report', LONG);
    expect(failures).toBe(0);
    try {
      await readEverything(workers, () => `killed node ${killed}`);
    } finally {
      await disconnect(producer);
    }
    await tracing.provider.forceFlush();
    const spans = tracing.spans();
    const sends = new Map<string, ReadableSpan[]>();
    for (const span of spans.filter((s) => s.name === `send ${topic}`)) {
      const key = span.attributes['messaging.kafka.message.key'] as string;
      sends.set(key, [...(sends.get(key) ?? []), span]);
    }
    verify('node-rdkafka', topic, { killed, failures }, (key) => sends.get(key) ?? [], workers);
    // The send that waited longest: librdkafka retried it inside one span while the leader moved.
    const slowest = [...sends.values()].flat().sort((a, b) => durationMs(b) - durationMs(a))[0]!;
    const rows = [...rowsOf(spans, 'producer'), ...workers.flatMap((worker, i) => spanRowsOf(worker, `consumer ${i + 1}`))];
    printTrace(`leader failover (node-rdkafka): the slowest send (${durationMs(slowest).toFixed(0)} ms), across the SIGKILL of node ${killed}`, rows, slowest.spanContext().traceId);
  }, 3 * LONG);

  it("a send the cluster refuses (fewer in-sync replicas than min.insync.replicas): an ERROR span with the broker's error code, in both bindings", async () => {
    tracing.exporter.reset();
    const topic = randomTopic('refused');
    // Three in-sync replicas required: one node down is enough to refuse acks=all writes.
    await createReplicatedTopics([topic], { partitions: 1, replication: 3, minInsync: 3 });
    const admin = await connectAdmin();
    const isr = async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions[0]!;
    // A node that has just come back learns of a new topic late: ask until one answers.
    let leader = -1;
    for (const deadline = Date.now() + 60_000; leader < 0 && Date.now() < deadline; ) {
      leader = await isr().then((partition) => partition.leader, () => -1);
      if (leader < 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const victim = [1, 2, 3].find((node) => node !== leader)!;
    const kafkajsProducer = new TracedKafka(kafkaConfig('refused')).producer({ retry: { retries: 3, initialRetryTime: 100 } });
    await kafkajsProducer.connect();
    const rdProducer = await connectProducer(new TracedProducer({ ...producerConfig('refused'), 'message.send.max.retries': 0, 'message.timeout.ms': 10_000 } as never, {}, {}));
    clusterCommand('kill', String(victim));
    try {
      // The controller drops the dead follower from the ISR once it stops heartbeating (~9 s).
      const deadline = Date.now() + 60_000;
      // (The admin may be talking to the dead node: a failed request just means ask again.)
      while (((await isr().catch(() => undefined))?.isr.length ?? 3) === 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
      const error = await kafkajsProducer.send({ topic, acks: -1, messages: [{ key: 'kj', value: 'refused' }] }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, 'kafkajs send refused').toBeDefined();
      const rdError = await new Promise<unknown>((resolve) => {
        rdProducer.once('delivery-report', (err) => resolve(err));
        rdProducer.produce(topic, null, Buffer.from('refused'), 'rd', Date.now());
      });
      expect(rdError, 'node-rdkafka delivery refused').toBeTruthy();
      const sends = tracing.named(`send ${topic}`);
      expect(sends).toHaveLength(2);
      for (const span of sends) {
        const what = `${span.instrumentationScope.name}: ${span.status.message ?? ''} (kafkajs: ${String((error as Error).message)}; node-rdkafka: ${String((rdError as Error).message)})`;
        expect(span.status.code, what).toBe(SpanStatusCode.ERROR);
        expect(span.attributes['error.type'], what).toBe('NOT_ENOUGH_REPLICAS');
      }
      console.log(`refused sends: ${sends.map((span) => `${span.instrumentationScope.name} error.type=${String(span.attributes['error.type'])}`).join(', ')}`);
    } finally {
      await kafkajsProducer.disconnect();
      await disconnect(rdProducer);
      await admin.disconnect();
      clusterCommand('restart', String(victim));
    }
  }, 180_000);
});

beforeAll(() => {
  if (cluster === undefined) console.log('cluster suite skipped: run it with `bash scripts/cluster.sh run -- npx vitest run --project cluster`');
});
