import type { Context } from '@opentelemetry/api';
import { outgoingHeaderList } from '../../headers/outgoing-headers.js';
import { handOver } from '../../pipeline/carried.js';
import { manualPropagation, type MessagePropagatorOptions } from '../../pipeline/manual-propagation.js';
import type { InstrumentationScope } from '../../pipeline/runtime.js';
import type { RdHeader, RdMessage } from './types.js';

type MessageHeader = RdHeader;
type MessageKey = Buffer | string | null | undefined;
type MessageValue = Buffer | null;

/** An outgoing message as `produce` takes it: value, and optionally key and headers. */
export interface RdOutgoingArguments {
  readonly value: MessageValue | string;
  readonly key?: MessageKey;
  readonly headers?: MessageHeader[] | undefined;
}

/** The value and headers to pass to `produce` (or write to a `ProducerStream`). */
export interface RdCarriedArguments {
  readonly value: MessageValue;
  readonly headers: MessageHeader[] | undefined;
}

/** The result of {@link RdMessagePropagator.extract}. */
export interface RdExtractedMessage<M = RdMessage> {
  /** The extracted context (root-based): use it as parent or link of your own span. */
  readonly context: Context;
  /** The message as a handler should see it (envelope unwrapped); the same object when unchanged. */
  readonly message: M;
  /** The name of the carrier that carried the context (`headers`, `json-envelope`, …), or `none`. */
  readonly carrier: string;
}

/** Where a received message came from, for diagnostics (node-rdkafka messages say it themselves). */
export interface RdMessageOrigin {
  readonly topic?: string;
  readonly partition?: number;
}

/**
 * Manual inject/extract for node-rdkafka messages, e.g. with the stream APIs. Every binding's manual
 * API takes the same arguments in the same order: `inject(topic, message, context?)` and
 * `extract(message, origin?)`.
 */
export interface RdMessagePropagator<M = RdMessage> {
  /** The value and a new headers array carrying `context` (default: the active context). No span is created. */
  inject(topic: string, message: RdOutgoingArguments, context?: Context): RdCarriedArguments;
  /** Reads a received message's context and unwraps its envelope. Never throws. */
  extract(message: M, origin?: RdMessageOrigin): RdExtractedMessage<M>;
}

/** Creates a {@link RdMessagePropagator} for librdkafka-API messages; options are validated once, here. */
export function rdMessagePropagator<M extends RdMessage>(options: MessagePropagatorOptions, scope: InstrumentationScope): RdMessagePropagator<M> {
  const manual = manualPropagation(options, scope);
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
