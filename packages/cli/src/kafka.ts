import RdKafka from 'node-rdkafka';
import type { KafkaConsumer, LibrdKafkaError, Message, MessageHeader, Metadata, Producer } from 'node-rdkafka';
import type { Isolation } from './args.js';
import { UsageError } from './errors.js';
import { librdkafkaConfig, NO_SETTINGS, type ClientSettings } from './settings.js';

/**
 * The command line's Kafka access, on node-rdkafka: a reader that assigns partitions itself (no
 * group is joined, nothing is committed: `enable.auto.commit` off, no subscribe) and a producer,
 * each with the cluster's client properties (`--config`, `-X`). Connection problems become
 * one-line {@link UsageError}s; the brokers refusing the credentials or the TLS handshake end the
 * connect as soon as librdkafka reports it, not after the 10 s timeout.
 */

const CONNECT_TIMEOUT_MS = 10_000;
// How often the events librdkafka queued are served while connecting.
const PUMP_MS = 20;

function quiet(brokers: string): { 'metadata.broker.list': string; 'client.id': string; 'log_level': number; 'socket.connection.setup.timeout.ms': number } {
  // Errors only, and only as events (node-rdkafka's event callback): never printed, read while connecting.
  return { 'metadata.broker.list': brokers, 'client.id': 'tracecarrier-cli', log_level: 3, 'socket.connection.setup.timeout.ms': CONNECT_TIMEOUT_MS };
}

/** librdkafka's text without its thread name and timing tail ("[thrd:…]: ", " (after 12ms in state AUTH_REQ)"). */
function reasonOf(error: unknown): string {
  const message = (error as Partial<LibrdKafkaError> | undefined)?.message ?? String(error);
  return message.replace(/^\[thrd:[^\]]*\]: /, '').replace(/ \(after \d+ms in state [A-Z_]+(, \d+ identical error\(s\) suppressed)?\)/g, '');
}

function unreachable(brokers: string, error: unknown): UsageError {
  return new UsageError(`cannot reach the Kafka brokers at ${brokers} (${reasonOf(error)})`);
}

/**
 * What librdkafka reports while connecting (an error log line, or an error event, which
 * node-rdkafka gives as text only) means when the brokers will not take this client whatever the
 * wait: refused credentials, a failed TLS handshake. Others (a broker not answering yet) are
 * retried by librdkafka until the connect times out.
 */
function refusal(brokers: string, text: string): UsageError | undefined {
  const reason = reasonOf(text);
  // A broker requiring a client certificate it did not get (or does not trust) ends the handshake
  // with an alert the client reads after it: "ssl/tls alert bad certificate", "certificate required".
  if (/SSL handshake failed|ssl\/tls alert|^ssl error$/i.test(reason)) return new UsageError(`the TLS handshake with the Kafka brokers at ${brokers} failed (${reason})`);
  if (/SASL authentication error|^authentication failure$/i.test(reason)) return new UsageError(`the Kafka brokers at ${brokers} refused the credentials (${reason})`);
  return undefined;
}

/** A client of `settings`: librdkafka refuses an unknown property or a bad value here, and the error names where it was given. */
function made<T>(settings: ClientSettings, make: () => T): T {
  try {
    return make();
  } catch (error) {
    const reason = (error as Error).message;
    const name = /property:? "([^"]+)"/.exec(reason)?.[1];
    const given = settings.properties.find((entry) => entry.name === name);
    throw new UsageError(given === undefined ? `bad client properties (${reason})` : `bad client property ${name} (${given.origin}): ${reason}`);
  }
}

/** How one connect attempt ended. */
type Attempt = { readonly kind: 'connected' } | { readonly kind: 'refused'; readonly error: UsageError } | { readonly kind: 'failed'; readonly error: LibrdKafkaError };

/**
 * One connect attempt of `client`, waiting at most `timeoutMs` for the first metadata; it ends at
 * the first refusal librdkafka reports. librdkafka hands its logs and errors over only when the
 * client is polled, and node-rdkafka polls nobody while it waits for the first metadata: `pump`
 * serves them (a consumer's short consume, a producer's poll) every few milliseconds meanwhile.
 */
