/**
 * The baselines of part 8 for @platformatic/kafka, around the bare client: the same tracing as
 * tracecarrier's written by hand with the stock OpenTelemetry API (same span names, kinds, parents,
 * attributes and links, as `hand-written-cases.ts` does for the other clients), and the least any
 * context-carrying code does (no span). Messages use the client's default serializers: header keys
 * and values are Buffers, headers a `Map`.
 */
import { ROOT_CONTEXT, SpanKind, context, propagation, trace, type Attributes, type Context, type Link, type TextMapSetter, type Tracer } from '@opentelemetry/api';
import { IDENTITY, bufferGetter, processAttributes, sendAttributes, startHandProcess } from './hand-written-cases.js';

/** A message as the bare client hands it over (default deserializers), as far as the tracing reads it. */
export interface PltReceived {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly value: Buffer;
  readonly headers: Map<Buffer, Buffer>;
}

/** A message to send, as far as the tracing writes it. */
export interface PltToSend {
  readonly topic: string;
  readonly value: Buffer;
  readonly headers?: Map<Buffer, Buffer>;
}

type Send<M extends PltToSend, R> = (request: { messages: M[] }) => Promise<R>;

/** Writes a propagator's fields as the default serializers take them: Buffer keys and values. */
const mapSetter: TextMapSetter<Map<Buffer, Buffer>> = {
  set: (headers, key, value) => void headers.set(Buffer.from(key), Buffer.from(value)),
};

/** The headers of a received message as one record of Buffers, for the stock getter. */
function headerRecord(message: PltReceived): Record<string, Buffer> {
  const record: Record<string, Buffer> = {};
  for (const [key, value] of message.headers) record[key.toString()] = value;
  return record;
}

/** A copy of `message` whose headers (a new Map) carry `carried`. */
function withContext<M extends PltToSend>(message: M, carried: Context): M {
  const headers = new Map(message.headers);
  propagation.inject(carried, headers, mapSetter);
  return { ...message, headers };
}

/** The hand-written `send` of several messages: a `create` span per message, its context injected, and a CLIENT `send` span linked to them. */
export function handWrittenPltSend<M extends PltToSend, R>(tracer: Tracer, send: Send<M, R>): Send<M, R> {
  return async ({ messages }) => {
    const parent = context.active();
    const links: Link[] = [];
    const carried = messages.map((message) => {
      const span = tracer.startSpan(`create ${message.topic}`, { kind: SpanKind.PRODUCER, attributes: sendAttributes('create', message.value.length, message.topic) }, parent);
      links.push({ context: span.spanContext() });
      span.end();
      return withContext(message, trace.setSpan(parent, span));
    });
    const topic = messages[0]!.topic;
    const attributes: Attributes = { 'messaging.system': 'kafka', 'messaging.operation.name': 'send', 'messaging.operation.type': 'send', 'messaging.batch.message_count': messages.length, 'messaging.destination.name': topic, ...IDENTITY };
    const span = tracer.startSpan(`send ${topic}`, { kind: SpanKind.CLIENT, attributes, links }, parent);
    try {
      return await send({ messages: carried });
    } finally {
      span.end();
    }
  };
}

/** The hand-written `'data'` listener: the producer's context extracted, a CONSUMER `process` span (child and link), the handler run in it. */
export function handWrittenPltListener<M extends PltReceived>(tracer: Tracer, handler: (message: M) => void): (message: M) => void {
  return (message) => {
    const parent = propagation.extract(ROOT_CONTEXT, headerRecord(message), bufferGetter);
    const span = startHandProcess(tracer, parent, processAttributes(message.partition, Number(message.offset), message.value.length, message.topic), undefined, message.topic);
    try {
      context.with(trace.setSpan(parent, span), handler, undefined, message);
    } finally {
      span.end();
    }
  };
}

/** The least a producer carrying context does: each message's headers copied, the active context injected. */
export function contextOnlyPltSend<M extends PltToSend, R>(send: Send<M, R>): Send<M, R> {
  return ({ messages }) => {
    const active = context.active();
    return send({ messages: messages.map((message) => withContext(message, active)) });
  };
}

/** The least a consumer carrying context does: the context extracted and the handler run in it. */
export function contextOnlyPltListener<M extends PltReceived>(handler: (message: M) => void): (message: M) => void {
  return (message) => context.with(propagation.extract(ROOT_CONTEXT, headerRecord(message), bufferGetter), handler, undefined, message);
}
