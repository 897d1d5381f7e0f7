import RdKafka from 'node-rdkafka';
import type { ConsumerGlobalConfig, ConsumerTopicConfig, Message } from 'node-rdkafka';
import { tracedConsumerClass, type RdConsumerHookInfo, type RdConsumerOptions } from '@tracecarrier/core/binding';
import { BINDING } from './binding.js';

/** What a `consumerHook` receives: the message as listeners see it (envelope unwrapped). */
export type ConsumerHookInfo = RdConsumerHookInfo<Message>;

/** Options of {@link TracedKafkaConsumer}. */
export type RdkafkaConsumerOptions = RdConsumerOptions<Message>;

/**
 * A node-rdkafka `KafkaConsumer` that traces what it delivers.
 * - Flowing mode (`consume()` and `'data'` listeners, or `consume(cb)`): one CONSUMER `process <topic>`
 *   span per message, active while the `'data'` listeners (and the callback) run, so spans they
 *   start are its children. The span ends when they return.
 * - Non-flowing mode (`consume(n, cb)`): `'data'` listeners still get a span per message; the batch
 *   callback runs under a batch `process` span linked to every message's producer, and
 *   `processMessage(message, fn)` runs per-message work under each message's own span.
 * Envelopes are unwrapped before anyone sees the message. Streams (`createReadStream`) are not
 * wrapped: use {@link createMessagePropagator} with them.
 *
 * @example
 * ```ts
 * const consumer = new TracedKafkaConsumer({ 'group.id': 'billing', 'metadata.broker.list': 'localhost:9092' }, {});
 * consumer.on('ready', () => { consumer.subscribe(['orders']); consumer.consume(); });
 * consumer.on('data', (message) => bill(message.value));
 * consumer.connect();
 * ```
 */
export class TracedKafkaConsumer extends tracedConsumerClass<typeof RdKafka.KafkaConsumer, Message>(RdKafka.KafkaConsumer, BINDING) {
  constructor(conf: ConsumerGlobalConfig, topicConf?: ConsumerTopicConfig, options?: RdkafkaConsumerOptions) {
    super(conf, topicConf ?? {}, options);
  }
}
