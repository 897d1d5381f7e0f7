import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { PartitionAssigners, type PartitionAssigner } from 'kafkajs';
import type { Message } from 'node-rdkafka';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TracedKafka } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer } from '@tracecarrier/node-rdkafka';
import { connectAdmin, createTopics, kafkaConfig, randomTopic, waitFor } from './helpers/kafka.js';
import { parentSpanId, setupTracing } from './helpers/otel.js';
import { consumerConfig, disconnect, startFlowing } from './helpers/rdkafka.js';

/**
 * A kafkajs consumer and a node-rdkafka consumer in one group (docs/operations.md, "Mixed groups").
 * By default they cannot share it: kafkajs offers only its `RoundRobinAssigner` protocol, librdkafka
 * `range` and `roundrobin`, and the broker refuses a member with no protocol in common
 * (INCONSISTENT_GROUP_PROTOCOL). Both clients speak the standard consumer protocol encoding, so a
 * kafkajs assigner that announces itself as `roundrobin` — kafkajs's own round robin under
 * librdkafka's protocol name — makes the group work whichever member leads it.
 */
const tracing = setupTracing();
const cleanup: Array<() => Promise<void>> = [];
const admin = { value: undefined as Awaited<ReturnType<typeof connectAdmin>> | undefined };
beforeAll(async () => void (admin.value = await connectAdmin()));
afterAll(async () => {
  await admin.value?.disconnect();
  await tracing.provider.shutdown();
});
beforeEach(() => tracing.exporter.reset());
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

// The recipe of docs/operations.md.
const librdkafkaRoundRobin: PartitionAssigner = (config) => ({ ...PartitionAssigners.roundRobin(config), name: 'roundrobin' });

async function joinKafkajs(topic: string, groupId: string, assigner?: PartitionAssigner, onKey?: (key: string) => void): Promise<{ crashed: Promise<Error>; leads: () => boolean | undefined }> {
  const consumer = new TracedKafka(kafkaConfig('mixed-kj')).consumer({
    groupId,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    retry: { retries: 0 },
    ...(assigner === undefined ? {} : { partitionAssigners: [assigner] }),
  });
  const crashed = new Promise<Error>((resolve) => consumer.on(consumer.events.CRASH, (event) => resolve(event.payload.error)));
  let leader: boolean | undefined;
  consumer.on(consumer.events.GROUP_JOIN, (event) => void (leader = event.payload.isLeader));
  await consumer.connect();
  cleanup.push(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => onKey?.(message.key!.toString()) });
  return { crashed, leads: () => leader };
}

async function joinRdkafka(topic: string, groupId: string, onKey: (key: string) => void, strategy?: string): Promise<TracedKafkaConsumer> {
  const consumer = new TracedKafkaConsumer(
    { ...consumerConfig('mixed-rd', groupId), ...(strategy === undefined ? {} : { 'partition.assignment.strategy': strategy }) } as never,
    { 'auto.offset.reset': 'earliest' },
  );
  await startFlowing(consumer, [topic], (message: Message) => onKey(String(message.key)));
  cleanup.push(() => disconnect(consumer));
  return consumer;
}

describe('a kafkajs consumer and a node-rdkafka consumer in one group', () => {
  it('as configured by default they cannot: the second one to join is refused (INCONSISTENT_GROUP_PROTOCOL)', async () => {
    const topic = randomTopic('mixed');
    await createTopics(admin.value!, [topic], 4);
    const groupId = `g-${topic}`;
    const rdKeys: string[] = [];
    const rd = await joinRdkafka(topic, groupId, (key) => rdKeys.push(key));
    await waitFor(() => rd.assignments().length > 0, 'node-rdkafka assigned', 30_000);
    const { crashed } = await joinKafkajs(topic, groupId);
    const error = await crashed;
    expect((error as Error & { type?: string }).type).toBe('INCONSISTENT_GROUP_PROTOCOL');
  }, 60_000);

  for (const leader of ['node-rdkafka', 'kafkajs'] as const) {
    it(`with kafkajs announcing librdkafka's "roundrobin" protocol they share it (${leader} joins first and leads)`, async () => {
      const topic = randomTopic('mixed');
      await createTopics(admin.value!, [topic], 4);
      const groupId = `g-${topic}`;
      const byClient = { kafkajs: [] as string[], 'node-rdkafka': [] as string[] };
      let rd: TracedKafkaConsumer | undefined;
      let kj: Awaited<ReturnType<typeof joinKafkajs>> | undefined;
      const startRd = async () => void (rd = await joinRdkafka(topic, groupId, (key) => byClient['node-rdkafka'].push(key), 'roundrobin'));
      const startKj = async () => void (kj = await joinKafkajs(topic, groupId, librdkafkaRoundRobin, (key) => byClient.kafkajs.push(key)));
      if (leader === 'node-rdkafka') {
        await startRd();
        await waitFor(() => rd!.assignments().length === 4, 'node-rdkafka alone owns the topic', 30_000);
        await startKj();
      } else {
        await startKj();
        await new Promise((resolve) => setTimeout(resolve, 3000)); // kafkajs has joined and leads
        await startRd();
      }
      await waitFor(() => rd!.assignments().length === 2, 'node-rdkafka keeps half the partitions', 60_000);
      await waitFor(() => kj!.leads() !== undefined, 'kafkajs in the group', 30_000);
      expect(kj!.leads()).toBe(leader === 'kafkajs');
      const producer = new TracedKafka(kafkaConfig('mixed-producer')).producer();
      await producer.connect();
      cleanup.push(() => producer.disconnect());
      await producer.send({ topic, messages: Array.from({ length: 40 }, (_, i) => ({ key: `k-${i}`, value: `{"n":${i}}`, partition: i % 4 })) });
      const all = () => [...byClient.kafkajs, ...byClient['node-rdkafka']];
      await waitFor(() => all().length === 40, 'every message', 60_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(all().sort()).toEqual(Array.from({ length: 40 }, (_, i) => `k-${i}`).sort());
      expect(byClient.kafkajs).toHaveLength(20);
      expect(byClient['node-rdkafka']).toHaveLength(20);
      // Both clients continue the producer's traces.
      const creates = new Map<string, ReadableSpan>(tracing.named(`create ${topic}`).map((span) => [span.attributes['messaging.kafka.message.key'] as string, span]));
      const processes = tracing.named(`process ${topic}`);
      expect(processes).toHaveLength(40);
      for (const span of processes) expect(parentSpanId(span)).toBe(creates.get(span.attributes['messaging.kafka.message.key'] as string)!.spanContext().spanId);
      expect(new Set(processes.map((span) => span.instrumentationScope.name))).toEqual(new Set(['@tracecarrier/kafkajs', '@tracecarrier/node-rdkafka']));
    }, 120_000);
  }
});
