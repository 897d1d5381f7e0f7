import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import type { MessageValue } from '../carriers/carrier.js';
import { keyText } from '../carriers/payload.js';
import type { IncomingRead } from '../pipeline/incoming.js';
import { validSpanContextOf } from '../propagation/propagation.js';
import type { ClientIdentity } from './client-identity.js';
import { spanStart } from './creation-attributes.js';
import { addOffset, addSystem, RENAMED_ATTRIBUTES } from './renamed-attributes.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_KAFKA_MESSAGE_KEY,
  ATTR_KAFKA_MESSAGE_TOMBSTONE,
  ATTR_KAFKA_OFFSET,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE,
  ATTR_MESSAGING_KAFKA_OFFSET,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_ENVELOPE_SIZE,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
  MESSAGING_OPERATION_TYPE_VALUE_SEND,
} from './semconv.js';
import { messagingSemconvMode, onMessagingSemconvModeChange, type MessagingSemconvMode } from './semconv-stability.js';

/**
 * How a consumer's process span relates to the producer's span.
 * - `parent` (default): child of the producer span (one connected trace), plus a link to it.
 * - `link`: a new trace whose root links to the producer span; for topics written by parties you
 *   do not trust.
 * - `ignore`: the incoming context is not used at all.
 */
export type Relationship = 'parent' | 'link' | 'ignore';

export type { ClientIdentity } from './client-identity.js';

/** What is known of one message when its span starts. */
export interface MessageFacts {
  readonly topic: string;
  /** The partition; `null` or absent when not chosen (a producer leaving it to the partitioner). */
  readonly partition?: number | null | undefined;
  readonly offset?: string | number | undefined;
  readonly key?: MessageValue;
  /** The payload as the application sees it (unwrapped). */
  readonly value: MessageValue;
  /** The wrapped value's size, when the message travelled in an envelope. */
  readonly envelopeSize?: number | undefined;
}

/** Attribute names tracecarrier adds beside the semantic conventions. */
export const TRACECARRIER_ATTRIBUTES = {
  /** The name of the carrier that carried the context of a processed message (`headers`, `json-envelope`, …), or `none`. */
  carrier: 'tracecarrier.carrier',
  /**
   * On a link: why it is there — `producer` (the message's producer span), `candidate` (one of
   * several disagreeing contexts the message carried), `ambient` (a span active in the consumer) or
   * `transaction` (a message of the producer transaction whose commit or abort span holds the link).
   */
  linkReason: 'tracecarrier.link.reason',
} as const;

// Undefined for a value that is not bytes yet (a HighLevelProducer's value before its serializer).
function byteLength(value: MessageValue): number | undefined {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string') return Buffer.byteLength(value);
  // Read once: on a Buffer it is a getter call, and this runs for every message.
  const size: unknown = value.byteLength;
  return typeof size === 'number' ? size : undefined;
}

