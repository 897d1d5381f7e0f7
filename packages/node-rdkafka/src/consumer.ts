import { context as otelContext, type Link } from '@opentelemetry/api';
import RdKafka from 'node-rdkafka';
import type { ConsumerGlobalConfig, ConsumerTopicConfig, LibrdKafkaError, Message } from 'node-rdkafka';
import type { ConsumerOptions } from '@tracecarrier/core';
import {
  beginProcess,
  endSpanWithError,
  handOver,
  messageLink,
  receiveMessage,
  resolveConsumerOptions,
  runInSpan,
  startBatchProcessSpan,
  type ActiveSpan,
  type ClientIdentity,
  type ConsumerRuntime,
  type MessageFacts,
  type ReceivedMessage,
} from '@tracecarrier/core/binding';
import { identityFromConfig } from './identity.js';
import { refuseOptionsInTopicConfig } from './topic-config.js';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** What a `consumerHook` receives: the message as listeners see it (envelope unwrapped). */
export interface ConsumerHookInfo {
  readonly message: Message;
}

/** Options of {@link TracedKafkaConsumer}. */
export type RdkafkaConsumerOptions = ConsumerOptions<ConsumerHookInfo>;

type MessagesCallback = (err: LibrdKafkaError, messages: Message[]) => void;
type MessageCallback = (err: LibrdKafkaError, message: Message) => void;

/** One raw message, read once: what listeners see and how its context was carried. */
interface Read {
  /** node-rdkafka's own message object, as it came off the wire. */
  readonly raw: Message;
  readonly received: ReceivedMessage<Message['value']>;
  readonly handed: Message;
  /** The process span while a flowing-mode callback still has to run under it. */
  pending?: ActiveSpan | undefined;
}

function factsOf(message: Message): MessageFacts {
  return { topic: message.topic, partition: message.partition, offset: message.offset, key: message.key, value: message.value };
}

/**
 * A node-rdkafka `KafkaConsumer` that traces what it delivers.
 * - Flowing mode (`consume()` and `'data'` listeners, or `consume(cb)`): one CONSUMER `process <topic>`
 *   span per message, active while the `'data'` listeners (and the callback) run, so spans they
 *   start are its children. The span ends when they return.
 * - Non-flowing mode (`consume(n, cb)`): `'data'` listeners still get a span per message; the batch
 *   callback runs under a batch `process` span linked to every message's producer, and
 *   {@link TracedKafkaConsumer.processMessage} runs per-message work under each message's own span.
 * Envelopes are unwrapped before anyone sees the message. Streams (`createReadStream`) are not
 * wrapped: use {@link createMessagePropagator} with them.
 *
 * @example
 * ```ts
 * const consumer = new TracedKafkaConsumer({ 'group.id': 'billing', 'metadata.broker.list': 'localhost:9092' }, {});
 * consumer.on('ready', () => { consumer.subscribe(['orders']); consumer.consume(); });
 * consumer.on('data', (message) => bill(message.value));
 * consumer.connect();
 * ```
 */
export class TracedKafkaConsumer extends RdKafka.KafkaConsumer {
  readonly #runtime: ConsumerRuntime<ConsumerHookInfo>;
  readonly #identity: ClientIdentity;
  // Keyed by node-rdkafka's own message objects and the copies handed out, so a message is read (and
  // reported) once whoever sees it, however late (an async batch callback calls processMessage after
  // its first await). Only filled while a callback will see the messages again (batch or flowing
  // callback): plain 'data' listeners need no entry, and one per message costs the GC dearly.
  readonly #reads = new WeakMap<Message, Read>();
  #flowingCallback = false;
  #batchesInFlight = 0;

