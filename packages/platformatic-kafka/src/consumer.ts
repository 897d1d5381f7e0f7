import { Consumer, type ConsumerOptions, type Message } from '@platformatic/kafka';
import { tracedPltConsumerClass, type PltConsumerHookInfo, type PltConsumerOptions } from '@tracecarrier/core/binding';
import { BINDING } from './binding.js';

/** What a `consumerHook` of {@link TracedConsumer} receives: the message as the application gets it (envelope unwrapped). */
export type ConsumerHookInfo<Key = Buffer, Value = Buffer, HeaderKey = Buffer, HeaderValue = Buffer> = PltConsumerHookInfo<Message<Key, Value, HeaderKey, HeaderValue>>;

/** Tracing options of {@link TracedConsumer} (the second constructor argument). */
export type PlatformaticConsumerOptions<Key = Buffer, Value = Buffer, HeaderKey = Buffer, HeaderValue = Buffer> = PltConsumerOptions<Message<Key, Value, HeaderKey, HeaderValue>>;

/** What {@link TracedConsumer} adds to the client's `Consumer`. */
export interface TracedConsumerMembers<Key, Value, HeaderKey, HeaderValue> {
  /**
   * Runs `fn` in `message`'s `process` span with its context active, and ends the span when `fn`
   * returns or its promise settles; an error is recorded on the span and rethrown unchanged. In a
   * `for await` loop this is how the loop body's work lands inside the message's span.
   */
  processMessage<T>(message: Message<Key, Value, HeaderKey, HeaderValue>, fn: () => T): T;
}

type TracedConsumerClass = new <Key = Buffer, Value = Buffer, HeaderKey = Buffer, HeaderValue = Buffer>(
  options: ConsumerOptions<Key, Value, HeaderKey, HeaderValue>,
  tracing?: PlatformaticConsumerOptions<Key, Value, HeaderKey, HeaderValue>,
) => Consumer<Key, Value, HeaderKey, HeaderValue> & TracedConsumerMembers<Key, Value, HeaderKey, HeaderValue>;

const TracedConsumerBase = tracedPltConsumerClass(Consumer, BINDING) as unknown as TracedConsumerClass;

/**
 * @platformatic/kafka's `Consumer`, tracing what its streams deliver: the stream `consume()` gives
 * hands each message over in a CONSUMER `process <topic>` span, child of the producer's span, with
 * the envelope (if any) unwrapped.
 * - `stream.on('data', listener)`: the listener runs with the span's context active; the span ends
 *   when the listeners return, or when the promise a listener returned settles.
 * - `for await (const message of stream)`: the span is open while the loop body runs and ends at the
 *   next pull, or when the loop is left (`break`, an exception). Run the body in
 *   `consumer.processMessage(message, fn)` to make the span's context active in it and record its error.
 *
 * @example
 * ```ts
 * const consumer = new TracedConsumer({ clientId: 'billing', groupId: 'billing', bootstrapBrokers: ['localhost:9092'] });
 * const stream = await consumer.consume({ topics: ['orders'], mode: 'earliest' });
 * for await (const message of stream) {
 *   await consumer.processMessage(message, () => bill(message.value));
 * }
 * ```
 */
export class TracedConsumer<Key = Buffer, Value = Buffer, HeaderKey = Buffer, HeaderValue = Buffer> extends TracedConsumerBase<Key, Value, HeaderKey, HeaderValue> {
  constructor(options: ConsumerOptions<Key, Value, HeaderKey, HeaderValue>, tracing?: PlatformaticConsumerOptions<Key, Value, HeaderKey, HeaderValue>) {
    super(options, tracing);
  }
}
