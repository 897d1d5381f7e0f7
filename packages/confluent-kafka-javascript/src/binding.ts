import Confluent from '@confluentinc/kafka-javascript';
import { librdkafkaErrorText, librdkafkaErrorType, type LibrdkafkaBinding } from '@tracecarrier/core/binding';
import { INSTRUMENTATION_SCOPE } from './version.js';

const codes = Confluent.CODES.ERRORS as unknown as Record<string, number>;

/** What the class factories of core need to know about @confluentinc/kafka-javascript (a node-rdkafka fork). */
export const BINDING: LibrdkafkaBinding = {
  scope: INSTRUMENTATION_SCOPE,
  library: '@confluentinc/kafka-javascript',
  errorType: librdkafkaErrorType({ codes, text: librdkafkaErrorText('@confluentinc/kafka-javascript/lib/error.js', import.meta.url) }),
};