  constructor(conf: ConsumerGlobalConfig, topicConf?: ConsumerTopicConfig, options?: RdkafkaConsumerOptions) {
    refuseOptionsInTopicConfig(topicConf, 'TracedKafkaConsumer');
    const runtime = resolveConsumerOptions<ConsumerHookInfo>(options, INSTRUMENTATION_SCOPE);
    super(conf, topicConf ?? {});
    this.#runtime = runtime;
    this.#identity = identityFromConfig(conf);
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'data') return super.emit(event, ...args);
    const raw = args[0] as Message;
    let read: Read;
    let started: ActiveSpan;
    try {
      read = this.#read(raw);
      if (this.listenerCount('data') === 0 && !this.#flowingCallback) return false;
      started = this.#begin(read, otelContext.active());
    } catch (error) {
      this.#runtime.sink({ topic: raw?.topic, partition: raw?.partition })('internal-error', 'tracing this message failed', { cause: error });
      return super.emit(event, ...args);
    }
    let delivered: boolean;
    try {
      delivered = otelContext.with(started.context, () => super.emit('data', read.handed));
    } catch (error) {
      endSpanWithError(started.span, error);
      started.onEnd?.(error);
      throw error;
    }
    // In flowing mode with a callback, the callback comes right after and runs under the same span.
    if (this.#flowingCallback) read.pending = started;
    else {
      started.span.end();
      started.onEnd?.(undefined);
    }
    return delivered;
  }

  /** Non-flowing mode: up to `number` messages, `cb` under a batch span linked to each message's producer. */
  override consume(number: number, cb?: MessagesCallback): void;
  // node-rdkafka types this callback with an array; at run time flowing mode passes one message.
  /** Flowing mode with a callback: `cb` runs under each message's `process` span. */
  override consume(cb: MessagesCallback): void;
  /** Flowing mode: `'data'` listeners run under each message's `process` span. */
  override consume(): void;
  override consume(number?: number | MessagesCallback, cb?: MessagesCallback): void {
    if ((typeof number === 'number' && number > 0) || (number !== undefined && cb !== undefined)) {
      if (cb === undefined) {
        super.consume(number as number);
        return;
      }
      this.#batchesInFlight += 1;
      super.consume(number as number, (err, messages) => {
        try {
          this.#deliverBatch(err, messages, cb);
        } finally {
          this.#batchesInFlight -= 1;
        }
      });
      return;
    }
    const flowing = typeof number === 'function' ? (number as unknown as MessageCallback) : undefined;
    this.#flowingCallback = flowing !== undefined;
    if (flowing === undefined) {
      super.consume();
      return;
    }
    const perMessage: MessageCallback = (err, message) => {
      if (err !== null && err !== undefined) return flowing(err, message);
      const read = message === undefined ? undefined : this.#reads.get(message);
      const started = read?.pending;
      if (read === undefined || started === undefined) return flowing(err, message);
      read.pending = undefined;
      runInSpan(started, () => flowing(err, read.handed));
    };
    super.consume(perMessage as unknown as MessagesCallback);
  }

  /**
   * Runs `fn` under `message`'s own `process` span (child of its producer span, linked to the span
   * active now, such as the batch span), and ends the span when `fn` returns or its promise settles.
   * Errors are recorded on the span and rethrown unchanged.
   */
  processMessage<T>(message: Message, fn: () => T): T {
    const read = this.#read(message);
    const started = this.#begin(read, otelContext.active());
    return runInSpan(started, fn);
  }

  #read(message: Message): Read {
    const known = this.#reads.get(message);
    if (known !== undefined) return known;
    const remember = this.#flowingCallback || this.#batchesInFlight > 0;
    // The handed copy is what listeners and callbacks see; it maps back to the same read.
    const { topic, partition, key, value, headers } = message;
    const offset = String(message.offset);
    const received = receiveMessage(this.#runtime, { topic, partition, offset, key, value, headers }, { topic, partition, offset }, this.#identity);
    const handed = handOver(message, received.read);
    const read: Read = { raw: message, received, handed };
    if (remember) {
      this.#reads.set(message, read);
      if (handed !== message) this.#reads.set(handed, read);
    }
    return read;
  }

  #begin(read: Read, active: ReturnType<typeof otelContext.active>): ActiveSpan {
    return beginProcess(this.#runtime, read.received, factsOf(read.raw), this.#identity, active, { message: read.handed });
  }

  #deliverBatch(err: LibrdKafkaError, messages: Message[], cb: MessagesCallback): void {
    if (err !== null && err !== undefined) return cb(err, messages);
    if (messages === undefined || messages.length === 0) return cb(err, messages);
    const links: Link[] = [];
    const handed = messages.map((message) => {
      const read = this.#read(message);
      const link = messageLink(read.received.read, factsOf(message));
      if (link !== undefined) links.push(link);
      return read.handed;
    });
    // One batch span per topic-partition run would split the callback; the batch is one call, so one span.
    const first = messages[0]!;
    const started = startBatchProcessSpan(
      this.#runtime.tracer,
      { topic: first.topic, partition: first.partition, count: messages.length },
      links,
      this.#identity,
      otelContext.active(),
    );
    runInSpan(started, () => cb(err, handed));
  }
}
