import RdKafka from 'node-rdkafka';
import type { ProducerGlobalConfig, ProducerTopicConfig } from 'node-rdkafka';
import { tracedProducerClass, type RdProducerOptions } from '@tracecarrier/core/binding';
import { BINDING } from './binding.js';

/** Options of {@link TracedProducer} and {@link TracedHighLevelProducer}. */
export type RdkafkaProducerOptions = RdProducerOptions;

/**
 * A node-rdkafka `Producer` whose `produce` traces each message: a PRODUCER `send <topic>` span whose
 * context is carried in the headers argument (or an envelope). With delivery reports on (`dr_cb` or
 * `dr_msg_cb`), the span ends at the report with partition and offset, or with the delivery error;
 * otherwise when `produce` returns. With `delivery.report.only.error`, successful sends get no report,
 * so spans end when `produce` returns and nothing is held per message. Your `delivery-report`
 * listeners still see your own `opaque`. Spans still waiting for a report when the producer
 * disconnects are ended with an error. With a `transactional.id`, `commitTransaction` and
 * `abortTransaction` run in `commit_transaction` / `abort_transaction` spans linked to the messages
 * produced since `beginTransaction`.
 *
 * @example
 * ```ts
 * const producer = new TracedProducer({ 'metadata.broker.list': 'localhost:9092', dr_cb: true }, {}, { mode: 'headers' });
 * producer.connect();
 * producer.on('ready', () => producer.produce('orders', null, Buffer.from('{"id":1}'), 'o-1'));
 * ```
 */
export class TracedProducer extends tracedProducerClass(RdKafka.Producer, BINDING) {
  constructor(conf: ProducerGlobalConfig, topicConf?: ProducerTopicConfig, options?: RdkafkaProducerOptions) {
    super(conf, topicConf, options);
  }
}
