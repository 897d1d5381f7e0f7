import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { MessagePropagatorOptions } from '@tracecarrier/core';
import { kjsMessagePropagator, type KjsMessagePropagator } from '@tracecarrier/core/binding';
import { INSTRUMENTATION_SCOPE } from '../version.js';

/**
 * Manual inject/extract for the KafkaJS-compatible API's messages: `inject(topic, message,
 * context?)` returns a copy carrying the context, `extract(message, origin?)` reads it back and
 * unwraps envelopes (never throws).
 */
export type MessagePropagator = KjsMessagePropagator<KafkaJS.Message, KafkaJS.KafkaMessage>;

/**
 * Creates a {@link MessagePropagator} for KafkaJS-API messages; options are validated once, here.
 *
 * @example
 * ```ts
 * const propagator = KafkaJS.createMessagePropagator({ producer: { mode: 'envelope' } });
 * const message = propagator.inject('orders', { value: 'hi' });
 * ```
 */
export function createMessagePropagator(options: MessagePropagatorOptions = {}): MessagePropagator {
  return kjsMessagePropagator<KafkaJS.Message, KafkaJS.KafkaMessage & { headers?: never }>(options, INSTRUMENTATION_SCOPE) as unknown as MessagePropagator;
}
