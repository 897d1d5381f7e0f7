import type { KafkaMessage, Message } from 'kafkajs';
import type { MessagePropagatorOptions } from '@tracecarrier/core';
import { kjsMessagePropagator, type KjsExtractedMessage, type KjsMessageOrigin, type KjsMessagePropagator } from '@tracecarrier/core/binding';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** The result of `MessagePropagator.extract`: the context, the message as a handler sees it, the carrier's name. */
export type ExtractedMessage<M extends KafkaMessage | Message> = KjsExtractedMessage<M>;

/** Where a received message came from, for diagnostics. */
export type MessageOrigin = KjsMessageOrigin;

/**
 * Manual inject/extract for applications that run their own consume loop or build their own spans:
 * `inject(topic, message, context?)` returns a copy carrying the context, `extract(message, origin?)`
 * reads it back and unwraps envelopes (never throws).
 */
export type MessagePropagator = KjsMessagePropagator<Message, KafkaMessage>;

/**
 * Creates a {@link MessagePropagator}. Options are validated once, here.
 *
 * @example
 * ```ts
 * const propagator = createMessagePropagator({ producer: { mode: 'envelope' } });
 * await producer.send({ topic, messages: [propagator.inject(topic, { value: 'hi' })] });
 * const { context, message } = propagator.extract(received);
 * ```
 */
export function createMessagePropagator(options: MessagePropagatorOptions = {}): MessagePropagator {
  return kjsMessagePropagator<Message, KafkaMessage & { headers?: never }>(options, INSTRUMENTATION_SCOPE) as unknown as MessagePropagator;
}
