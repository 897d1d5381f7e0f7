import type { Context } from '@opentelemetry/api';
import type { Message, MessageHeader, MessageKey, MessageValue } from 'node-rdkafka';
import type { MessagePropagatorOptions } from '@tracecarrier/core';
import { handOver, manualPropagation, outgoingHeaderList } from '@tracecarrier/core/binding';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** An outgoing message as `produce` takes it: value, and optionally key and headers. */
export interface OutgoingArguments {
  readonly value: MessageValue | string;
  readonly key?: MessageKey;
  readonly headers?: MessageHeader[] | undefined;
}

/** The value and headers to pass to `produce` (or write to a `ProducerStream`). */
export interface CarriedArguments {
  readonly value: MessageValue;
  readonly headers: MessageHeader[] | undefined;
}

/** The result of {@link RdkafkaMessagePropagator.extract}. */
export interface ExtractedMessage {
  /** The extracted context (root-based): use it as parent or link of your own span. */
  readonly context: Context;
  /** The message as a handler should see it (envelope unwrapped); the same object when unchanged. */
  readonly message: Message;
  /** The name of the carrier that carried the context (`headers`, `json-envelope`, …), or `none`. */
  readonly carrier: string;
}

/** Where a received message came from, for diagnostics (node-rdkafka messages say it themselves). */
export interface MessageOrigin {
  readonly topic?: string;
  readonly partition?: number;
}

/**
 * Manual inject/extract for node-rdkafka messages, e.g. with the stream APIs. Every binding's manual
 * API takes the same arguments in the same order: `inject(topic, message, context?)` and
 * `extract(message, origin?)`.
 */
export interface RdkafkaMessagePropagator {
  /** The value and a new headers array carrying `context` (default: the active context). No span is created. */
  inject(topic: string, message: OutgoingArguments, context?: Context): CarriedArguments;
  /** Reads a received message's context and unwraps its envelope. Never throws. */
  extract(message: Message, origin?: MessageOrigin): ExtractedMessage;
}

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
  const manual = manualPropagation(options, INSTRUMENTATION_SCOPE);
  return {
    inject(topic, message, context) {
      const { carry, owned } = manual.carry({ topic, key: message.key, value: message.value, headers: message.headers }, context);
      const carried = typeof carry.value === 'string' ? Buffer.from(carry.value) : carry.value;
      return { value: carried ?? null, headers: outgoingHeaderList(message.headers, carry, owned) as MessageHeader[] | undefined };
    },
    extract(message, origin = {}) {
      const read = manual.read({
        topic: message.topic ?? origin.topic,
        partition: message.partition ?? origin.partition,
        offset: String(message.offset),
        key: message.key,
        value: message.value,
        headers: message.headers,
      });
      return { context: read.context, message: handOver(message, read), carrier: read.carrier };
    },
  };
}
