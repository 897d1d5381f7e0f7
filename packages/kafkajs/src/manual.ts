import type { Context } from '@opentelemetry/api';
import type { KafkaMessage, Message } from 'kafkajs';
import { manualCarrier, type ContextCarrier, type MessageCarrierOptions } from '@tracecarrier/core';
import { carriedMessage } from './message.js';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** The result of {@link MessageCarrier.extract}. */
export interface ExtractedMessage<M extends KafkaMessage | Message> {
  /** The extracted context (root-based): use it as parent or link of your own span. */
  readonly context: Context;
  /** The message as a handler should see it (envelope unwrapped); the same object when unchanged. */
  readonly message: M;
  /** Where the context came from. */
  readonly carrier: ContextCarrier;
}

/** Manual inject/extract for applications that run their own consume loop or build their own spans. */
export interface MessageCarrier {
  /**
   * Returns a copy of `message` carrying `context` (default: the active context) for `topic`, in the
   * configured producer mode. No span is created.
   */
  inject(message: Message, topic: string, context?: Context): Message;
  /** Reads the context of a received message and unwraps its envelope. Never throws. */
  extract<M extends KafkaMessage | Message>(message: M, origin?: { topic?: string; partition?: number }): ExtractedMessage<M>;
}

/**
 * Creates a {@link MessageCarrier}. Options are validated once, here.
 *
 * @example
 * ```ts
 * const carrier = createMessageCarrier({ producer: { mode: 'envelope' } });
 * await producer.send({ topic, messages: [carrier.inject({ value: 'hi' }, topic)] });
 * const { context, message } = carrier.extract(received);
 * ```
 */
export function createMessageCarrier(options: MessageCarrierOptions = {}): MessageCarrier {
  const manual = manualCarrier(options, INSTRUMENTATION_SCOPE);
  return {
    inject(message, topic, context) {
      const { carry, owned } = manual.carry(message.value, topic, context);
      return carriedMessage(message, carry, owned);
    },
    extract(message, origin = {}) {
      const offset = (message as Partial<KafkaMessage>).offset;
      const read = manual.read(message.headers, message.value, { ...origin, ...(offset === undefined ? {} : { offset }) });
      const handed = read.value === message.value ? message : ({ ...message, value: read.value } as typeof message);
      return { context: read.context, message: handed, carrier: read.carrier };
    },
  };
}
