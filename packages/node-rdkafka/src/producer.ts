import { context as otelContext, SpanStatusCode, type Span } from '@opentelemetry/api';
import RdKafka from 'node-rdkafka';
import type {
  DeliveryReport,
  LibrdKafkaError,
  MessageHeader,
  MessageKey,
  MessageValue,
  NumberNullUndefined,
  ProducerGlobalConfig,
  ProducerTopicConfig,
} from 'node-rdkafka';
import type { ProducerOptions } from '@tracecarrier/core';
import {
  endSpanWithError,
  recordSend,
  resolveProducerOptions,
  semconv,
  TransactionSpans,
  type ClientIdentity,
  type ProducerRuntime,
  type TransactionOutcome,
} from '@tracecarrier/core/binding';
import { rdkafkaErrorType } from './errors.js';
import { identityFromConfig } from './identity.js';
import { refuseOptionsInTopicConfig } from './topic-config.js';
import { carryProduce, type ProducerHookInfo } from './message.js';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** Options of {@link TracedProducer} and {@link TracedHighLevelProducer}. */
export type RdkafkaProducerOptions = ProducerOptions<ProducerHookInfo>;

const TOKEN = Symbol('tracecarrier.delivery');

/** Travels as the `opaque` of a produce call until its delivery report, carrying the caller's own opaque. */
interface DeliveryToken {
  readonly [TOKEN]: true;
  readonly span: Span;
  readonly opaque: unknown;
  readonly topic: string;
  /** When `produce` was called (`performance.now()`), for `messaging.client.operation.duration`. */
  readonly start: number;
}

function isToken(value: unknown): value is DeliveryToken {
  return typeof value === 'object' && value !== null && (value as Partial<DeliveryToken>)[TOKEN] === true;
}

/** Sets the delivered coordinates on a send span and ends it (with the delivery error, if any). */
export function settleSendSpan(span: Span, error: unknown, report: Partial<DeliveryReport> | undefined): void {
  if (report?.partition !== undefined && report.partition >= 0) span.setAttribute(semconv.ATTR_MESSAGING_DESTINATION_PARTITION_ID, String(report.partition));
  if (report?.offset !== undefined && report.offset !== null && report.offset >= 0) span.setAttribute(semconv.ATTR_MESSAGING_KAFKA_OFFSET, Number(report.offset));
  if (error !== null && error !== undefined) endSpanWithError(span, error, rdkafkaErrorType(error));
  else span.end();
}

/**
 * A node-rdkafka `Producer` whose `produce` traces each message: a PRODUCER `send <topic>` span whose
 * context is carried in the headers argument (or an envelope). With delivery reports on (`dr_cb` or
 * `dr_msg_cb`), the span ends at the report with partition and offset, or with the delivery error;
 * otherwise when `produce` returns. With `delivery.report.only.error`, successful sends get no report,
 * so spans end when `produce` returns and nothing is held per message (a later delivery failure
 * reaches your `delivery-report` listeners, not the ended span). Your `delivery-report` listeners still see your own `opaque`.
 * Spans still waiting for a report when the producer disconnects are ended with an error.
 *
 * @example
 * ```ts
 * const producer = new TracedProducer({ 'metadata.broker.list': 'localhost:9092', dr_cb: true }, {}, { mode: 'headers' });
 * producer.connect();
 * producer.on('ready', () => producer.produce('orders', null, Buffer.from('{"id":1}'), 'o-1'));
 * ```
 */
export class TracedProducer extends RdKafka.Producer {
  readonly #runtime: ProducerRuntime<ProducerHookInfo>;
  readonly #identity: ClientIdentity;
  readonly #reports: boolean;
  readonly #outstanding = new Set<DeliveryToken>();
  readonly #transaction: TransactionSpans | undefined;
  #inTransaction = false;

