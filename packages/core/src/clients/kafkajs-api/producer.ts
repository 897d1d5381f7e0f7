import { context as otelContext, type Context, type Link, type Span } from '@opentelemetry/api';
import type { ProducerOptions } from '../../options.js';
import { prepareSend, recordSend, sendStart } from '../../pipeline/message-path.js';
import { resolveProducerOptions, type InstrumentationScope, type ProducerRuntime } from '../../pipeline/runtime.js';
import { setSpanOffset } from '../../spans/renamed-attributes.js';
import { endSpanWithError, errorType, startBatchSendSpan, type ClientIdentity } from '../../spans/spans.js';
import { ATTR_MESSAGING_DESTINATION_PARTITION_ID } from '../../spans/semconv.js';
import { TransactionSpans, type TransactionOutcome } from '../../spans/transaction.js';
import { identityOf, splitIdentity, type ClientIdentityOptions } from './identity.js';
import { carriedMessage, outgoingFacts } from './message.js';
import { overlay } from './overlay.js';
import { TRACED, checkClient } from './traced.js';
import type { KjsMessage, KjsProducer, KjsProducerBatch, KjsProducerRecord, KjsRecordMetadata, KjsTransaction } from './types.js';
import { unpatched } from './unpatched.js';

/** What a `producerHook` receives: the topic and the caller's message, as given to `send`. */
export interface KjsProducerHookInfo<M = KjsMessage> {
  readonly topic: string;
  readonly message: M;
}

/** Options of a KafkaJS-API producer wrapper. Every field is optional; defaults are in each field's docs. */
export interface KjsProducerOptions<M = KjsMessage> extends ProducerOptions<KjsProducerHookInfo<M>>, ClientIdentityOptions {
  /** The producer's `transactionalId`, for the transaction spans; the bindings' `TracedKafka` fills it. */
  readonly transactionalId?: string;
}

type HookInfo = KjsProducerHookInfo;
type SendFn = (record: KjsProducerRecord) => Promise<KjsRecordMetadata[]>;
type SendBatchFn = (batch: KjsProducerBatch) => Promise<KjsRecordMetadata[]>;

/**
 * Wraps a producer of the KafkaJS API (kafkajs, or @confluentinc/kafka-javascript's `KafkaJS`) so
 * every message it sends carries its producer span's context: `send`, `sendBatch` and
 * transactions' `send`/`sendBatch` are traced, a transaction's `commit`/`abort` gets a
 * `commit_transaction` / `abort_transaction` span linked to its messages; everything else is the
 * original producer's. Options are validated here. `client` names the client in error messages.
 */
