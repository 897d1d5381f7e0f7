import RdKafka from 'node-rdkafka';
import type { ProducerGlobalConfig, ProducerTopicConfig } from 'node-rdkafka';
import { tracedHighLevelProducerClass } from '@tracecarrier/core/binding';
import { BINDING } from './binding.js';
import type { RdkafkaProducerOptions } from './producer.js';

/**
 * A node-rdkafka `HighLevelProducer` whose `produce` traces each message; the `send` span ends when
 * the delivery callback fires, with the offset or the error. Values are carried as given: in
 * `envelope`/`both` mode they must already be bytes (Buffer, string or null), so a custom value
 * serializer is refused in those modes (`setValueSerializer` throws `invalid-options`).
 */
export class TracedHighLevelProducer extends tracedHighLevelProducerClass(RdKafka.HighLevelProducer, BINDING) {
  constructor(conf: ProducerGlobalConfig, topicConf?: ProducerTopicConfig, options?: RdkafkaProducerOptions) {
    super(conf, topicConf, options);
  }
}
