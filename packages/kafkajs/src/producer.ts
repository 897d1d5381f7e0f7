import type { Message, Producer } from 'kafkajs';
import { traceKjsProducer, type KjsProducerHookInfo, type KjsProducerOptions } from '@tracecarrier/core/binding';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** What a `producerHook` receives: the topic and the caller's message, as given to `send`. */
export type ProducerHookInfo = KjsProducerHookInfo<Message>;

/**
 * Options of {@link traceProducer}: the tracecarrier options, the client's identity for span
 * attributes (`clientId`, `brokers`) and its `transactionalId`. Every field is optional.
 */
export type KafkajsProducerOptions = KjsProducerOptions<Message>;

/**
 * Wraps a kafkajs producer so every message it sends carries its producer span's context. The
 * result is a kafkajs `Producer` (same methods and types); `send`, `sendBatch` and transactions'
 * `send`/`sendBatch` are traced, and a transaction's `commit`/`abort` gets a `commit_transaction` /
 * `abort_transaction` span linked to its messages; everything else is the original producer's.
 * Options are validated here: a wrong option throws a `TracecarrierError` naming it.
 *
 * @example
 * ```ts
 * const producer = traceProducer(kafka.producer(), { mode: 'headers' });
 * await producer.send({ topic: 'orders', messages: [{ value: JSON.stringify(order) }] });
 * ```
 */
export function traceProducer(producer: Producer, options?: KafkajsProducerOptions): Producer {
  return traceKjsProducer(producer, options as KjsProducerOptions<never>, INSTRUMENTATION_SCOPE, 'kafkajs');
}
