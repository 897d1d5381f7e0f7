import { execFileSync } from 'node:child_process';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Message } from 'node-rdkafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TracedKafka } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer, TracedProducer } from '@tracecarrier/node-rdkafka';
import { connectAdmin, kafkaConfig, randomTopic, waitFor } from '../helpers/kafka.js';
import { parentSpanId, setupTracing } from '../helpers/otel.js';
import { connectProducer, consumerConfig, disconnect, producerConfig, startFlowing } from '../helpers/rdkafka.js';

/**
 * Leader failover on a real 3-node cluster (scripts/cluster.sh): a topic of 12 partitions,
 * replication factor 3, min.insync.replicas 2; a producer of each binding (acks=all; idempotent for
 * node-rdkafka, not for kafkajs: see the kafkajs case) sends while
 * the node leading the most partitions is SIGKILLed, and later restarted; three consumers of the
 * binding in one group read everything. Nothing may be lost, every process span's parent must be
 * the span whose context was injected into that message, and no span may stay open.
 * CLUSTER_MESSAGES sets the size (3,000 by default; the full run: 100,000).
 *
 * Part of issue 14 (in progress): the consumer-crash and exactly-once suites and
 * docs/operations.md are still to come.
 */
const cluster = process.env.KAFKA_CLUSTER;
const MESSAGES = Number(process.env.CLUSTER_MESSAGES ?? 3000);
const tracing = setupTracing();
const tracer = trace.getTracer('failover');

function clusterCommand(...args: string[]): void {
  execFileSync('bash', [cluster!, ...args], { stdio: 'pipe' });
}

interface Outcome {
  readonly sent: number;
  readonly received: Map<string, number>;
  readonly killed: number;
  readonly failures: number;
}

