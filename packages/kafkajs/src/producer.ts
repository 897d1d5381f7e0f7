import { context as otelContext, trace, type Context, type Link, type Span } from '@opentelemetry/api';
import type { Message, Producer, ProducerBatch, ProducerRecord, RecordMetadata, Transaction } from 'kafkajs';
import type { ProducerOptions } from '@tracecarrier/core';
import {
  endSpanWithError,
  errorType,
  prepareSend,
  recordSend,
  resolveProducerOptions,
  semconv,
  startBatchSendSpan,
  TransactionSpans,
  type ClientIdentity,
  type ProducerRuntime,
  type TransactionOutcome,
} from '@tracecarrier/core/binding';
import { identityOf, splitIdentity, type ClientIdentityOptions } from './identity.js';
import { carriedMessage, outgoingFacts } from './message.js';
import { TRACED, checkClient } from './traced.js';
import { unpatched } from './unpatched.js';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** What a `producerHook` receives: the topic and the caller's message, as given to `send`. */
export interface ProducerHookInfo {
  readonly topic: string;
  readonly message: Message;
}

/** Options of {@link traceProducer}. Every field is optional; defaults are in each field's docs. */
export interface KafkajsProducerOptions extends ProducerOptions<ProducerHookInfo>, ClientIdentityOptions {
  /** The producer's kafkajs `transactionalId`, for the transaction spans; `TracedKafka` fills it. */
  readonly transactionalId?: string;
}

type SendFn = (record: ProducerRecord) => Promise<RecordMetadata[]>;
type SendBatchFn = (batch: ProducerBatch) => Promise<RecordMetadata[]>;

/**
 * Wraps a kafkajs producer so every message it sends carries its producer span's context. The
 * result is a kafkajs `Producer` (same methods and types); `send`, `sendBatch` and transactions'
 * `send`/`sendBatch` are traced, and a transaction's `commit`/`abort` gets a `commit_transaction` /
 * `abort_transaction` span linked to its messages; everything else is the original producer's. Options are validated
 * here: a wrong option throws a `TracecarrierError` naming it.
 *
 * @example
 * ```ts
 * const producer = traceProducer(kafka.producer(), { mode: 'headers' });
 * await producer.send({ topic: 'orders', messages: [{ value: JSON.stringify(order) }] });
 * ```
 */
export function traceProducer(producer: Producer, options?: KafkajsProducerOptions): Producer {
  checkClient(producer, 'traceProducer', ['send']);
  const { transactionalId, ...others } = options ?? {};
  const { identity: identityOptions, rest } = splitIdentity(others);
  const runtime = resolveProducerOptions<ProducerHookInfo>(rest, INSTRUMENTATION_SCOPE);
  const identity = identityOf(identityOptions);
  const send = (inner: SendFn, transaction?: TransactionSpans): SendFn => (record) => tracedSend(runtime, identity, inner, record, transaction);
  const sendBatch = (inner: SendBatchFn, transaction?: TransactionSpans): SendBatchFn => (batch) => tracedSendBatch(runtime, identity, inner, batch, transaction);
  // kafkajs's own functions, underneath @opentelemetry/instrumentation-kafkajs if it patched this client (see unpatched.ts).
  const ownSend = unpatched(producer.send);
  const ownSendBatch = unpatched(producer.sendBatch);
  const ownTransaction = unpatched(producer.transaction);
  const traced: Producer & { [TRACED]: true } = {
    ...producer,
    [TRACED]: true,
    send: send((record) => ownSend.call(producer, record)),
    sendBatch: sendBatch((batch) => ownSendBatch.call(producer, batch)),
    async transaction(): Promise<Transaction> {
      const transaction = await ownTransaction.call(producer);
      const spans = new TransactionSpans(runtime.tracer, identity, transactionalId);
      return {
        ...transaction,
        send: send((record) => transaction.send(record), spans),
        sendBatch: sendBatch((batch) => transaction.sendBatch(batch), spans),
        commit: () => settle(spans, 'commit', () => transaction.commit()),
        abort: () => settle(spans, 'abort', () => transaction.abort()),
      };
    },
  };
  return traced;
}

/** A transaction's commit or abort, in the span that says how the transaction ended. */
async function settle(spans: TransactionSpans, outcome: TransactionOutcome, run: () => Promise<void>): Promise<void> {
  const end = spans.end(outcome, otelContext.active());
  try {
    await run();
    end();
  } catch (error) {
    end(error);
    throw error;
  }
}

