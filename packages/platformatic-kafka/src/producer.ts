import { Producer, type MessageToProduce, type ProducerOptions } from '@platformatic/kafka';
import { tracedPltProducerClass, type PltProducerHookInfo, type PltProducerOptions } from '@tracecarrier/core/binding';
import { BINDING } from './binding.js';

/** What a `producerHook` of {@link TracedProducer} receives: the topic and the caller's message, as given to `send`. */
export type ProducerHookInfo<Key = Buffer, Value = Buffer, HeaderKey = Buffer, HeaderValue = Buffer> = PltProducerHookInfo<MessageToProduce<Key, Value, HeaderKey, HeaderValue>>;

/** Tracing options of {@link TracedProducer} (the second constructor argument). */
export type PlatformaticProducerOptions<Key = Buffer, Value = Buffer, HeaderKey = Buffer, HeaderValue = Buffer> = PltProducerOptions<MessageToProduce<Key, Value, HeaderKey, HeaderValue>>;

type TracedProducerClass = new <Key = Buffer, Value = Buffer, HeaderKey = Buffer, HeaderValue = Buffer>(
  options: ProducerOptions<Key, Value, HeaderKey, HeaderValue>,
  tracing?: PlatformaticProducerOptions<Key, Value, HeaderKey, HeaderValue>,
) => Producer<Key, Value, HeaderKey, HeaderValue>;

const TracedProducerBase = tracedPltProducerClass(Producer, BINDING) as unknown as TracedProducerClass;

/**
 * @platformatic/kafka's `Producer`, tracing what it sends: `send({ messages })` gives one message a
 * PRODUCER `send <topic>` span (several: a `create <topic>` span each and a `send` span linking them)
 * whose context is carried in the message's headers — kept in the shape you gave (`Map` or object)
 * and in the form your serializers take (Buffers by default, strings with `stringSerializers`) — or
 * in an envelope. Your message and headers objects are never modified. A transaction's `send` and
 * `asStream()` go through `send`; `commit`/`abort` run in `commit_transaction` / `abort_transaction`
 * spans linked to the transaction's messages. Serializers that write neither text nor Buffers byte
 * for byte are refused here (`TracecarrierError`, `invalid-options`).
 *
 * @example
 * ```ts
 * const producer = new TracedProducer({ clientId: 'shop', bootstrapBrokers: ['localhost:9092'] }, { mode: 'headers' });
 * await producer.send({ messages: [{ topic: 'orders', key: Buffer.from('o-1'), value: Buffer.from('{"id":1}') }] });
 * ```
 */
export class TracedProducer<Key = Buffer, Value = Buffer, HeaderKey = Buffer, HeaderValue = Buffer> extends TracedProducerBase<Key, Value, HeaderKey, HeaderValue> {
  constructor(options: ProducerOptions<Key, Value, HeaderKey, HeaderValue>, tracing?: PlatformaticProducerOptions<Key, Value, HeaderKey, HeaderValue>) {
    super(options, tracing);
  }
}
