import { context as otelContext, type Context } from '@opentelemetry/api';
import type { MessageValue } from '../../carriers/carrier.js';
import type { ConsumerOptions } from '../../options.js';
import { handOver } from '../../pipeline/carried.js';
import type { IncomingRead } from '../../pipeline/incoming.js';
import { beginProcess, receiveMessage } from '../../pipeline/message-path.js';
import { resolveConsumerOptions, type ConsumerRuntime } from '../../pipeline/runtime.js';
import { runInSpan } from '../../spans/run-in-span.js';
import type { ClientIdentity } from '../../spans/spans.js';
import type { Constructor, Traced } from '../traced-class.js';
import { Handout } from '../../pipeline/handout.js';
import { handedValue, PltIncoming } from './message.js';
import { identityOfClient, type PltBinding } from './producer.js';
import { tracedStream } from '../../pipeline/message-stream.js';
import type { PltClientOptions, PltConsumerBase, PltMessage } from './types.js';

/** What a `consumerHook` receives: the message as the application gets it (envelope unwrapped). */
export interface PltConsumerHookInfo<M = PltMessage> {
  readonly message: M;
}

/** Options of a @platformatic/kafka consumer wrapper. Every field is optional; defaults are in each field's docs. */
export type PltConsumerOptions<M = PltMessage> = ConsumerOptions<PltConsumerHookInfo<M>>;

/** What a traced consumer adds to the client's `Consumer`. */
export interface TracedPltConsumerMembers<M = PltMessage> {
  /**
   * Runs `fn` in `message`'s `process` span, with its context active, and ends the span when `fn`
   * returns or its promise settles; an error is recorded on the span and rethrown unchanged. For a
   * message the stream handed out, this is its open span (the one the iterator would end at the next
   * pull); for any other message, a new one.
   */
  processMessage<T>(message: M, fn: () => T): T;
}

type HookInfo = PltConsumerHookInfo;
type Callback<T> = (error: unknown, result?: T) => void;

/**
 * The traced subclass of @platformatic/kafka's `Consumer`: the stream `consume()` gives hands each
 * message to the application in a CONSUMER `process <topic>` span (child of the producer's span, or
 * linked, per `relationship`), for `'data'` listeners and `for await` alike (see stream.ts), with
 * envelopes unwrapped; `processMessage` runs work in a message's span. The constructor takes
 * `(clientOptions, tracingOptions)`.
 */
export function tracedPltConsumerClass<B extends Constructor<PltConsumerBase>, M = PltMessage>(Base: B, binding: PltBinding): Traced<B, TracedPltConsumerMembers<M>> {
  class TracedConsumer extends Base {
    readonly #runtime: ConsumerRuntime<HookInfo>;
    readonly #identity: ClientIdentity;
    // The handouts whose span is still open, by message, for processMessage to take over. Each leaves
    // when its span ends, so the Map stays small; a WeakMap entry per message handed out kept the
    // garbage collector busy (part 8 on the broker, with the two changes in headers.ts and
    // message-stream.ts: the consumer went from 1.6× to about 1.05× the CPU of the same tracing by hand).
    readonly #handouts = new Map<PltMessage, Handout<PltMessage>>();

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern's constructor
    constructor(...args: any[]) {
      const [options, tracing] = args as [PltClientOptions, PltConsumerOptions<never> | undefined];
      const runtime = resolveConsumerOptions<HookInfo>(tracing as PltConsumerOptions | undefined, binding.scope);
      super(options);
      this.#runtime = runtime;
      this.#identity = identityOfClient(options);
    }

    /** The client's `consume`: the stream it gives hands each message over in its span. A callback gets the stream instead of a promise. */
    override consume(options: unknown, callback?: Callback<object>): Promise<object> | undefined {
      const traced = (stream: object) => tracedStream(stream, (raw: PltMessage) => this.#handOutSafely(raw));
      if (typeof callback === 'function') {
        super.consume(options, (error: unknown, stream?: object) => callback(error, error === null || error === undefined ? traced(stream as object) : stream));
        return undefined;
      }
      return (super.consume(options) as Promise<object>).then(traced);
    }

    processMessage<T>(message: PltMessage, fn: () => T): T {
      const started = this.#handouts.get(message)?.take() ?? this.#handOut(message, otelContext.active()).take();
      return started === undefined ? fn() : runInSpan(started, fn);
    }

    #handOutSafely(raw: PltMessage): Handout<PltMessage> | undefined {
      try {
        return this.#handOut(raw, otelContext.active());
      } catch (error) {
        // A bug of ours must not lose the message: hand it over untraced.
        this.#runtime.sink({ topic: raw?.topic, partition: raw?.partition })('internal-error', 'tracing this message failed', { cause: error });
        return undefined;
      }
    }

    #handOut(raw: PltMessage, active: Context): Handout<PltMessage> {
      const runtime = this.#runtime;
      const incoming = new PltIncoming(raw);
      // The message is its own diagnostic origin (its topic, partition and offset are read when reporting).
      const received = receiveMessage(runtime, incoming, incoming, this.#identity);
      // The value handed over keeps the deserializer's form (text stays text) and, when no carrier
      // could read it (a deserialized object), stays the application's.
      let read: IncomingRead<unknown> = received;
      if (received.unwrapped) read = { ...received, value: handedValue(raw.value, received.value) as Buffer };
      else if (received.value !== raw.value) read = { ...received, value: raw.value as Buffer };
      const handed = handOver(raw, read);
      const info = runtime.hook === undefined ? undefined : { message: handed };
      const facts = { topic: raw.topic, partition: raw.partition, offset: Number(raw.offset), key: incoming.key, value: raw.value as MessageValue };
      return new Handout(handed, beginProcess(runtime, received, facts, this.#identity, active, info), this.#handouts);
    }
  }
  return TracedConsumer as unknown as Traced<B, TracedPltConsumerMembers<M>>;
}