async function tracedSend(
  runtime: ProducerRuntime<ProducerHookInfo>,
  identity: ClientIdentity,
  inner: SendFn,
  record: ProducerRecord,
  transaction?: TransactionSpans,
): Promise<RecordMetadata[]> {
  const messages = record?.messages;
  if (!Array.isArray(messages) || messages.length === 0) return inner(record);
  const parent = otelContext.active();
  if (messages.length > 1) {
    const { batch, send } = carryBatch(runtime, identity, [{ topic: record.topic, messages }], parent, transaction);
    return finishBatch(runtime, identity, send, [{ topic: record.topic, messages }], () => inner({ ...record, messages: batch[0] ?? [] }));
  }
  const message = messages[0] as Message;
  let prepared;
  try {
    prepared = prepareSend(runtime, 'send', outgoingFacts(record.topic, message), identity, parent, { topic: record.topic, message });
  } catch (error) {
    // A bug of ours must not stop the application's message: send it untraced.
    runtime.sink({ topic: record.topic })('internal-error', 'tracing this send failed; the message is sent untraced', { cause: error });
    return inner(record);
  }
  const { span, carry } = prepared;
  transaction?.add(span);
  const start = performance.now();
  try {
    const sent = carriedMessage(message, carry, runtime.ownedHeaders());
    const result = await otelContext.with(trace.setSpan(parent, span), () => inner({ ...record, messages: [sent] }));
    const metadata = result[0];
    if (metadata !== undefined) {
      span.setAttribute(semconv.ATTR_MESSAGING_DESTINATION_PARTITION_ID, String(metadata.partition));
      const offset = metadata.baseOffset ?? metadata.offset;
      if (offset !== undefined) span.setAttribute(semconv.ATTR_MESSAGING_KAFKA_OFFSET, Number(offset));
    }
    span.end();
    recordSend(runtime, { topic: record.topic, partition: metadata?.partition ?? message.partition }, identity, 1, start);
    return result;
  } catch (error) {
    endSpanWithError(span, error);
    recordSend(runtime, { topic: record.topic, partition: message.partition }, identity, 1, start, errorType(error));
    throw error;
  }
}

async function tracedSendBatch(
  runtime: ProducerRuntime<ProducerHookInfo>,
  identity: ClientIdentity,
  inner: SendBatchFn,
  batch: ProducerBatch,
  transaction?: TransactionSpans,
): Promise<RecordMetadata[]> {
  const topicMessages = batch?.topicMessages;
  if (!Array.isArray(topicMessages) || topicMessages.every((entry) => (entry?.messages?.length ?? 0) === 0)) return inner(batch);
  const parent = otelContext.active();
  const carried = carryBatch(runtime, identity, topicMessages, parent, transaction);
  return finishBatch(runtime, identity, carried.send, topicMessages, () =>
    inner({ ...batch, topicMessages: topicMessages.map((entry, i) => ({ ...entry, messages: carried.batch[i] ?? [] })) }),
  );
}

/**
 * The batch structure of the messaging conventions: one `create` span per message (its context is
 * the one injected; ended once the message is built) and one `send` span linking them all.
 */
function carryBatch(
  runtime: ProducerRuntime<ProducerHookInfo>,
  identity: ClientIdentity,
  topicMessages: ReadonlyArray<{ topic: string; messages: Message[] }>,
  parent: Context,
  transaction?: TransactionSpans,
): { batch: Message[][]; send: Span } {
  const owned = runtime.ownedHeaders();
  const links: Link[] = [];
  const topics: string[] = [];
  const batch = topicMessages.map(({ topic, messages }) =>
    messages.map((message) => {
      const { span, carry } = prepareSend(runtime, 'create', outgoingFacts(topic, message), identity, parent, { topic, message });
      links.push({ context: span.spanContext() });
      transaction?.add(span);
      topics.push(topic);
      span.end();
      return carriedMessage(message, carry, owned);
    }),
  );
  return { batch, send: startBatchSendSpan(runtime.tracer, topics, links, identity, parent) };
}

async function finishBatch(
  runtime: ProducerRuntime<ProducerHookInfo>,
  identity: ClientIdentity,
  span: Span,
  topicMessages: ReadonlyArray<{ topic: string; messages: Message[] }>,
  run: () => Promise<RecordMetadata[]>,
): Promise<RecordMetadata[]> {
  const start = performance.now();
  // One send operation: its duration is recorded once per topic, with that topic's message count.
  const record = (type?: string) => {
    for (const { topic, messages } of topicMessages) if (messages.length > 0) recordSend(runtime, { topic }, identity, messages.length, start, type);
  };
  try {
    const result = await run();
    span.end();
    record();
    return result;
  } catch (error) {
    endSpanWithError(span, error);
    record(errorType(error));
    throw error;
  }
}
