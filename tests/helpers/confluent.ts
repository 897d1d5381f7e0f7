import { KafkaJS } from '@tracecarrier/confluent-kafka-javascript';
import { brokers } from './kafka.js';

/** A traced KafkaJS-API client of @confluentinc/kafka-javascript for the suite's broker, quiet. */
export function confluentKafka(clientId: string, options?: KafkaJS.TracedKafkaOptions): KafkaJS.TracedKafka {
  // logLevel 0 (NOTHING): the client's default logger writes every retry to the console.
  return new KafkaJS.TracedKafka({ kafkaJS: { clientId, brokers: brokers(), logLevel: 0 } }, options);
}
