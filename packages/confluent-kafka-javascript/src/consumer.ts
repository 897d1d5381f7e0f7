import Confluent from '@confluentinc/kafka-javascript';
import type { ConsumerGlobalConfig, ConsumerTopicConfig, Message } from '@confluentinc/kafka-javascript';
import { tracedConsumerClass, type RdConsumerHookInfo, type RdConsumerOptions } from '@tracecarrier/core/binding';
import { BINDING } from './binding.js';

/** What a `consumerHook` of {@link TracedKafkaConsumer} receives: the message as listeners see it. */
export type ConsumerHookInfo = RdConsumerHookInfo<Message>;

/** Options of {@link TracedKafkaConsumer}. */
export type ConfluentConsumerOptions = RdConsumerOptions<Message>;

/**
 * The client's node-rdkafka-compatible `KafkaConsumer`, tracing what it delivers: in flowing mode
 * each message gets a CONSUMER `process <topic>` span active while the `'data'` listeners (and the
 * callback) run; `consume(n, cb)` runs the callback under a batch span linked to every message's
 * producer, and `processMessage(message, fn)` runs per-message work under the message's own span.
 * Envelopes are unwrapped before anyone sees the message.
 *
 * @example
 * ```ts
 * const consumer = new TracedKafkaConsumer({ 'group.id': 'billing', 'bootstrap.servers': 'localhost:9092' }, {});
 * consumer.on('ready', () => { consumer.subscribe(['orders']); consumer.consume(); });
 * consumer.on('data', (message) => bill(message.value));
 * consumer.connect();
 * ```
 */
export class TracedKafkaConsumer extends tracedConsumerClass<typeof Confluent.KafkaConsumer, Message>(Confluent.KafkaConsumer, BINDING) {
  constructor(conf: ConsumerGlobalConfig, topicConf?: ConsumerTopicConfig, options?: ConfluentConsumerOptions) {
    super(conf, topicConf ?? {}, options);
  }
}
