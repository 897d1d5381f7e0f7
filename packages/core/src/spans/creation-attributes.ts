import type { Attributes } from '@opentelemetry/api';
import type { ClientIdentity } from './client-identity.js';
import { addSystem } from './renamed-attributes.js';
import {
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  MESSAGING_OPERATION_TYPE_VALUE_CREATE,
  MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
  MESSAGING_OPERATION_TYPE_VALUE_SEND,
} from './semconv.js';
import { messagingSemconvMode, onMessagingSemconvModeChange, type MessagingSemconvMode } from './semconv-stability.js';

/**
 * What a message span starts with: its name and the attributes the messaging conventions call
 * sampling-relevant ("SHOULD be provided at span creation time": system, operation name and type,
 * destination, partition, consumer group, server address and port), with the client id beside
 * them. They depend only on the client, the operation, the topic and the partition, so each set is
 * built once and shared by every span that starts with it (the SDK copies a span's attributes; the
 * sets are frozen). The per-message attributes (offset, key, sizes, tombstone, carrier) are built
 * only for a span that records: a sampled-out message costs no attribute object at all.
 *
 * The system attribute's name (`messaging.system`, `messaging.system.name` or both, see
 * semconv-stability.ts) is the mode's when the set is built: a message never looks at the mode.
 */
export interface SpanStart {
  readonly name: string;
  readonly attributes: Attributes;
}

type Operation = 'send' | 'create' | 'process';

// Per client identity (one per wrapper) and operation: by topic, then by partition (-1: none).
// Built under the mode in force; dropped if a test puts another mode in force.
let starts = new WeakMap<ClientIdentity, Record<Operation, Map<string, Map<number, SpanStart>>>>();
onMessagingSemconvModeChange(() => {
  starts = new WeakMap();
});

/** The start of `operation`'s span for a message of `topic`/`partition` from the client `identity`. */
export function spanStart(operation: Operation, topic: string, partition: number | null | undefined, identity: ClientIdentity): SpanStart {
  let byOperation = starts.get(identity);
  if (byOperation === undefined) starts.set(identity, (byOperation = { send: new Map(), create: new Map(), process: new Map() }));
  const byTopic = byOperation[operation];
  let byPartition = byTopic.get(topic);
  if (byPartition === undefined) byTopic.set(topic, (byPartition = new Map()));
  const key = partition === undefined || partition === null ? -1 : partition;
  let start = byPartition.get(key);
  if (start === undefined) {
    start = Object.freeze({ name: `${operation} ${topic}`, attributes: Object.freeze(attributesOf(operation, topic, key, identity, messagingSemconvMode())) });
    byPartition.set(key, start);
  }
  return start;
}

function attributesOf(operation: Operation, topic: string, partition: number, identity: ClientIdentity, mode: MessagingSemconvMode): Attributes {
  const attributes: Attributes = {};
  addSystem(attributes, mode);
  attributes[ATTR_MESSAGING_OPERATION_NAME] = operation;
  attributes[ATTR_MESSAGING_OPERATION_TYPE] = operation === 'send' ? MESSAGING_OPERATION_TYPE_VALUE_SEND : operation === 'create' ? MESSAGING_OPERATION_TYPE_VALUE_CREATE : MESSAGING_OPERATION_TYPE_VALUE_PROCESS;
  attributes[ATTR_MESSAGING_DESTINATION_NAME] = topic;
  if (partition >= 0) attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = String(partition);
  if (identity.groupId !== undefined && operation === 'process') attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = identity.groupId;
  if (identity.clientId !== undefined) attributes[ATTR_MESSAGING_CLIENT_ID] = identity.clientId;
  if (identity.serverAddress !== undefined) attributes[ATTR_SERVER_ADDRESS] = identity.serverAddress;
  if (identity.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = identity.serverPort;
  return attributes;
}
