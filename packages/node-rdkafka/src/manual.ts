import type { Message } from 'node-rdkafka';
import type { MessagePropagatorOptions } from '@tracecarrier/core';
import {
  rdMessagePropagator,
  type RdCarriedArguments,
  type RdExtractedMessage,
  type RdMessageOrigin,
  type RdMessagePropagator,
  type RdOutgoingArguments,
} from '@tracecarrier/core/binding';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** An outgoing message as `produce` takes it: value, and optionally key and headers. */
export type OutgoingArguments = RdOutgoingArguments;
/** The value and headers to pass to `produce` (or write to a `ProducerStream`). */
export type CarriedArguments = RdCarriedArguments;
/** The result of `extract`: the context, the message as a handler sees it, the carrier's name. */
export type ExtractedMessage = RdExtractedMessage<Message>;
/** Where a received message came from, for diagnostics (node-rdkafka messages say it themselves). */
export type MessageOrigin = RdMessageOrigin;
/**
 * Manual inject/extract for node-rdkafka messages, e.g. with the stream APIs: `inject(topic,
 * message, context?)` gives the value and a new headers array, `extract(message, origin?)` reads a
 * received message's context and unwraps its envelope (never throws).
 */
export type RdkafkaMessagePropagator = RdMessagePropagator<Message>;

/**
 * Creates a {@link RdkafkaMessagePropagator}; options are validated once, here.
 *
 * @example
 * ```ts
 * const propagator = createMessagePropagator({ producer: { mode: 'envelope' } });
 * const { value, headers } = propagator.inject('orders', { value: Buffer.from('{"id":1}') });
 * producer.produce('orders', null, value, null, Date.now(), undefined, headers);
 * ```
 */
export function createMessagePropagator(options: MessagePropagatorOptions = {}): RdkafkaMessagePropagator {
  return rdMessagePropagator<Message>(options, INSTRUMENTATION_SCOPE);
}
