import { context as otelContext, type Link } from '@opentelemetry/api';
import type { ConsumerOptions } from '../../options.js';
import { handOver } from '../../pipeline/carried.js';
import { BatchIndex } from '../../pipeline/batch-index.js';
import { beginProcess, receiveMessage, type ReceivedMessage } from '../../pipeline/message-path.js';
import { resolveConsumerOptions, type ConsumerRuntime } from '../../pipeline/runtime.js';
import { runInSpan } from '../../spans/run-in-span.js';
import { endSpanWithError, messageLink, startBatchProcessSpan, type ActiveSpan, type ClientIdentity } from '../../spans/spans.js';
import { identityFromConfig, type IdentityConfig } from './identity.js';
import { RdIncoming } from './incoming.js';
import { refuseOptionsInTopicConfig } from './topic-config.js';
import type { Constructor, LibrdkafkaBinding, Traced, RdConsumerBase, RdMessage } from './types.js';

/** What a `consumerHook` receives: the message as listeners see it (envelope unwrapped). */
export interface RdConsumerHookInfo<M = RdMessage> {
  readonly message: M;
}

/** Options of a librdkafka consumer wrapper (`TracedKafkaConsumer`). */
export type RdConsumerOptions<M = RdMessage> = ConsumerOptions<RdConsumerHookInfo<M>>;

type Message = RdMessage;
type LibrdKafkaError = unknown;
type MessagesCallback = (err: LibrdKafkaError, messages: Message[]) => void;
type MessageCallback = (err: LibrdKafkaError, message: Message) => void;
type HookInfo = RdConsumerHookInfo;

/** What a traced consumer adds to the client's `KafkaConsumer`. */
export interface TracedConsumerMembers<M = RdMessage> {
  /**
   * Runs `fn` under `message`'s own `process` span (child of its producer span, linked to the span
   * active now, such as the batch span), and ends the span when `fn` returns or its promise settles.
   * Errors are recorded on the span and rethrown unchanged.
   */
  processMessage<T>(message: M, fn: () => T): T;
}

/** One raw message, read once: what listeners see and how its context was carried. */
interface Read {
  /** node-rdkafka's own message object, as it came off the wire. */
  readonly raw: Message;
  readonly received: ReceivedMessage<Message['value']>;
  readonly handed: Message;
  /** The process span while a flowing-mode callback still has to run under it. */
  pending?: ActiveSpan | undefined;
  /** Set once `processMessage` ran for it. */
  processed?: boolean;
}


/**
 * The traced subclass of a librdkafka `KafkaConsumer` class: flowing mode gives each message a
 * `process` span active while the `'data'` listeners (and the callback) run; `consume(n, cb)` runs
 * the callback under a batch span, and `processMessage` runs per-message work under each message's
 * own span. Envelopes are unwrapped before anyone sees the message. Each binding documents its class;
 * `M` is the client's message type.
 */
export function tracedConsumerClass<B extends Constructor<RdConsumerBase>, M = RdMessage>(Base: B, binding: LibrdkafkaBinding): Traced<B, TracedConsumerMembers<M>> {
  class TracedKafkaConsumer extends Base {
    readonly #runtime: ConsumerRuntime<HookInfo>;
    readonly #identity: ClientIdentity;
    // Keyed by node-rdkafka's own message objects and the copies handed out, so a message is read (and
    // reported) once whoever sees it, however late (an async batch callback calls processMessage after
    // its first await). Only filled for messages a callback will see again: a flowing-mode callback's,
    // and those of a batch its callback left unprocessed when it returned. Plain 'data' listeners need
    // no entry, and a weak-map entry per message costs the GC dearly (~0.4 µs).
    readonly #reads = new WeakMap<Message, Read>();
    // The reads of the batch whose callback is running (in batch order), dropped when the callback returns.
    #batch: BatchIndex<Message, Read> | undefined;
    // Whether #reads ever held anything: a weak-map lookup gives every message an identity hash, a
    // cost plain 'data' listeners need not pay.
    #remembering = false;
    #flowingCallback = false;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern's constructor
    constructor(...args: any[]) {
      const [conf, topicConf, options] = args as [IdentityConfig, object | undefined, RdConsumerOptions | undefined];
      refuseOptionsInTopicConfig(topicConf, 'TracedKafkaConsumer', binding.library);
      const runtime = resolveConsumerOptions<HookInfo>(options, binding.scope);
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

    /**
     * Non-flowing mode (`consume(n, cb)`): `cb` under a batch span linked to each message's producer;
     * flowing mode (`consume()`, `consume(cb)`): listeners and `cb` under each message's span. (The
     * client types the flowing callback with an array; at run time flowing mode passes one message.)
     */
    override consume(number?: number | MessagesCallback, cb?: MessagesCallback): void {
      if ((typeof number === 'number' && number > 0) || (number !== undefined && cb !== undefined)) {
        if (cb === undefined) {
          super.consume(number as number);
          return;
        }
        super.consume(number as number, (err: LibrdKafkaError, messages: Message[]) => this.#deliverBatch(err, messages, cb));
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
      read.processed = true;
      const started = this.#begin(read, otelContext.active());
      return runInSpan(started, fn);
    }

    #read(message: Message): Read {
      const known = this.#batch?.get(message) ?? (this.#remembering ? this.#reads.get(message) : undefined);
      if (known !== undefined) return known;
      const remember = this.#flowingCallback;
      // The handed copy is what listeners and callbacks see; it maps back to the same read.
      const incoming = new RdIncoming(message);
      // The message is its own diagnostic origin (its topic, partition and offset are read when reporting).
      const received = receiveMessage(this.#runtime, incoming, incoming, this.#identity);
      const handed = handOver(message, received);
      const read: Read = { raw: message, received, handed };
      if (remember) {
        this.#remembering = true;
        this.#reads.set(message, read);
        if (handed !== message) this.#reads.set(handed, read);
      }
      return read;
    }

    #begin(read: Read, active: ReturnType<typeof otelContext.active>): ActiveSpan {
      const info = this.#runtime.hook === undefined ? undefined : { message: read.handed };
      return beginProcess(this.#runtime, read.received, read.raw, this.#identity, active, info);
    }

    #deliverBatch(err: LibrdKafkaError, messages: Message[], cb: MessagesCallback): void {
      if (err !== null && err !== undefined) return cb(err, messages);
      if (messages === undefined || messages.length === 0) return cb(err, messages);
      const links: Link[] = [];
      const reads = new BatchIndex<Message, Read>();
      const handed = messages.map((message) => {
        const read = this.#read(message);
        reads.add(message, read, read.handed);
        const link = messageLink(read.received, message);
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
      const outer = this.#batch;
      this.#batch = reads;
      try {
        runInSpan(started, () => cb(err, handed));
      } finally {
        this.#batch = outer;
        // What the callback left unprocessed it may process later (after an await): keep those reads.
        for (const [message, read] of reads.entries()) {
          if (read.processed === true) continue;
          this.#remembering = true;
          this.#reads.set(message, read);
        }
      }
    }
  }
  return TracedKafkaConsumer as unknown as Traced<B, TracedConsumerMembers<M>>;
}
