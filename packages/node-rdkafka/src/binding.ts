import RdKafka from 'node-rdkafka';
import { librdkafkaErrorText, librdkafkaErrorType, type LibrdkafkaBinding } from '@tracecarrier/core/binding';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** What the class factories of core need to know about node-rdkafka. */
export const BINDING: LibrdkafkaBinding = {
  scope: INSTRUMENTATION_SCOPE,
  library: 'node-rdkafka',
  // Its delivery reports lose the error code and keep librdkafka's text, which names it.
  errorType: librdkafkaErrorType({ codes: RdKafka.CODES.ERRORS as Record<string, number>, text: librdkafkaErrorText('node-rdkafka/lib/error.js', import.meta.url) }),
};
