import Confluent from '@confluentinc/kafka-javascript';
import type { ProducerGlobalConfig, ProducerTopicConfig } from '@confluentinc/kafka-javascript';
import { tracedHighLevelProducerClass, tracedProducerClass, type RdProducerOptions } from '@tracecarrier/core/binding';
import { BINDING } from './binding.js';

/** Options of {@link TracedProducer} and {@link TracedHighLevelProducer}. */
export type ConfluentProducerOptions = RdProducerOptions;

/**
 * The client's node-rdkafka-compatible `Producer`, tracing each `produce` in a PRODUCER
 * `send <topic>` span whose context is carried in the headers argument (or an envelope); with
 * delivery reports on (`dr_cb`/`dr_msg_cb`) the span ends at the report, with partition and offset
 * or the error. With a `transactional.id`, `commitTransaction`/`abortTransaction` run in
 * `commit_transaction` / `abort_transaction` spans linked to the transaction's messages. Everything
 * else is the client's own.
 *
 * @example
 * ```ts
 * const producer = new TracedProducer({ 'bootstrap.servers': 'localhost:9092', dr_cb: true }, {}, { mode: 'headers' });
 * producer.connect();
 * producer.on('ready', () => producer.produce('orders', null, Buffer.from('{"id":1}'), 'o-1'));
 * ```
 */
export class TracedProducer extends tracedProducerClass(Confluent.Producer, BINDING) {
  constructor(conf: ProducerGlobalConfig, topicConf?: ProducerTopicConfig, options?: ConfluentProducerOptions) {
    super(conf, topicConf, options);
  }
}

/**
 * The client's `HighLevelProducer`, tracing each `produce`; the `send` span ends when the delivery
 * callback fires. A custom value serializer is refused when a carrier writes the value.
 */
export class TracedHighLevelProducer extends tracedHighLevelProducerClass(Confluent.HighLevelProducer, BINDING) {
  constructor(conf: ProducerGlobalConfig, topicConf?: ProducerTopicConfig, options?: ConfluentProducerOptions) {
    super(conf, topicConf, options);
  }
}