function identityAttributes(attributes: Attributes, identity: ClientIdentity): void {
  if (identity.clientId !== undefined) attributes[ATTR_MESSAGING_CLIENT_ID] = identity.clientId;
  if (identity.serverAddress !== undefined) attributes[ATTR_SERVER_ADDRESS] = identity.serverAddress;
  if (identity.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = identity.serverPort;
}

type MessageDetails = (facts: MessageFacts) => Attributes;

/**
 * The per-message attributes beside a span's start (see creation-attributes.ts): size, offset, key,
 * tombstone, envelope size, with offset, key and tombstone under the given names. Built only for a
 * span that records.
 */
function messageDetailsNamed(offsetName: string, keyName: string, tombstoneName: string): MessageDetails {
  return (facts) => {
    const attributes: Attributes = {};
    const size = byteLength(facts.value);
    if (size !== undefined) attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = size;
    if (facts.offset !== undefined && facts.offset !== null) attributes[offsetName] = Number(facts.offset);
    const key = keyText(facts.key);
    if (key !== undefined) attributes[keyName] = key;
    if (facts.value === null || facts.value === undefined) attributes[tombstoneName] = true;
    if (facts.envelopeSize !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ENVELOPE_SIZE] = facts.envelopeSize;
    return attributes;
  };
}

const OLD_MESSAGE_DETAILS = messageDetailsNamed(ATTR_MESSAGING_KAFKA_OFFSET, ATTR_MESSAGING_KAFKA_MESSAGE_KEY, ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE);

// `dup` adds each of these under its 1.45 name too.
const RENAMED_DETAILS = [ATTR_MESSAGING_KAFKA_OFFSET, ATTR_MESSAGING_KAFKA_MESSAGE_KEY, ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE].map((name) => [name, RENAMED_ATTRIBUTES[name]] as const);

// One function per mode, picked when the mode is resolved: a message runs its mode's function and
// no test of the mode (`old` is the function of before semantic conventions 1.45).
const MESSAGE_DETAILS: Readonly<Record<MessagingSemconvMode, MessageDetails>> = {
  old: OLD_MESSAGE_DETAILS,
  new: messageDetailsNamed(ATTR_KAFKA_OFFSET, ATTR_KAFKA_MESSAGE_KEY, ATTR_KAFKA_MESSAGE_TOMBSTONE),
  dup: (facts) => {
    const attributes = OLD_MESSAGE_DETAILS(facts);
    for (const [name, renamed] of RENAMED_DETAILS) if (attributes[name] !== undefined) attributes[renamed] = attributes[name];
    return attributes;
  },
};

let messageDetails = MESSAGE_DETAILS[messagingSemconvMode()];
onMessagingSemconvModeChange((mode) => {
  messageDetails = MESSAGE_DETAILS[mode];
});

/**
 * Starts the PRODUCER span of a single-message send (`send <topic>`), or the per-message `create
 * <topic>` span of a batch send. Its context is what gets injected into the message.
 */
export function startProducerSpan(tracer: Tracer, operation: 'send' | 'create', facts: MessageFacts, identity: ClientIdentity, parent: Context): Span {
  const start = spanStart(operation, facts.topic, facts.partition, identity);
  const span = tracer.startSpan(start.name, { kind: SpanKind.PRODUCER, attributes: start.attributes }, parent);
  if (span.isRecording()) span.setAttributes(messageDetails(facts));
  return span;
}

/**
 * Starts the `send` span of a batch send, linked to every message's `create` span. It is a CLIENT
 * span: the messages' creation contexts are the `create` spans, and semantic conventions v1.44 make
 * a send span PRODUCER only when its own context is the one injected. The name carries the topic
 * when all messages go to one topic.
 */
export function startBatchSendSpan(tracer: Tracer, topics: readonly string[], links: Link[], identity: ClientIdentity, parent: Context): Span {
  const distinct = [...new Set(topics)];
  const attributes: Attributes = {};
  addSystem(attributes, messagingSemconvMode());
  attributes[ATTR_MESSAGING_OPERATION_NAME] = 'send';
  attributes[ATTR_MESSAGING_OPERATION_TYPE] = MESSAGING_OPERATION_TYPE_VALUE_SEND;
  attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = topics.length;
  if (distinct.length === 1) attributes[ATTR_MESSAGING_DESTINATION_NAME] = distinct[0] as string;
  identityAttributes(attributes, identity);
  const name = distinct.length === 1 ? `send ${distinct[0]}` : 'send';
  return tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, links }, parent);
}

// A link's attributes are copied by the SDK: one frozen object per reason serves every link.
const LINK_REASON = {
  producer: Object.freeze({ [TRACECARRIER_ATTRIBUTES.linkReason]: 'producer' }),
  candidate: Object.freeze({ [TRACECARRIER_ATTRIBUTES.linkReason]: 'candidate' }),
  ambient: Object.freeze({ [TRACECARRIER_ATTRIBUTES.linkReason]: 'ambient' }),
} as const;

function producerOf(read: IncomingRead<MessageValue>): SpanContext | undefined {
  if (!read.hasRemoteParent) return undefined;
  return read.remoteParent ?? validSpanContextOf(read.context);
}

/** A span and the context to run the application's code in (the span set on it). */
export interface ActiveSpan {
  readonly span: Span;
  readonly context: Context;
  /** Called once the span has ended, with the error when the work failed (process metrics hook here). */
  readonly onEnd?: ((error: unknown) => void) | undefined;
}

/**
 * Starts the CONSUMER `process <topic>` span of one message. With `parent`, the producer's span is
 * the parent (using the creation context as parent is allowed for single messages by the messaging
 * conventions) and also a link; with `link`, a new root linked to it; with `ignore`, a new root.
 * An ambient span active in the consumer is linked, never adopted as parent: a client's fetch loop
 * would otherwise leak one context into every message. Baggage from the message is kept in the
 * returned context except with `ignore`.
 */
