import RdKafka from 'node-rdkafka';
import type { KafkaConsumer, LibrdKafkaError, Message, MessageHeader, Metadata, Producer } from 'node-rdkafka';
import { UsageError } from './errors.js';

/**
 * The command line's Kafka access, on node-rdkafka: a reader that assigns partitions itself (no
 * group is joined, nothing is committed: `enable.auto.commit` off, no subscribe) and a producer.
 * Connection problems become one-line {@link UsageError}s.
 */

const CONNECT_TIMEOUT_MS = 10_000;

function quiet(brokers: string): { 'metadata.broker.list': string; 'client.id': string; 'log_level': number; 'socket.connection.setup.timeout.ms': number } {
  return { 'metadata.broker.list': brokers, 'client.id': 'tracecarrier-cli', log_level: 0, 'socket.connection.setup.timeout.ms': CONNECT_TIMEOUT_MS };
}

function unreachable(brokers: string, error: unknown): UsageError {
  const reason = (error as Partial<LibrdKafkaError> | undefined)?.message ?? String(error);
  return new UsageError(`cannot reach the Kafka brokers at ${brokers} (${reason})`);
}

/** A partition to read and the offsets to read it between. */
export interface PartitionRange {
  readonly partition: number;
  /** The first offset to read. */
  readonly start: number;
  /** The high watermark when reading started: a read without --follow stops there. */
  readonly end: number;
}

/** A connected reader that joined no group. */
export class TopicReader {
  readonly #consumer: KafkaConsumer;
  private constructor(consumer: KafkaConsumer) {
    this.#consumer = consumer;
  }

  /** Connects (fails with a {@link UsageError} when the brokers do not answer). */
  static async connect(brokers: string): Promise<TopicReader> {
    // librdkafka wants a group id even for assign(); it is never used to join or commit.
    const consumer = new RdKafka.KafkaConsumer({ ...quiet(brokers), 'group.id': 'tracecarrier-cli-unused', 'enable.auto.commit': false, 'enable.auto.offset.store': false, 'fetch.wait.max.ms': 50 }, {});
    await new Promise<void>((resolve, reject) => consumer.connect({ timeout: CONNECT_TIMEOUT_MS }, (error) => (error ? reject(unreachable(brokers, error)) : resolve())));
    // A batch returns as soon as records are there (the probe's latency is not a batch timeout).
    consumer.setDefaultConsumeTimeout(50);
    return new TopicReader(consumer);
  }

  /** The topic's partitions (fails with a {@link UsageError} when the topic does not exist). */
  async partitions(topic: string): Promise<number[]> {
    const metadata = await new Promise<Metadata>((resolve, reject) =>
      this.#consumer.getMetadata({ topic, timeout: CONNECT_TIMEOUT_MS }, (error, data) => (error ? reject(new UsageError(`cannot read the metadata of topic "${topic}" (${error.message})`)) : resolve(data))),
    );
    const found = metadata.topics.find((entry) => entry.name === topic);
    // Brokers that create topics on a metadata request answer with an error for a missing one.
    if (found === undefined || found.partitions.length === 0) throw new UsageError(`topic "${topic}" does not exist`);
    return found.partitions.map((entry) => entry.id).sort((a, b) => a - b);
  }

  /** The low and high watermarks of one partition. */
  watermarks(topic: string, partition: number): Promise<{ low: number; high: number }> {
    return new Promise((resolve, reject) =>
      this.#consumer.queryWatermarkOffsets(topic, partition, CONNECT_TIMEOUT_MS, (error, offsets) => (error ? reject(new UsageError(`cannot read the offsets of ${topic}[${partition}] (${error.message})`)) : resolve({ low: offsets.lowOffset, high: offsets.highOffset }))),
    );
  }

  /** Starts reading the ranges; `onMessage` gets each record in partition order. */
  assign(topic: string, ranges: readonly PartitionRange[]): void {
    this.#consumer.assign(ranges.map((range) => ({ topic, partition: range.partition, offset: range.start })));
  }

  /** Up to `count` records, or none after a short wait. */
  next(count: number): Promise<Message[]> {
    return new Promise((resolve, reject) => this.#consumer.consume(count, (error, messages) => (error ? reject(new UsageError(`reading failed (${error.message})`)) : resolve(messages))));
  }

  /** Disconnects (idempotent). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#consumer.isConnected()) return resolve();
      this.#consumer.disconnect(() => resolve());
    });
  }
}

/** A connected producer whose `send` resolves at the delivery report (the probe's). */
export class ProbeProducer {
  readonly #producer: Producer;
  private constructor(producer: Producer) {
    this.#producer = producer;
  }

  /** Connects (fails with a {@link UsageError} when the brokers do not answer). */
  static async connect(brokers: string): Promise<ProbeProducer> {
    const producer = new RdKafka.Producer({ ...quiet(brokers), dr_cb: true }, {});
    await new Promise<void>((resolve, reject) => producer.connect({ timeout: CONNECT_TIMEOUT_MS }, (error) => (error ? reject(unreachable(brokers, error)) : resolve())));
    producer.setPollInterval(20);
    return new ProbeProducer(producer);
  }

  /** Sends one record and waits for the broker to acknowledge it. */
  send(topic: string, key: string, value: Buffer | null, headers: MessageHeader[] | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const opaque = { key };
      const onReport = (error: LibrdKafkaError | null, report: { opaque?: unknown }) => {
        if (report.opaque !== opaque) return;
        this.#producer.removeListener('delivery-report', onReport);
        if (error) reject(new UsageError(`the probe was not delivered to "${topic}" (${error.message})`));
        else resolve();
      };
      this.#producer.on('delivery-report', onReport);
      try {
        this.#producer.produce(topic, null, value, key, Date.now(), opaque, headers);
      } catch (error) {
        this.#producer.removeListener('delivery-report', onReport);
        reject(new UsageError(`the probe could not be sent to "${topic}" (${(error as Error).message})`));
      }
    });
  }

  /** Disconnects (idempotent). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#producer.isConnected()) return resolve();
      this.#producer.disconnect(() => resolve());
    });
  }
}
