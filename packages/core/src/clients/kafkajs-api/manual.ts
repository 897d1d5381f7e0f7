import type { Context } from '@opentelemetry/api';
import type { MessagePropagatorOptions } from '../../pipeline/manual-propagation.js';
import { handOver } from '../../pipeline/carried.js';
import { manualPropagation } from '../../pipeline/manual-propagation.js';
import type { InstrumentationScope } from '../../pipeline/runtime.js';
import { carriedMessage } from './message.js';
import type { KjsMessage, KjsReceivedMessage } from './types.js';

/** The result of {@link KjsMessagePropagator.extract}. */
export interface KjsExtractedMessage<M> {
  /** The extracted context (root-based): use it as parent or link of your own span. */
  readonly context: Context;
  /** The message as a handler should see it (envelope unwrapped); the same object when unchanged. */
  readonly message: M;
  /** The name of the carrier that carried the context (`headers`, `json-envelope`, …), or `none`. */
  readonly carrier: string;
}

/** Where a received message came from, for diagnostics. */
export interface KjsMessageOrigin {
  readonly topic?: string;
  readonly partition?: number;
}

/**
 * Manual inject/extract for applications that run their own consume loop or build their own spans.
 * Every binding's manual API takes the same arguments in the same order: `inject(topic, message,
 * context?)` and `extract(message, origin?)`.
 */
export interface KjsMessagePropagator<Out = KjsMessage, In = KjsReceivedMessage> {
  /**
   * Returns a copy of `message` carrying `context` (default: the active context) for `topic`, with
   * the configured producer carriers. No span is created; the caller's message is not modified.
   */
  inject(topic: string, message: Out, context?: Context): Out;
  /** Reads the context of a received message and unwraps its envelope. Never throws. */
  extract<M extends In | Out>(message: M, origin?: KjsMessageOrigin): KjsExtractedMessage<M>;
}

/** Creates a {@link KjsMessagePropagator} for KafkaJS-API messages. Options are validated once, here. */
export function kjsMessagePropagator<Out extends KjsMessage, In extends KjsReceivedMessage>(options: MessagePropagatorOptions, scope: InstrumentationScope): KjsMessagePropagator<Out, In> {
  const manual = manualPropagation(options, scope);
  return {
    inject(topic, message, context) {
      const { carry, owned } = manual.carry({ topic, key: message.key, value: message.value, headers: message.headers }, context);
      return carriedMessage(message, carry, owned);
    },
    extract(message, origin = {}) {
      const offset = (message as Partial<KjsReceivedMessage>).offset;
      const read = manual.read({
        topic: origin.topic ?? '',
        partition: origin.partition,
        offset,
        key: message.key,
        value: message.value,
        headers: message.headers as never,
      });
      return { context: read.context, message: handOver(message, read), carrier: read.carrier };
    },
  };
}