  constructor(conf: ProducerGlobalConfig, topicConf?: ProducerTopicConfig, options?: RdkafkaProducerOptions) {
    refuseOptionsInTopicConfig(topicConf, 'TracedProducer');
    const runtime = resolveProducerOptions<ProducerHookInfo>(options, INSTRUMENTATION_SCOPE);
    // A report for every message, or none to wait for: with only.error, successes are never reported.
    const reports = (Boolean(conf.dr_cb) || Boolean(conf.dr_msg_cb)) && !isTrue((conf as Record<string, unknown>)['delivery.report.only.error']);
    super(conf, topicConf);
    this.#runtime = runtime;
    this.#reports = reports;
    this.#identity = identityFromConfig(conf);
    const transactionalId = (conf as Record<string, unknown>)['transactional.id'];
    if (typeof transactionalId === 'string') this.#transaction = new TransactionSpans(runtime.tracer, this.#identity, transactionalId);
    this.on('disconnected', () => this.#abandonOutstanding());
  }

  /** node-rdkafka's `beginTransaction`; the messages produced until commit or abort are the transaction's. */
  override beginTransaction(cb: (err: LibrdKafkaError) => void): void {
    super.beginTransaction((err) => {
      if (!err) this.#inTransaction = true;
      cb(err);
    });
  }

  /** node-rdkafka's `commitTransaction`, in a `commit_transaction` span linked to the transaction's messages. */
  override commitTransaction(cb: (err: LibrdKafkaError) => void): void;
  override commitTransaction(timeout: number, cb: (err: LibrdKafkaError) => void): void;
  override commitTransaction(timeout: number | ((err: LibrdKafkaError) => void), cb?: (err: LibrdKafkaError) => void): void {
    this.#endTransaction('commit', timeout, cb);
  }

  /** node-rdkafka's `abortTransaction`, in an `abort_transaction` span linked to the discarded messages. */
  override abortTransaction(cb: (err: LibrdKafkaError) => void): void;
  override abortTransaction(timeout: number, cb: (err: LibrdKafkaError) => void): void;
  override abortTransaction(timeout: number | ((err: LibrdKafkaError) => void), cb?: (err: LibrdKafkaError) => void): void {
    this.#endTransaction('abort', timeout, cb);
  }

  #endTransaction(outcome: TransactionOutcome, timeout: number | ((err: LibrdKafkaError) => void), cb: ((err: LibrdKafkaError) => void) | undefined): void {
    const [ms, callback] = typeof timeout === 'function' ? [5000, timeout] : [timeout, cb!];
    const end = this.#transaction?.end(outcome, otelContext.active());
    const done = (err: LibrdKafkaError): void => {
      // After a failed commit the transaction is still open: the application aborts it next.
      if (!err || outcome === 'abort') this.#inTransaction = false;
      end?.(err || undefined, err ? rdkafkaErrorType(err) : undefined);
      callback(err);
    };
    if (outcome === 'commit') super.commitTransaction(ms, done);
    else super.abortTransaction(ms, done);
  }

  /** Number of send spans waiting for their delivery report. */
  get pendingDeliveries(): number {
    return this.#outstanding.size;
  }

  /** node-rdkafka's `produce`, in a `send` span whose context the carriers write into the message. */
  override produce(
    topic: string,
    partition: NumberNullUndefined,
    message: MessageValue,
    key?: MessageKey,
    timestamp?: NumberNullUndefined,
    opaque?: unknown,
    headers?: MessageHeader[],
  ): unknown {
    const carried = carryProduce(this.#runtime, this.#identity, { topic, partition, value: message, key, headers });
    if (this.#inTransaction) this.#transaction?.add(carried.span);
    const start = performance.now();
    const token: DeliveryToken | undefined = this.#reports ? { [TOKEN]: true, span: carried.span, opaque, topic, start } : undefined;
    try {
      const result: unknown = super.produce(topic, partition, carried.value, key, timestamp, token ?? opaque, carried.headers);
      if (token === undefined) {
        carried.span.end();
        recordSend(this.#runtime, { topic, partition: partition ?? undefined }, this.#identity, 1, start);
      } else this.#outstanding.add(token);
      return result;
    } catch (error) {
      const type = rdkafkaErrorType(error);
      endSpanWithError(carried.span, error, type);
      recordSend(this.#runtime, { topic, partition: partition ?? undefined }, this.#identity, 1, start, type);
      throw error;
    }
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'delivery-report') {
      const report = args[1] as DeliveryReport | undefined;
      const token = report?.opaque;
      if (isToken(token)) {
        // Listeners see the caller's opaque, as without tracing.
        report!.opaque = token.opaque;
        if (this.#outstanding.delete(token)) {
          const error = args[0] as LibrdKafkaError | null;
          settleSendSpan(token.span, error, report);
          const type = error === null || error === undefined ? undefined : rdkafkaErrorType(error);
          recordSend(this.#runtime, { topic: token.topic, partition: report?.partition }, this.#identity, 1, token.start, type);
        }
      }
    }
    return super.emit(event, ...args);
  }

  #abandonOutstanding(): void {
    for (const token of this.#outstanding) {
      token.span.setStatus({ code: SpanStatusCode.ERROR, message: 'producer disconnected before the delivery report' });
      token.span.setAttribute(semconv.ATTR_ERROR_TYPE, 'disconnected');
      token.span.end();
    }
    this.#outstanding.clear();
  }
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
