import { SpanKind, SpanStatusCode, type Link } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { KafkaConsumer, LibrdKafkaError, Message, TopicPartitionOffset } from 'node-rdkafka';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TracedKafka } from '@tracecarrier/kafkajs';
import { TRANSACTION_ATTRIBUTES } from '@tracecarrier/core';
import { TracedKafkaConsumer, TracedProducer } from '@tracecarrier/node-rdkafka';
import { createReplicatedTopics, kafkaConfig, randomTopic, waitFor } from './helpers/kafka.js';
import { parentSpanId, setupTracing } from './helpers/otel.js';
import { printTrace, rowsOf } from './helpers/waterfall.js';
import { connectProducer, consumerConfig, disconnect, producerConfig, startFlowing } from './helpers/rdkafka.js';

/**
 * Exactly-once: a consume-transform-produce loop with transactions, in each binding. Every fourth
 * input is first transformed in a transaction that is aborted, then again in one that commits (with
 * the input offset, `sendOffsets`/`sendOffsetsToTransaction`). Downstream, a `read_committed`
 * consumer of the other binding sees each input once, never an aborted message; a
 * `read_uncommitted` one sees the aborted ones too (they are in the log). The trace: source send →
 * transform process → (aborted send + abort_transaction) and (send + commit_transaction) →
 * downstream process, one trace per input. Runs on the single broker (npm test) and on the 3-node
 * cluster (scripts/cluster.sh run, replication 3), where TRANSACTION_MESSAGES sets the size.
 */
const MESSAGES = Number(process.env.TRANSACTION_MESSAGES ?? 24);
const LONG = Math.max(120_000, MESSAGES * 200);
const tracing = setupTracing();
const replication = process.env.KAFKA_CLUSTER === undefined ? 1 : 3;
const cleanup: Array<() => Promise<void>> = [];

const callback = (run: (cb: (err: LibrdKafkaError) => void) => void): Promise<void> =>
  new Promise((resolve, reject) => run((err) => (err ? reject(err) : resolve())));

beforeEach(() => tracing.exporter.reset());
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});
afterAll(() => tracing.provider.shutdown());

const topicsReady = (topics: string[], partitions: number): Promise<void> =>
  createReplicatedTopics(topics, { partitions, replication, ...(replication === 3 ? { minInsync: 2 } : {}) });

const abortsFirst = (n: number): boolean => n % 4 === 0;

/** Sends the inputs, one traced send each, and returns the source send span per key. */
async function sendInputs(topic: string): Promise<Map<string, ReadableSpan>> {
  const producer = new TracedKafka(kafkaConfig('tx-source')).producer({ idempotent: true });
  await producer.connect();
  try {
    for (let n = 0; n < MESSAGES; n++) await producer.send({ topic, acks: -1, messages: [{ key: `k-${n}`, value: `{"n":${n}}` }] });
  } finally {
    await producer.disconnect();
  }
  return new Map(tracing.named(`send ${topic}`).map((span) => [span.attributes['messaging.kafka.message.key'] as string, span]));
}

/** Downstream readers: committed-only (the checked one) and uncommitted (to show the aborts are in the log). */
interface Downstream {
  readonly committed: Map<string, string[]>;
  readonly uncommitted: string[];
  readonly committedGroup: string;
}

async function readKafkajs(topic: string, committedOnly: boolean, onValue: (key: string, value: string) => void): Promise<string> {
  const groupId = `g-${committedOnly ? 'c' : 'u'}-${topic}`;
  const consumer = new TracedKafka(kafkaConfig(committedOnly ? 'read-committed' : 'read-uncommitted')).consumer({ groupId, maxWaitTimeInMs: 100, readUncommitted: !committedOnly });
  await consumer.connect();
  cleanup.push(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => onValue(message.key!.toString(), message.value!.toString()) });
  return groupId;
}

async function readRdkafka(topic: string, committedOnly: boolean, onValue: (key: string, value: string) => void): Promise<string> {
  const groupId = `g-${committedOnly ? 'c' : 'u'}-${topic}`;
  const consumer = new TracedKafkaConsumer({ ...consumerConfig(committedOnly ? 'read-committed' : 'read-uncommitted', groupId), 'isolation.level': committedOnly ? 'read_committed' : 'read_uncommitted' } as never, { 'auto.offset.reset': 'earliest' });
  await startFlowing(consumer, [topic], (message: Message) => onValue(String(message.key), String(message.value)));
  cleanup.push(() => disconnect(consumer));
  return groupId;
}

