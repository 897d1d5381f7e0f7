import type { Message } from '@confluentinc/kafka-javascript';
import type { MessagePropagatorOptions } from '@tracecarrier/core';
import { rdMessagePropagator, type RdMessagePropagator } from '@tracecarrier/core/binding';
import { INSTRUMENTATION_SCOPE } from './version.js';

/**
 * Manual inject/extract for the callback API's messages: `inject(topic, message, context?)` gives
 * the value and a new headers array for `produce`, `extract(message, origin?)` reads a received
 * message's context and unwraps its envelope (never throws).
 */
export type ConfluentMessagePropagator = RdMessagePropagator<Message>;

/**
 * Creates a {@link ConfluentMessagePropagator}; options are validated once, here.
 *
 * @example
 * ```ts
 * const propagator = createMessagePropagator({ producer: { mode: 'envelope' } });
 * const { value, headers } = propagator.inject('orders', { value: Buffer.from('{"id":1}') });
 * ```
 */
export function createMessagePropagator(options: MessagePropagatorOptions = {}): ConfluentMessagePropagator {
  return rdMessagePropagator<Message>(options, INSTRUMENTATION_SCOPE);
}
