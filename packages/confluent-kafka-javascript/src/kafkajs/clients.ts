import type { KafkaJS } from '@confluentinc/kafka-javascript';
import {
  traceKjsConsumer,
  traceKjsProducer,
  type KJS_TRACED,
  type KjsConsumerHookInfo,
  type KjsConsumerOptions,
  type KjsProducerHookInfo,
  type KjsProducerOptions,
  type KjsTracedEachBatchPayload,
} from '@tracecarrier/core/binding';
import { INSTRUMENTATION_SCOPE } from '../version.js';

/** What a `producerHook` receives: the topic and the caller's message, as given to `send`. */
export type ProducerHookInfo = KjsProducerHookInfo<KafkaJS.Message>;
/** Options of {@link traceProducer}: tracecarrier's, plus the client identity and `transactionalId` for span attributes. */
export type ProducerOptions = KjsProducerOptions<KafkaJS.Message>;
/** What a `consumerHook` receives: topic, partition and the message as the handler sees it. */
export type ConsumerHookInfo = KjsConsumerHookInfo<KafkaJS.KafkaMessage>;
/** Options of {@link traceConsumer}: tracecarrier's, plus the client identity and `groupId` for span attributes. */
export type ConsumerOptions = KjsConsumerOptions<KafkaJS.KafkaMessage>;
/** The `eachBatch` payload of a traced consumer: the client's, plus `processMessage(message, fn)`. */
export type TracedEachBatchPayload = KjsTracedEachBatchPayload<KafkaJS.EachBatchPayload, KafkaJS.KafkaMessage>;

/** `run` configuration of a {@link TracedConsumer}: `eachBatch` receives a {@link TracedEachBatchPayload}. */
export interface TracedConsumerRunConfig extends Omit<KafkaJS.ConsumerRunConfig, 'eachBatch'> {
  /** The client's `eachBatch`, under a batch span, with `processMessage`. */
  eachBatch?: (payload: TracedEachBatchPayload) => Promise<void>;
}

/** A KafkaJS-API `Consumer` of the client whose `run` traces each message or batch. */
export type TracedConsumer = Omit<KafkaJS.Consumer, 'run'> & {
  /** Brands consumers that tracecarrier wrapped. */
  readonly [KJS_TRACED]: true;
  /** The client's `run`, each message (or batch) in its own span. */
  run(config?: TracedConsumerRunConfig): Promise<void>;
};

/**
 * Traces a producer of the client's KafkaJS-compatible API: `send`, `sendBatch` and a
 * transaction's sends in producer spans whose context each message carries; `commit`/`abort` in
 * `commit_transaction` / `abort_transaction` spans. The result is the same `KafkaJS.Producer` type.
 */
export function traceProducer(producer: KafkaJS.Producer, options?: ProducerOptions): KafkaJS.Producer {
  return traceKjsProducer(producer, options as KjsProducerOptions<never>, INSTRUMENTATION_SCOPE, '@confluentinc/kafka-javascript KafkaJS');
}

/**
 * Traces a consumer of the client's KafkaJS-compatible API: `eachMessage` runs in the message's
 * CONSUMER `process` span, `eachBatch` in a batch span (with `processMessage` for per-message spans).
 */
export function traceConsumer(consumer: KafkaJS.Consumer, options?: ConsumerOptions): TracedConsumer {
  return traceKjsConsumer<KafkaJS.Consumer, TracedConsumer>(consumer, options as KjsConsumerOptions<never>, INSTRUMENTATION_SCOPE, '@confluentinc/kafka-javascript KafkaJS');
}