export function startProcessSpan(
  tracer: Tracer,
  read: IncomingRead<MessageValue>,
  facts: MessageFacts,
  identity: ClientIdentity,
  relationship: Relationship,
  active: Context,
): ActiveSpan {
  const links: Link[] = [];
  let parent: Context = ROOT_CONTEXT;
  if (relationship !== 'ignore') {
    const producer = producerOf(read);
    if (producer !== undefined) links.push({ context: producer, attributes: LINK_REASON.producer });
    parent = relationship === 'parent' ? read.context : trace.deleteSpan(read.context);
  }
  if (relationship !== 'ignore' && read.candidates !== undefined) {
    for (const candidate of read.candidates) links.push({ context: candidate, attributes: LINK_REASON.candidate });
  }
  const ambient = ambientSpanContext(active);
  if (ambient !== undefined) links.push({ context: ambient, attributes: LINK_REASON.ambient });
  const start = spanStart('process', facts.topic, facts.partition, identity);
  const span = tracer.startSpan(start.name, { kind: SpanKind.CONSUMER, attributes: start.attributes, links }, parent);
  if (span.isRecording()) {
    const details = messageDetails(facts);
    details[TRACECARRIER_ATTRIBUTES.carrier] = read.carrier;
    span.setAttributes(details);
  }
  return { span, context: trace.setSpan(parent, span) };
}

// The root context (what a client's callbacks usually run in) holds no span: no lookup needed.
function ambientSpanContext(active: Context): SpanContext | undefined {
  return active === ROOT_CONTEXT ? undefined : validSpanContextOf(active);
}

/** A link to one message of a batch, with that message's own coordinates as link attributes. */
export function messageLink(read: IncomingRead<MessageValue>, facts: MessageFacts): Link | undefined {
  const producer = producerOf(read);
  if (producer === undefined) return undefined;
  const attributes: Attributes = { [ATTR_MESSAGING_DESTINATION_NAME]: facts.topic };
  if (facts.partition !== undefined && facts.partition !== null) attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = String(facts.partition);
  if (facts.offset !== undefined) addOffset(attributes, Number(facts.offset));
  return { context: producer, attributes };
}

/** Starts the CONSUMER `process <topic>` span of a whole batch, linked to each message's producer. */
export function startBatchProcessSpan(
  tracer: Tracer,
  batch: { readonly topic: string; readonly partition: number; readonly count: number },
  links: Link[],
  identity: ClientIdentity,
  active: Context,
): ActiveSpan {
  const ambient = ambientSpanContext(active);
  if (ambient !== undefined) links.push({ context: ambient, attributes: LINK_REASON.ambient });
  const attributes: Attributes = {};
  addSystem(attributes, messagingSemconvMode());
  attributes[ATTR_MESSAGING_OPERATION_NAME] = 'process';
  attributes[ATTR_MESSAGING_OPERATION_TYPE] = MESSAGING_OPERATION_TYPE_VALUE_PROCESS;
  attributes[ATTR_MESSAGING_DESTINATION_NAME] = batch.topic;
  attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = String(batch.partition);
  attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = batch.count;
  if (identity.groupId !== undefined) attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = identity.groupId;
  identityAttributes(attributes, identity);
  const span = tracer.startSpan(`process ${batch.topic}`, { kind: SpanKind.CONSUMER, attributes, links }, ROOT_CONTEXT);
  return { span, context: trace.setSpan(ROOT_CONTEXT, span) };
}

const ERROR_CODE_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * The `error.type` of an error: the broker's error code name when the client exposes it (kafkajs's
 * `type`, e.g. `UNKNOWN_TOPIC_OR_PARTITION`, found through retry wrappers' `cause`; the confluent
 * client's KafkaJS API's `type` without its `ERR_` prefix, e.g. `MSG_SIZE_TOO_LARGE`), else the class
 * name of the error (e.g. `KafkaJSConnectionError`), else `_OTHER`.
 */
export function errorType(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const type = (current as { type?: unknown }).type;
    // librdkafka-based clients name codes `ERR_MSG_SIZE_TOO_LARGE` (`ERR__…` for local ones): the
    // name without the prefix, as the callback APIs' error.type gives it.
    if (typeof type === 'string' && ERROR_CODE_NAME.test(type)) return type.replace(/^ERR_+/, '');
    current = (current as { cause?: unknown }).cause;
  }
  if (error instanceof Error) return error.name !== 'Error' ? error.name : error.constructor.name;
  return '_OTHER';
}

/** Records `error` on `span` (exception event, ERROR status, `error.type`) and ends it. */
export function endSpanWithError(span: Span, error: unknown, type: string = errorType(error)): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.end();
}
