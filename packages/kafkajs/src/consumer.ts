import type { Consumer, ConsumerRunConfig, EachBatchPayload, KafkaMessage } from 'kafkajs';
import {
  traceKjsConsumer,
  type KJS_TRACED,
  type KjsConsumerHookInfo,
  type KjsConsumerOptions,
  type KjsTracedEachBatchPayload,
} from '@tracecarrier/core/binding';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** What a `consumerHook` receives: where the message came from and the message as the handler sees it. */
export type ConsumerHookInfo = KjsConsumerHookInfo<KafkaMessage>;

/** Options of {@link traceConsumer}: the tracecarrier options, the client's identity and its `groupId`. */
export type KafkajsConsumerOptions = KjsConsumerOptions<KafkaMessage>;

/** The `eachBatch` payload of a traced consumer: kafkajs's, plus `processMessage(message, fn)` for per-message spans. */
export type TracedEachBatchPayload = KjsTracedEachBatchPayload<EachBatchPayload, KafkaMessage>;

/** `consumer.run` configuration of a traced consumer; `eachBatch` gets a {@link TracedEachBatchPayload}. */
export interface TracedConsumerRunConfig extends Omit<ConsumerRunConfig, 'eachBatch'> {
  /** kafkajs's `eachBatch`, run under a batch span, with `processMessage`. */
  eachBatch?: (payload: TracedEachBatchPayload) => Promise<void>;
}

/**
 * A kafkajs `Consumer` whose `run` traces each message (or batch). A plain kafkajs `Consumer` is not
 * one: the brand keeps code typed for a traced consumer (whose `eachBatch` relies on
 * `processMessage`) from being handed a plain one.
 */
export interface TracedConsumer extends Omit<Consumer, 'run'> {
  /** Brands consumers that tracecarrier wrapped. */
  readonly [KJS_TRACED]: true;
  /** kafkajs's `run`, with each message (or batch) processed in its own span. */
  run(config?: TracedConsumerRunConfig): Promise<void>;
}

/**
 * Wraps a kafkajs consumer: `run({ eachMessage })` gives each message a CONSUMER `process` span
 * whose context is active in the handler; `run({ eachBatch })` gives the batch a span linked to every
 * message's producer and a `processMessage` helper for per-message spans. Envelopes are unwrapped
 * before the handler sees the message. Everything else is the original consumer.
 *
 * @example
 * ```ts
 * const consumer = traceConsumer(kafka.consumer({ groupId: 'billing' }), { groupId: 'billing' });
 * await consumer.run({ eachMessage: async ({ message }) => handle(message) });
 * ```
 */
export function traceConsumer(consumer: Consumer, options?: KafkajsConsumerOptions): TracedConsumer {
  return traceKjsConsumer<Consumer, TracedConsumer>(consumer, options as KjsConsumerOptions<never>, INSTRUMENTATION_SCOPE, 'kafkajs');
}
