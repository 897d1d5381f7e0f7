import { trace, type Context, type Span } from '@opentelemetry/api';
import type { IncomingMessage, MessageValue } from '../carriers/carrier.js';
import type { DiagnosticOrigin } from '../diagnostics.js';
import type { MessageCall } from './carrier-call.js';
import type { KafkaHeaders } from '../headers/kafka-headers.js';
import { ATTR_MESSAGING_MESSAGE_ENVELOPE_SIZE } from '../spans/semconv.js';
import { errorType, startProcessSpan, startProducerSpan, type ActiveSpan, type ClientIdentity, type MessageFacts } from '../spans/spans.js';
import { secondsSince, type MessagingMetrics, type MetricTarget } from '../metrics/messaging-metrics.js';
import { readIncoming, type IncomingRead } from './incoming.js';
import { carryOutgoing, type OutgoingCarry } from './outgoing.js';
import { runHook, type ConsumerRuntime, type ProducerRuntime } from './runtime.js';

/** One outgoing message, prepared: its producer span, that span's context, and what to send. */
export interface PreparedSend<V> {
  readonly span: Span;
  /** The parent with the span set: what was carried, and what a client's send runs in (built once: each is a copy of the parent's entries). */
  readonly context: Context;
  readonly carry: OutgoingCarry<V>;
}

/** An outgoing message as a binding knows it. */
export interface OutgoingFacts<V extends MessageValue> extends MessageFacts {
  readonly key: MessageValue;
  readonly value: V;
  readonly headers: KafkaHeaders | undefined;
}

/**
 * Everything a binding does before handing one message to its client: start the producer span
 * (`send` for a single message, `create` inside a batch), run the hook, carry the span's context.
 */
export function prepareSend<V extends MessageValue, HookInfo>(
  runtime: ProducerRuntime<HookInfo>,
  operation: 'send' | 'create',
  facts: OutgoingFacts<V>,
  identity: ClientIdentity,
  parent: Context,
  hookInfo: HookInfo | undefined,
): PreparedSend<V> {
  // The facts are the diagnostics' origin: its topic and partition are read only when reporting.
  const sink = runtime.diagnostics(facts);
  const span = startProducerSpan(runtime.tracer, operation, facts, identity, parent);
  runHook(runtime.hook, span, hookInfo, sink);
  const context = trace.setSpan(parent, span);
  const carry = carryOutgoing(context, facts, runtime.outgoing, sink);
  if (carry.enveloped) span.setAttribute(ATTR_MESSAGING_MESSAGE_ENVELOPE_SIZE, (carry.value as Uint8Array).byteLength);
  return { span, context, carry };
}

/** One incoming message, read: its context, the value to hand over, and its diagnostic sink. */
export interface ReceivedMessage<V> extends IncomingRead<V> {
  /** The message's diagnostics (its carriers' context too). */
  readonly reporter: MessageCall;
}

/**
 * Reads one incoming message's context and value (total: never throws), and counts it in
 * `messaging.client.consumed.messages`: read once per message, whoever then sees it.
 */
export function receiveMessage<V extends MessageValue, HookInfo>(
  runtime: ConsumerRuntime<HookInfo>,
  message: IncomingMessage & { readonly value: V },
  origin: DiagnosticOrigin,
  identity: ClientIdentity,
): ReceivedMessage<V> {
  const sink = runtime.diagnostics(origin);
  runtime.metrics?.consumed({ topic: message.topic, partition: message.partition, identity }, 1);
  return readIncoming(message, runtime.incoming, sink) as ReceivedMessage<V>;
}

/** The start of a send, for its duration metric: read only when a meter provider is registered. */
export function sendStart(runtime: { readonly metrics: ProducerRuntime<never>['metrics'] }): number {
  return runtime.metrics === undefined ? 0 : performance.now();
}

/**
 * Records a send in `messaging.client.operation.duration` and `messaging.client.sent.messages`:
 * `count` messages to `topic` (and `partition`, when known), started at `start`
 * (`performance.now()`), failed with `errorType`. Nothing is done when no meter provider is
 * registered (the target is passed as plain arguments so that nothing is built then).
 */
export function recordSend(
  runtime: { readonly metrics: ProducerRuntime<never>['metrics'] },
  topic: string,
  partition: number | null | undefined,
  identity: ClientIdentity,
  count: number,
  start: number,
  errorType?: string,
): void {
  runtime.metrics?.send({ topic, partition: partition ?? undefined, identity }, count, secondsSince(start), errorType);
}

/** Starts the process span of a received message and runs the consumer hook on it. */
export function beginProcess<V extends MessageValue, HookInfo>(
  runtime: ConsumerRuntime<HookInfo>,
  received: ReceivedMessage<V>,
  facts: MessageFacts,
  identity: ClientIdentity,
  active: Context,
  hookInfo: HookInfo | undefined,
): ActiveSpan {
  const read = received;
  const sink = received.reporter;
  const processFacts: MessageFacts = !read.unwrapped
    ? facts
    : { topic: facts.topic, partition: facts.partition, offset: facts.offset, key: facts.key, value: read.value, envelopeSize: originalSize(facts) };
  const started = startProcessSpan(runtime.tracer, read, processFacts, identity, runtime.relationship, active);
  runHook(runtime.hook, started.span, hookInfo, sink);
  const metrics = runtime.metrics;
  if (metrics === undefined) return started;
  return new TimedProcess(started, metrics, { topic: facts.topic, partition: facts.partition ?? undefined, identity });
}

/** A process span whose end records `messaging.process.duration` (a method, not a closure per message). */
class TimedProcess implements ActiveSpan {
  readonly span: Span;
  readonly context: Context;
  readonly #metrics: MessagingMetrics;
  readonly #target: MetricTarget;
  readonly #start = performance.now();
  constructor(started: ActiveSpan, metrics: MessagingMetrics, target: MetricTarget) {
    this.span = started.span;
    this.context = started.context;
    this.#metrics = metrics;
    this.#target = target;
  }
  onEnd(error: unknown): void {
    this.#metrics.processed(this.#target, secondsSince(this.#start), error === undefined ? undefined : errorType(error));
  }
}

function originalSize(facts: MessageFacts): number | undefined {
  const value = facts.value;
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength;
}
