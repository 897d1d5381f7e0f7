/**
 * The baselines of the command line's bench (cli-inspect.ts): a plain node-rdkafka reader of a
 * whole topic, as anyone would write it (partitions assigned from their low watermarks, no group
 * joined, batches of {@link BATCH}, librdkafka's default fetch settings), that stops at the high
 * watermarks it started with, as `tracecarrier inspect` does. With `extract`, it also reads each
 * record's context with `createMessagePropagator().extract` and the carriers `inspect` reads with by
 * default (`auto`: headers, CloudEvents binary, the JSON envelope, CloudEvents structured), and
 * counts the records per carrier: the least work `inspect` has to do. Prints one JSON line.
 *
 *   node bench/dist/cli-inspect-reader.js BROKERS TOPIC plain|extract
 */
import { cloudEventsBinary, cloudEventsStructured, headersCarrier, jsonEnvelope } from '@tracecarrier/core';
import { createMessagePropagator } from '@tracecarrier/node-rdkafka';
import RdKafka, { type Message, type Metadata } from 'node-rdkafka';

const BATCH = 1_000;
const [brokers, topic, mode] = process.argv.slice(2) as [string, string, 'plain' | 'extract'];
if (topic === undefined || (mode !== 'plain' && mode !== 'extract')) throw new Error('usage: cli-inspect-reader.js BROKERS TOPIC plain|extract');

const consumer = new RdKafka.KafkaConsumer({ 'metadata.broker.list': brokers, 'group.id': 'bench-cli-plain-reader', 'enable.auto.commit': false, log_level: 3 }, {});
await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 10_000 }, (error) => (error ? reject(error) : resolve())));
const metadata = await new Promise<Metadata>((resolve, reject) => consumer.getMetadata({ topic, timeout: 10_000 }, (error, data) => (error ? reject(error) : resolve(data))));
const partitions = metadata.topics.find((entry) => entry.name === topic)!.partitions.map((entry) => entry.id);
const ranges = await Promise.all(
  partitions.map(
    (partition) =>
      new Promise<{ partition: number; low: number; high: number }>((resolve, reject) =>
        consumer.queryWatermarkOffsets(topic, partition, 10_000, (error, offsets) => (error ? reject(error) : resolve({ partition, low: offsets.lowOffset, high: offsets.highOffset }))),
      ),
  ),
);
const position = new Map(ranges.map((range) => [range.partition, range.low]));
const done = () => ranges.every((range) => position.get(range.partition)! >= range.high);
consumer.assign(ranges.map((range) => ({ topic, partition: range.partition, offset: range.low })));

const propagator = mode === 'extract' ? createMessagePropagator({ consumer: { carriers: [headersCarrier(), cloudEventsBinary(), jsonEnvelope(), cloudEventsStructured()] } }) : undefined;
const byCarrier: Record<string, number> = {};
let records = 0;
let bytes = 0;
while (!done()) {
  const messages = await new Promise<Message[]>((resolve, reject) => consumer.consume(BATCH, (error, batch) => (error ? reject(error) : resolve(batch))));
  for (const message of messages) {
    position.set(message.partition, message.offset + 1);
    records++;
    bytes += message.value?.length ?? 0;
    if (propagator !== undefined) {
      const { carrier } = propagator.extract(message);
      byCarrier[carrier] = (byCarrier[carrier] ?? 0) + 1;
    }
  }
}
await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
console.log(JSON.stringify({ records, bytes, byCarrier }));