export function traceKjsProducer<P extends object>(producer: P, options: KjsProducerOptions<never> | undefined, scope: InstrumentationScope, client: string): P {
  const own = checkClient(producer, 'traceProducer', ['send'], client) as P & KjsProducer;
  const { transactionalId, ...others } = (options ?? {}) as KjsProducerOptions;
  const { identity: identityOptions, rest } = splitIdentity(others);
  const runtime = resolveProducerOptions<HookInfo>(rest, scope);
  const identity = identityOf(identityOptions);
  const send = (inner: SendFn, transaction?: TransactionSpans): SendFn => (record) => tracedSend(runtime, identity, inner, record, transaction);
  const sendBatch = (inner: SendBatchFn, transaction?: TransactionSpans): SendBatchFn => (batch) => tracedSendBatch(runtime, identity, inner, batch, transaction);
  // The client's own functions, underneath @opentelemetry/instrumentation-kafkajs if it patched this client (see unpatched.ts).
  const ownSend = unpatched(own.send);
  const ownSendBatch = unpatched(own.sendBatch);
  const ownTransaction = unpatched(own.transaction);
  return overlay(producer, {
    [TRACED]: true,
    send: send((record) => ownSend.call(own, record)),
    sendBatch: sendBatch((batch) => ownSendBatch.call(own, batch)),
    async transaction(): Promise<KjsTransaction> {
      const transaction = await ownTransaction.call(own);
      const spans = new TransactionSpans(runtime.tracer, identity, transactionalId);
      return overlay(transaction, {
        send: send((record) => transaction.send(record), spans),
        sendBatch: sendBatch((batch) => transaction.sendBatch(batch), spans),
        commit: () => settle(spans, 'commit', () => transaction.commit()),
        abort: () => settle(spans, 'abort', () => transaction.abort()),
      });
    },
  });
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
  runtime: ProducerRuntime<HookInfo>,
  identity: ClientIdentity,
  inner: SendFn,
  record: KjsProducerRecord,
  transaction?: TransactionSpans,
): Promise<KjsRecordMetadata[]> {
  const messages = record?.messages;
  if (!Array.isArray(messages) || messages.length === 0) return inner(record);
  const parent = otelContext.active();
  if (messages.length > 1) {
    const { batch, send } = carryBatch(runtime, identity, [{ topic: record.topic, messages }], parent, transaction);
    return finishBatch(runtime, identity, send, [{ topic: record.topic, messages }], () => inner({ ...record, messages: batch[0] ?? [] }));
  }
  const message = messages[0] as KjsMessage;
  let prepared;
  try {
    const info = runtime.hook === undefined ? undefined : { topic: record.topic, message };
    prepared = prepareSend(runtime, 'send', outgoingFacts(record.topic, message), identity, parent, info);
  } catch (error) {
    // A bug of ours must not stop the application's message: send it untraced.
    runtime.sink({ topic: record.topic })('internal-error', 'tracing this send failed; the message is sent untraced', { cause: error });
    return inner(record);
  }
  const { span, carry } = prepared;
  transaction?.add(span);
  const start = sendStart(runtime);
  try {
    const sent = carriedMessage(message, carry, runtime.ownedHeaders());
    const result = await otelContext.with(prepared.context, () => inner({ ...record, messages: [sent] }));
    const metadata = result[0];
    if (metadata !== undefined) {
      span.setAttribute(ATTR_MESSAGING_DESTINATION_PARTITION_ID, String(metadata.partition));
      const offset = metadata.baseOffset ?? metadata.offset;
      if (offset !== undefined) setSpanOffset(span, Number(offset));
    }
    span.end();
    recordSend(runtime, record.topic, metadata?.partition ?? message.partition, identity, 1, start);
    return result;
  } catch (error) {
    endSpanWithError(span, error);
    recordSend(runtime, record.topic, message.partition, identity, 1, start, errorType(error));
    throw error;
  }
}

async function tracedSendBatch(
  runtime: ProducerRuntime<HookInfo>,
  identity: ClientIdentity,
  inner: SendBatchFn,
  batch: KjsProducerBatch,
  transaction?: TransactionSpans,
): Promise<KjsRecordMetadata[]> {
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
  runtime: ProducerRuntime<HookInfo>,
  identity: ClientIdentity,
  topicMessages: ReadonlyArray<{ topic: string; messages: KjsMessage[] }>,
  parent: Context,
  transaction?: TransactionSpans,
): { batch: KjsMessage[][]; send: Span } {
  const owned = runtime.ownedHeaders();
  const links: Link[] = [];
  const topics: string[] = [];
  const batch = topicMessages.map(({ topic, messages }) =>
    messages.map((message) => {
      const info = runtime.hook === undefined ? undefined : { topic, message };
      const { span, carry } = prepareSend(runtime, 'create', outgoingFacts(topic, message), identity, parent, info);
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
  runtime: ProducerRuntime<HookInfo>,
  identity: ClientIdentity,
  span: Span,
  topicMessages: ReadonlyArray<{ topic: string; messages: KjsMessage[] }>,
  run: () => Promise<KjsRecordMetadata[]>,
): Promise<KjsRecordMetadata[]> {
  const start = sendStart(runtime);
  // One send operation: its duration is recorded once per topic, with that topic's message count.
  const record = (type?: string) => {
    for (const { topic, messages } of topicMessages) if (messages.length > 0) recordSend(runtime, topic, undefined, identity, messages.length, start, type);
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