async function downstream(topic: string, reader: typeof readKafkajs): Promise<Downstream> {
  const committed = new Map<string, string[]>();
  const uncommitted: string[] = [];
  const committedGroup = await reader(topic, true, (key, value) => committed.set(key, [...(committed.get(key) ?? []), value]));
  await reader(topic, false, (_key, value) => void uncommitted.push(value));
  return { committed, uncommitted, committedGroup };
}

const linkedSpanIds = (span: ReadableSpan): string[] => span.links.map((link: Link) => link.context.spanId).sort();

/** The checks shared by both bindings, on the spans of one run. */
function verify(binding: string, source: Map<string, ReadableSpan>, output: string, down: Downstream): void {
  const aborted = [...Array(MESSAGES).keys()].filter(abortsFirst).length;
  expect(down.uncommitted).toHaveLength(MESSAGES + aborted);
  expect(down.uncommitted.filter((value) => value.startsWith('aborted')).length).toBe(aborted);
  // read_committed: each input exactly once, never an aborted message.
  expect([...down.committed.keys()].sort()).toEqual([...source.keys()].sort());
  for (const [key, values] of down.committed) expect(values, key).toEqual([`done-${key}`]);

  const sends = tracing.named(`send ${output}`);
  const byId = new Map(sends.map((span) => [span.spanContext().spanId, span]));
  const aborts = tracing.named('abort_transaction');
  const commits = tracing.named('commit_transaction');
  expect(aborts).toHaveLength(aborted);
  expect(commits).toHaveLength(MESSAGES);
  const transforms = new Map(tracing.named(`process ${[...source.values()][0]!.attributes['messaging.destination.name']}`).map((span) => [span.spanContext().spanId, span]));
  for (const [spans, outcome, prefix] of [[aborts, 'aborted', 'aborted-'], [commits, 'committed', 'done-']] as const) {
    for (const end of spans) {
      expect(end.kind).toBe(SpanKind.CLIENT);
      expect(end.status.code).toBe(SpanStatusCode.UNSET);
      expect(end.attributes[TRANSACTION_ATTRIBUTES.outcome]).toBe(outcome);
      expect(end.attributes['messaging.batch.message_count']).toBe(1);
      expect(end.attributes[TRANSACTION_ATTRIBUTES.id]).toMatch(/^tx-/);
      // Linked to exactly the message it held, and a sibling of that send under the transform's process span.
      expect(end.links).toHaveLength(1);
      expect(end.links[0]!.attributes).toEqual({ 'tracecarrier.link.reason': 'transaction' });
      const send = byId.get(end.links[0]!.context.spanId)!;
      expect(send, 'the linked send span').toBeDefined();
      expect(String(send.attributes['messaging.kafka.message.key'])).toMatch(/^k-\d+$/);
      expect(parentSpanId(end)).toBe(parentSpanId(send));
      const transform = transforms.get(parentSpanId(end)!)!;
      expect(transform, 'the transform process span').toBeDefined();
      expect(transform.attributes['messaging.kafka.message.key']).toBe(send.attributes['messaging.kafka.message.key']);
      expect(prefix === 'aborted-' ? abortsFirst(Number(String(send.attributes['messaging.kafka.message.key']).slice(2))) : true).toBe(true);
    }
  }
  const abortedSends = new Set(aborts.flatMap(linkedSpanIds));
  // The committed chain: source send → transform process → output send → downstream process.
  const downstreamSpans = tracing.named(`process ${output}`).filter((span) => span.attributes['messaging.consumer.group.name'] === down.committedGroup);
  expect(downstreamSpans).toHaveLength(MESSAGES);
  for (const span of downstreamSpans) {
    const key = span.attributes['messaging.kafka.message.key'] as string;
    const send = byId.get(parentSpanId(span)!)!;
    expect(send, `the send span of ${key}`).toBeDefined();
    expect(abortedSends.has(send.spanContext().spanId)).toBe(false);
    const transform = transforms.get(parentSpanId(send)!)!;
    expect(parentSpanId(transform)).toBe(source.get(key)!.spanContext().spanId);
    expect(span.spanContext().traceId).toBe(source.get(key)!.spanContext().traceId);
  }
  expect(tracing.openSpans()).toBe(0);
  printTrace(`exactly-once (${binding}): input k-0, aborted once, then committed`, rowsOf(tracing.spans(), (span) => String(span.attributes['messaging.client.id'] ?? binding)), source.get('k-0')!.spanContext().traceId);
  console.log(
    `exactly-once (${replication === 3 ? '3-node cluster' : 'single broker'}): inputs ${MESSAGES}, aborted transactions ${aborted}, committed ${commits.length}, downstream read_committed ${downstreamSpans.length} (duplicates 0), read_uncommitted ${down.uncommitted.length}, open spans ${tracing.openSpans()}`,
  );
}

