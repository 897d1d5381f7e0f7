import type { Context } from '@opentelemetry/api';
import type { Message, MessageHeader, MessageValue } from 'node-rdkafka';
import { manualCarrier, outgoingHeaderList, type ContextCarrier, type MessageCarrierOptions } from '@tracecarrier/core';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** The value and headers to pass to `produce` (or write to a `ProducerStream`). */
export interface CarriedArguments {
  readonly value: MessageValue;
  readonly headers: MessageHeader[] | undefined;
}

/** The result of {@link RdkafkaMessageCarrier.extract}. */
export interface ExtractedMessage {
  /** The extracted context (root-based): use it as parent or link of your own span. */
  readonly context: Context;
  /** The message as a handler should see it (envelope unwrapped); the same object when unchanged. */
  readonly message: Message;
  readonly carrier: ContextCarrier;
}

/** Manual inject/extract for node-rdkafka messages, e.g. with the stream APIs. */
export interface RdkafkaMessageCarrier {
  /** The value and a new headers array carrying `context` (default: the active context). No span is created. */
  inject(topic: string, value: MessageValue | string, headers?: MessageHeader[], context?: Context): CarriedArguments;
  /** Reads a received message's context and unwraps its envelope. Never throws. */
  extract(message: Message): ExtractedMessage;
}

/**
 * Creates a {@link RdkafkaMessageCarrier}; options are validated once, here.
 *
 * @example
 * ```ts
 * const carrier = createMessageCarrier({ producer: { mode: 'envelope' } });
 * const { value, headers } = carrier.inject('orders', Buffer.from('{"id":1}'));
 * producer.produce('orders', null, value, null, Date.now(), undefined, headers);
 * ```
 */
export function createMessageCarrier(options: MessageCarrierOptions = {}): RdkafkaMessageCarrier {
  const manual = manualCarrier(options, INSTRUMENTATION_SCOPE);
  return {
    inject(topic, value, headers, context) {
      const { carry, owned } = manual.carry(value, topic, context);
      const carried = typeof carry.value === 'string' ? Buffer.from(carry.value) : carry.value;
      return { value: carried ?? null, headers: outgoingHeaderList(headers, carry, owned) as MessageHeader[] | undefined };
    },
    extract(message) {
      const read = manual.read(message.headers, message.value, { topic: message.topic, partition: message.partition, offset: String(message.offset) });
      const handed = read.value === message.value ? message : { ...message, value: read.value as Buffer | null };
      return { context: read.context, message: handed, carrier: read.carrier };
    },
  };
}
