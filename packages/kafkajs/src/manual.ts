import type { Context } from '@opentelemetry/api';
import type { KafkaMessage, Message } from 'kafkajs';
import type { MessagePropagatorOptions } from '@tracecarrier/core';
import { handOver, manualPropagation } from '@tracecarrier/core/binding';
import { carriedMessage } from './message.js';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** The result of {@link MessagePropagator.extract}. */
export interface ExtractedMessage<M extends KafkaMessage | Message> {
  /** The extracted context (root-based): use it as parent or link of your own span. */
  readonly context: Context;
  /** The message as a handler should see it (envelope unwrapped); the same object when unchanged. */
  readonly message: M;
  /** The name of the carrier that carried the context (`headers`, `json-envelope`, …), or `none`. */
  readonly carrier: string;
}

/** Where a received message came from, for diagnostics. */
export interface MessageOrigin {
  readonly topic?: string;
  readonly partition?: number;
}

/**
 * Manual inject/extract for applications that run their own consume loop or build their own spans.
 * Every binding's manual API takes the same arguments in the same order: `inject(topic, message,
 * context?)` and `extract(message, origin?)`.
 */
export interface MessagePropagator {
  /**
   * Returns a copy of `message` carrying `context` (default: the active context) for `topic`, with
   * the configured producer carriers. No span is created; the caller's message is not modified.
   */
  inject(topic: string, message: Message, context?: Context): Message;
  /** Reads the context of a received message and unwraps its envelope. Never throws. */
  extract<M extends KafkaMessage | Message>(message: M, origin?: MessageOrigin): ExtractedMessage<M>;
}

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
  const manual = manualPropagation(options, INSTRUMENTATION_SCOPE);
  return {
    inject(topic, message, context) {
      const { carry, owned } = manual.carry({ topic, key: message.key, value: message.value, headers: message.headers }, context);
      return carriedMessage(message, carry, owned);
    },
    extract(message, origin = {}) {
      const offset = (message as Partial<KafkaMessage>).offset;
      const read = manual.read({
        topic: origin.topic ?? '',
        partition: origin.partition,
        offset,
        key: message.key,
        value: message.value,
        headers: message.headers,
      });
      return { context: read.context, message: handOver(message, read), carrier: read.carrier };
    },
  };
}