describe('exactly-once: consume-transform-produce with transactions, aborts never seen downstream', () => {
  it('kafkajs: transactions with sendOffsets; node-rdkafka reads committed downstream', async () => {
    const [input, output] = [randomTopic('tx-in'), randomTopic('tx-out')];
    await topicsReady([input, output], 3);
    const source = await sendInputs(input);
    const kafka = new TracedKafka(kafkaConfig('tx-transform'));
    const groupId = `g-transform-${input}`;
    const producer = kafka.producer({ transactionalId: `tx-${input}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanup.push(() => producer.disconnect());
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, readUncommitted: false });
    await consumer.connect();
    cleanup.push(() => consumer.disconnect());
    await consumer.subscribe({ topic: input, fromBeginning: true });
    const down = await downstream(output, readRdkafka);
    let transformed = 0;
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const key = message.key!.toString();
        if (abortsFirst(Number(key.slice(2)))) {
          const attempt = await producer.transaction();
          await attempt.send({ topic: output, messages: [{ key, value: `aborted-${key}` }] });
          await attempt.abort();
        }
        const transaction = await producer.transaction();
        await transaction.send({ topic: output, messages: [{ key, value: `done-${key}` }] });
        await transaction.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] }] });
        await transaction.commit();
        transformed += 1;
      },
    });
    await waitFor(() => transformed === MESSAGES, 'every input transformed', LONG);
    await waitFor(() => down.committed.size === MESSAGES && down.uncommitted.length >= MESSAGES, 'downstream reads', LONG);
    await new Promise((resolve) => setTimeout(resolve, 500)); // nothing more may arrive
    verify('kafkajs', source, output, down);
  }, 3 * LONG);

  it('node-rdkafka: transactional producer with sendOffsetsToTransaction; kafkajs reads committed downstream', async () => {
    const [input, output] = [randomTopic('tx-in'), randomTopic('tx-out')];
    await topicsReady([input, output], 3);
    const source = await sendInputs(input);
    const groupId = `g-transform-${input}`;
    const producer = await connectProducer(new TracedProducer({ ...producerConfig('tx-transform'), 'transactional.id': `tx-${input}` } as never, {}, {}));
    cleanup.push(() => disconnect(producer));
    await callback((cb) => producer.initTransactions(30_000, cb));
    const consumer: KafkaConsumer = new TracedKafkaConsumer(
      { ...consumerConfig('tx-transform', groupId), 'enable.auto.commit': false, 'isolation.level': 'read_committed' } as never,
      { 'auto.offset.reset': 'earliest' },
    );
    const traced = consumer as TracedKafkaConsumer;
    await callback((cb) => consumer.connect({}, cb as never));
    cleanup.push(() => disconnect(consumer));
    consumer.subscribe([input]);
    const down = await downstream(output, readKafkajs);
    let transformed = 0;
    let stopped = false;
    cleanup.push(async () => void (stopped = true));
    const produce = (key: string, value: string) => producer.produce(output, null, Buffer.from(value), key, Date.now());
    const transform = async (message: Message): Promise<void> => {
      const key = String(message.key);
      if (abortsFirst(Number(key.slice(2)))) {
        await callback((cb) => producer.beginTransaction(cb));
        produce(key, `aborted-${key}`);
        // Delivered first, so the aborted message is in the log (unflushed ones are purged by the abort).
        await callback((cb) => producer.flush(30_000, cb as never));
        await callback((cb) => producer.abortTransaction(30_000, cb));
      }
      await callback((cb) => producer.beginTransaction(cb));
      produce(key, `done-${key}`);
      const offsets: TopicPartitionOffset[] = [{ topic: input, partition: message.partition, offset: message.offset + 1 }];
      await callback((cb) => producer.sendOffsetsToTransaction(offsets, consumer, 30_000, cb));
      await callback((cb) => producer.commitTransaction(30_000, cb));
      transformed += 1;
    };
    // consume(n, cb): each message transformed in order, under its own process span (processMessage).
    const poll = (): void => {
      if (stopped) return;
      consumer.consume(10, (err, messages) => {
        if (err) return void setTimeout(poll, 100);
        void (async () => {
          for (const message of messages) await traced.processMessage(message, () => transform(message));
          setImmediate(poll);
        })();
      });
    };
    poll();
    await waitFor(() => transformed === MESSAGES, 'every input transformed', LONG);
    await waitFor(() => down.committed.size === MESSAGES && down.uncommitted.length >= MESSAGES, 'downstream reads', LONG);
    await new Promise((resolve) => setTimeout(resolve, 500));
    stopped = true;
    verify('node-rdkafka', source, output, down);
  }, 3 * LONG);
});
