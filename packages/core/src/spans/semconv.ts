/**
 * The OpenTelemetry semantic-convention names the SDK emits, as our own constants: messaging
 * attributes are still incubating, and the semantic-conventions package asks users to copy
 * incubating names rather than import them (they may change between its minor versions).
 * `semconv.test.ts` checks every one against `@opentelemetry/semantic-conventions`.
 * Conventions version followed: {@link SEMCONV_VERSION}.
 *
 * Semantic conventions 1.45 renamed four of them (`messaging.system`, `messaging.kafka.offset`,
 * `messaging.kafka.message.key`, `messaging.kafka.message.tombstone`); both names are here, and
 * `OTEL_SEMCONV_STABILITY_OPT_IN` chooses which the SDK emits (see `semconv-stability.ts`).
 * @see https://opentelemetry.io/docs/specs/semconv/messaging/kafka/
 */

/** The semantic-conventions version these names and the span shapes follow. */
export const SEMCONV_VERSION = '1.44.0';

/** Attribute `messaging.batch.message_count`. */
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count' as const;
/** Attribute `messaging.client.id`. */
export const ATTR_MESSAGING_CLIENT_ID = 'messaging.client.id' as const;
/** Attribute `messaging.consumer.group.name`. */
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name' as const;
/** Attribute `messaging.destination.name`. */
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name' as const;
/** Attribute `messaging.destination.partition.id`. */
export const ATTR_MESSAGING_DESTINATION_PARTITION_ID = 'messaging.destination.partition.id' as const;
/**
 * Attribute `messaging.kafka.message.key`. Replaced by {@link ATTR_KAFKA_MESSAGE_KEY} in semantic
 * conventions 1.45; emitted in the `old` and `dup` modes (see `semconv-stability.ts`).
 */
export const ATTR_MESSAGING_KAFKA_MESSAGE_KEY = 'messaging.kafka.message.key' as const;
/**
 * Attribute `messaging.kafka.message.tombstone`. Replaced by {@link ATTR_KAFKA_MESSAGE_TOMBSTONE}
 * in semantic conventions 1.45; emitted in the `old` and `dup` modes (see `semconv-stability.ts`).
 */
export const ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE = 'messaging.kafka.message.tombstone' as const;
/**
 * Attribute `messaging.kafka.offset`. Replaced by {@link ATTR_KAFKA_OFFSET} in semantic
 * conventions 1.45; emitted in the `old` and `dup` modes (see `semconv-stability.ts`).
 */
export const ATTR_MESSAGING_KAFKA_OFFSET = 'messaging.kafka.offset' as const;
/** Attribute `messaging.message.body.size`. */
export const ATTR_MESSAGING_MESSAGE_BODY_SIZE = 'messaging.message.body.size' as const;
/** Attribute `messaging.message.envelope.size`. */
export const ATTR_MESSAGING_MESSAGE_ENVELOPE_SIZE = 'messaging.message.envelope.size' as const;
/** Attribute `messaging.operation.name`. */
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name' as const;
/** Attribute `messaging.operation.type`. */
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type' as const;
/**
 * Attribute `messaging.system`. Replaced by {@link ATTR_MESSAGING_SYSTEM_NAME} in semantic
 * conventions 1.45; emitted in the `old` and `dup` modes (see `semconv-stability.ts`).
 */
export const ATTR_MESSAGING_SYSTEM = 'messaging.system' as const;
/** Value `create`. */
export const MESSAGING_OPERATION_TYPE_VALUE_CREATE = 'create' as const;
/** Value `process`. */
export const MESSAGING_OPERATION_TYPE_VALUE_PROCESS = 'process' as const;
/** Value `send`. */
export const MESSAGING_OPERATION_TYPE_VALUE_SEND = 'send' as const;
/** Value `kafka` (of `messaging.system`). */
export const MESSAGING_SYSTEM_VALUE_KAFKA = 'kafka' as const;
// Semantic conventions 1.45: the replacements of the four names above, emitted in the `new` mode
// (instead of them) and the `dup` mode (beside them); see `semconv-stability.ts`.
/** Attribute `messaging.system.name` (semantic conventions 1.45; replaces `messaging.system`). */
export const ATTR_MESSAGING_SYSTEM_NAME = 'messaging.system.name' as const;
/** Value `kafka` of `messaging.system.name` (semantic conventions 1.45). */
export const MESSAGING_SYSTEM_NAME_VALUE_KAFKA = 'kafka' as const;
/** Attribute `kafka.offset` (semantic conventions 1.45; replaces `messaging.kafka.offset`). */
export const ATTR_KAFKA_OFFSET = 'kafka.offset' as const;
/** Attribute `kafka.message.key` (semantic conventions 1.45; replaces `messaging.kafka.message.key`). */
export const ATTR_KAFKA_MESSAGE_KEY = 'kafka.message.key' as const;
/** Attribute `kafka.message.tombstone` (semantic conventions 1.45; replaces `messaging.kafka.message.tombstone`). */
export const ATTR_KAFKA_MESSAGE_TOMBSTONE = 'kafka.message.tombstone' as const;
// Stable attributes.
/** Attribute `error.type`. */
export const ATTR_ERROR_TYPE = 'error.type' as const;
/** Attribute `server.address`. */
export const ATTR_SERVER_ADDRESS = 'server.address' as const;
/** Attribute `server.port`. */
export const ATTR_SERVER_PORT = 'server.port' as const;

/** Metric `messaging.client.operation.duration` (histogram, s). */
export const METRIC_MESSAGING_CLIENT_OPERATION_DURATION = 'messaging.client.operation.duration' as const;
/** Metric `messaging.client.sent.messages` (counter, {message}). */
export const METRIC_MESSAGING_CLIENT_SENT_MESSAGES = 'messaging.client.sent.messages' as const;
/** Metric `messaging.client.consumed.messages` (counter, {message}). */
export const METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES = 'messaging.client.consumed.messages' as const;
/** Metric `messaging.process.duration` (histogram, s). */
export const METRIC_MESSAGING_PROCESS_DURATION = 'messaging.process.duration' as const;