function attempt(client: KafkaConsumer | Producer, brokers: string, timeoutMs: number, pump: () => Promise<void>): Promise<Attempt> {
  // Both are node-rdkafka Clients, EventEmitters whose typings differ only in their event names.
  const events = client as unknown as NodeJS.EventEmitter;
  return new Promise((resolve) => {
    let settled = false;
    let pumping: Promise<void> | undefined;
    const timer = setInterval(() => {
      if (pumping === undefined && client.isConnected()) pumping = pump().finally(() => (pumping = undefined));
    }, PUMP_MS);
    const finish = (result: Attempt) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      events.removeListener('event.log', onLog);
      events.removeListener('event.error', onError);
      // On a refusal, the metadata request in flight is left to time out by itself (node-rdkafka
      // then disconnects): disconnecting under it races its worker thread.
      if (result.kind === 'connected') void (pumping ?? Promise.resolve()).then(() => resolve(result));
      else resolve(result);
    };
    const onLog = (log: { severity: number; message: string }) => {
      const refused = log.severity <= 3 ? refusal(brokers, log.message) : undefined;
      if (refused !== undefined) finish({ kind: 'refused', error: refused });
    };
    const onError = (error: Error) => {
      const refused = refusal(brokers, error.message);
      if (refused !== undefined) finish({ kind: 'refused', error: refused });
    };
    events.on('event.log', onLog);
    events.on('event.error', onError);
    client.connect({ timeout: timeoutMs }, (error) => finish(error ? { kind: 'failed', error } : { kind: 'connected' }));
  });
}

// The first metadata's wait per attempt. A process cannot exit before a metadata request in
// flight ends, so a refusal seen early must not leave one waiting 10 s: short attempts, then
// longer ones, within the 10 s a connect has.
const ATTEMPT_MS = [1_000, 2_000, 3_000, 4_000];
const RETRIED = new Set<number>([RdKafka.CODES.ERRORS.ERR__TRANSPORT, RdKafka.CODES.ERRORS.ERR__TIMED_OUT]);

/**
 * A connected client made by `make`: attempts while the brokers do not answer (each with a new
 * client), for 10 s in all; fails with a {@link UsageError} at once when they refuse the
 * credentials or the TLS handshake, or when librdkafka cannot start the client (a bad key file).
 */
async function connected<C extends KafkaConsumer | Producer>(brokers: string, make: () => C, pump: (client: C) => Promise<void>): Promise<C> {
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  for (let index = 0; ; index++) {
    const client = make();
    const timeoutMs = Math.max(1, Math.min(ATTEMPT_MS[index] ?? ATTEMPT_MS.at(-1)!, deadline - Date.now()));
    const result = await attempt(client, brokers, timeoutMs, () => pump(client));
    if (result.kind === 'connected') return client;
    if (result.kind === 'refused') throw result.error;
    if (!RETRIED.has(result.error.code) || Date.now() >= deadline - 50) throw unreachable(brokers, result.error);
  }
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

  /**
   * Connects with the cluster's client properties, reading at `isolation` (default: the
   * properties' `isolation.level`, else librdkafka's, read_committed); fails with a
   * {@link UsageError} when the brokers do not answer, refuse the credentials or the TLS
   * handshake, or a property is bad.
   */
  static async connect(brokers: string, settings: ClientSettings = NO_SETTINGS, isolation?: Isolation): Promise<TopicReader> {
    // librdkafka wants a group id even for assign(); it is never used to join or commit.
    const level = isolation === undefined ? {} : { 'isolation.level': isolation };
    const make = () => {
      const consumer = made(settings, () => new RdKafka.KafkaConsumer({ ...quiet(brokers), 'fetch.wait.max.ms': 50, ...librdkafkaConfig(settings), ...level, 'group.id': 'tracecarrier-cli-unused', 'enable.auto.commit': false, 'enable.auto.offset.store': false }, {}));
      // A batch returns as soon as records are there (the probe's latency is not a batch timeout).
      consumer.setDefaultConsumeTimeout(50);
      return consumer;
    };
    return new TopicReader(await connected(brokers, make, (consumer) => new Promise((resolve) => consumer.consume(1, () => resolve()))));
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

  /**
   * The offset of the first record of a partition whose timestamp is at or after `at` (ms), as the
   * broker maps times to offsets (ListOffsets); the high watermark when no record is that late.
   */
  offsetForTime(topic: string, partition: number, at: number): Promise<number> {
    return new Promise((resolve, reject) =>
      this.#consumer.offsetsForTimes([{ topic, partition, offset: at }], CONNECT_TIMEOUT_MS, (error, offsets) => {
        if (error) return reject(new UsageError(`cannot map a time to an offset of ${topic}[${partition}] (${error.message})`));
        const found = offsets.find((entry) => entry.partition === partition)?.offset;
        // librdkafka answers -1 (the end) for a time after the last record.
        if (found === undefined || found < 0) return this.watermarks(topic, partition).then(({ high }) => resolve(high), reject);
        resolve(found);
      }),
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

  /** Connects with the cluster's client properties (fails as {@link TopicReader.connect} does). */
  static async connect(brokers: string, settings: ClientSettings = NO_SETTINGS): Promise<ProbeProducer> {
    const producer = await connected(brokers, () => made(settings, () => new RdKafka.Producer({ ...quiet(brokers), ...librdkafkaConfig(settings), dr_cb: true }, {})), async (client) => void client.poll());
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
