import type { Message, MessageToProduce } from '@platformatic/kafka';
import type { MessagePropagatorOptions } from '@tracecarrier/core';
import { pltMessagePropagator, type PltExtractedMessage, type PltForm, type PltMessageOrigin, type PltMessagePropagator } from '@tracecarrier/core/binding';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** Options of {@link createMessagePropagator}: the carriers' settings, and the form headers and envelopes are written in. */
export interface PlatformaticMessagePropagatorOptions extends MessagePropagatorOptions {
  /** `buffer` (default: the client's default serializers take Buffers) or `string` (`stringSerializers`). */
  readonly form?: PltForm;
}

/**
 * Manual inject/extract for @platformatic/kafka messages: `inject(topic, message, context?)` gives a
 * copy of the message carrying the context (headers in the caller's shape), `extract(message,
 * origin?)` reads a received message's context and unwraps its envelope (never throws).
 */
export type PlatformaticMessagePropagator<Key = Buffer, Value = Buffer, HeaderKey = Buffer, HeaderValue = Buffer> = PltMessagePropagator<
  MessageToProduce<Key, Value, HeaderKey, HeaderValue>,
  Message<Key, Value, HeaderKey, HeaderValue>
>;

/** The result of a {@link PlatformaticMessagePropagator}'s `extract`. */
export type ExtractedMessage<M> = PltExtractedMessage<M>;

/** Where a received message came from, for diagnostics. */
export type MessageOrigin = PltMessageOrigin;

/**
 * Creates a {@link PlatformaticMessagePropagator}; options are validated once, here.
 *
 * @example
 * ```ts
 * const propagator = createMessagePropagator({ producer: { mode: 'envelope' } });
 * const carried = propagator.inject('orders', { topic: 'orders', value: Buffer.from('{"id":1}') });
 * ```
 */
export function createMessagePropagator<Key = Buffer, Value = Buffer, HeaderKey = Buffer, HeaderValue = Buffer>(
  options: PlatformaticMessagePropagatorOptions = {},
): PlatformaticMessagePropagator<Key, Value, HeaderKey, HeaderValue> {
  const { form, ...rest } = options;
  return pltMessagePropagator(rest, INSTRUMENTATION_SCOPE, form === undefined ? {} : { serializers: form }) as unknown as PlatformaticMessagePropagator<Key, Value, HeaderKey, HeaderValue>;
}