/** The node leading the most partitions of `topic`. */
async function busiestLeader(topic: string): Promise<number> {
  const admin = await connectAdmin();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const counts = new Map<number, number>();
    for (const partition of topics[0]!.partitions) counts.set(partition.leader, (counts.get(partition.leader) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  } finally {
    await admin.disconnect();
  }
}

async function createTopic(topic: string): Promise<void> {
  const admin = await connectAdmin();
  try {
    // kafkajs asks for the new topic's metadata right after creating it, and a node that has not
    // learnt of it yet answers UNKNOWN_TOPIC_OR_PARTITION: the polling below is the real check.
    await admin
      .createTopics({ topics: [{ topic, numPartitions: 12, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] })
      .catch(() => undefined);
    // A node's metadata cache learns of a new topic a moment later (a node that just came back,
    // later still): ask until every partition has a leader and its full replica set.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ready = await admin
        .fetchTopicMetadata({ topics: [topic] })
        .then(({ topics }) => topics[0]!.partitions.length === 12 && topics[0]!.partitions.every((p) => p.leader >= 0 && p.isr.length === 3))
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`topic ${topic} not ready on the cluster`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Waits until no partition of `topic` is led by `node` any more (the controller fenced it). */
async function leadersMovedOff(topic: string, node: number): Promise<void> {
  const admin = await connectAdmin();
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const moved = await admin
        .fetchTopicMetadata({ topics: [topic] })
        .then(({ topics }) => topics[0]!.partitions.every((partition) => partition.leader !== node))
        .catch(() => false);
      if (moved || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Checks the outcome and the spans of one binding, and prints the suite's summary line. */
function verify(binding: string, outcome: Outcome, injectedSpans: (key: string) => ReadableSpan[], processSpans: ReadableSpan[]): void {
  const lost = [...Array(MESSAGES).keys()].filter((i) => !outcome.received.has(`k-${i}`));
  const duplicates = [...outcome.received.values()].reduce((total, count) => total + count - 1, 0);
  const open = tracing.openSpans();
  console.log(
    `cluster failover (${binding}): brokers 3, messages sent ${MESSAGES}, received ${[...outcome.received.values()].reduce((a, b) => a + b, 0)}, lost ${lost.length}, duplicates ${duplicates}, open spans ${open}, faults injected 1 (SIGKILL node ${outcome.killed}, restarted), failed send attempts ${outcome.failures}`,
  );
  expect(lost).toEqual([]);
  expect(open).toBe(0);
  expect(processSpans.length).toBeGreaterThanOrEqual(MESSAGES);
  for (const span of processSpans) {
    const key = span.attributes['messaging.kafka.message.key'] as string;
    const parents = injectedSpans(key).map((injected) => injected.spanContext().spanId);
    expect(parents, `a producer span for ${key}`).not.toEqual([]);
    expect(parents).toContain(parentSpanId(span));
  }
}

describe.runIf(cluster !== undefined)('leader failover on a 3-node cluster: nothing lost, every hop connected, nothing left open', () => {
  afterAll(() => tracing.provider.shutdown());

  it('kafkajs: acks=all producer with retries (not idempotent), three consumers in one group', async () => {
    tracing.exporter.reset();
    const topic = randomTopic('failover-kj');
    await createTopic(topic);
    const kafka = new TracedKafka(kafkaConfig('failover'));
    const received = new Map<string, number>();
    const consumers = Array.from({ length: 3 }, () => kafka.consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1000 }));
    for (const consumer of consumers) {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void received.set(message.key!.toString(), (received.get(message.key!.toString()) ?? 0) + 1) });
    }
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
      await waitFor(() => received.size === MESSAGES, 'every message', 180_000).catch((error: unknown) => {
        const missing = [...Array(MESSAGES).keys()].filter((i) => !received.has(`k-${i}`));
        throw new Error(`${(error as Error).message}: ${received.size}/${MESSAGES} received, missing ${missing.length} (first ${missing.slice(0, 10).join(', ')}), failed sends ${failures}, killed node ${killed}`);
      });
    } finally {
      for (const consumer of consumers) await consumer.disconnect();
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
    verify('kafkajs', { sent: MESSAGES, received, killed, failures }, (key) => creates.get(key) ?? [], spans.filter((span) => span.name === `process ${topic}`));
  }, 600_000);

  it('node-rdkafka: idempotent producer with delivery reports, three consumers in one group', async () => {
    tracing.exporter.reset();
    const topic = randomTopic('failover-rd');
    await createTopic(topic);
    const received = new Map<string, number>();
    const consumers = Array.from({ length: 3 }, () => new TracedKafkaConsumer(consumerConfig('failover', `g-${topic}`), { 'auto.offset.reset': 'earliest' }));
    for (const consumer of consumers) await startFlowing(consumer, [topic], (message: Message) => void received.set(String(message.key), (received.get(String(message.key)) ?? 0) + 1));
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
      for (;;) {
        try {
          producer.produce(topic, null, Buffer.from(`{"n":${i}}`), `k-${i}`, Date.now());
          break;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50)); // queue full while the leader moves
        }
      }
    }
    await waitFor(() => delivered + failures === MESSAGES, 'every delivery report', 180_000);
    expect(failures).toBe(0);
    try {
      await waitFor(() => received.size === MESSAGES, `every message (${received.size}/${MESSAGES})`, 180_000);
    } finally {
      for (const consumer of consumers) await disconnect(consumer);
      await disconnect(producer);
    }
    await tracing.provider.forceFlush();
    const spans = tracing.spans();
    const sends = new Map<string, ReadableSpan[]>();
    for (const span of spans.filter((s) => s.name === `send ${topic}`)) {
      const key = span.attributes['messaging.kafka.message.key'] as string;
      sends.set(key, [...(sends.get(key) ?? []), span]);
    }
    verify('node-rdkafka', { sent: MESSAGES, received, killed, failures }, (key) => sends.get(key) ?? [], spans.filter((span) => span.name === `process ${topic}`));
  }, 600_000);
});

beforeAll(() => {
  if (cluster === undefined) console.log('cluster suite skipped: run it with `bash scripts/cluster.sh run -- npx vitest run --project cluster`');
});
