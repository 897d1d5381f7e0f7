import { context as otelContext, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { ProducerOptions } from '../../options.js';
import { recordSend, sendStart } from '../../pipeline/message-path.js';
import { resolveProducerOptions, type ProducerRuntime } from '../../pipeline/runtime.js';
import { setSpanOffset } from '../../spans/renamed-attributes.js';
import { ATTR_ERROR_TYPE, ATTR_MESSAGING_DESTINATION_PARTITION_ID } from '../../spans/semconv.js';
import { endSpanWithError, type ClientIdentity } from '../../spans/spans.js';
import { TransactionSpans, type TransactionOutcome } from '../../spans/transaction.js';
import { identityFromConfig, type IdentityConfig } from './identity.js';
import { carryProduce, type RdProducerHookInfo } from './message.js';
import { OutstandingEntry, OutstandingList } from './outstanding.js';
import { refuseOptionsInTopicConfig } from './topic-config.js';
import type { Constructor, LibrdkafkaBinding, Traced, RdDeliveryReport, RdProducerBase } from './types.js';

/** Options of a librdkafka producer wrapper (`TracedProducer`, `TracedHighLevelProducer`). */
export type RdProducerOptions = ProducerOptions<RdProducerHookInfo>;

type LibrdKafkaError = { code?: number; message?: string } | null | undefined;
type Callback = (err: LibrdKafkaError) => void;

/** Travels as the `opaque` of a produce call until its delivery report, carrying the caller's own opaque. */
class DeliveryToken extends OutstandingEntry {
  constructor(
    readonly span: Span,
    readonly opaque: unknown,
    readonly topic: string,
    /** When `produce` was called (`performance.now()`), for `messaging.client.operation.duration`. */
    readonly start: number,
  ) {
    super();
  }
}

/** Sets the delivered coordinates on a send span and ends it (with the delivery error, if any). */
export function settleSendSpan(span: Span, error: unknown, report: RdDeliveryReport | undefined, errorType: (error: unknown) => string): void {
  if (report?.partition !== undefined && report.partition >= 0) span.setAttribute(ATTR_MESSAGING_DESTINATION_PARTITION_ID, String(report.partition));
  if (report?.offset !== undefined && report.offset !== null && report.offset >= 0) setSpanOffset(span, Number(report.offset));
  if (error !== null && error !== undefined) endSpanWithError(span, error, errorType(error));
  else span.end();
}

/** What a traced producer adds to the client's `Producer`. */
export interface TracedProducerMembers {
  /** Number of send spans waiting for their delivery report. */
  readonly pendingDeliveries: number;
}

/**
 * The traced subclass of a librdkafka `Producer` class (node-rdkafka's, or its fork's): `produce`
 * in a `send` span whose context the carriers write into the message, ended at the delivery report
 * when reports are on; transaction ends in `commit_transaction` / `abort_transaction` spans. The
 * constructor takes `(globalConfig, topicConfig, options)`. Each binding documents its class.
 */
export function tracedProducerClass<B extends Constructor<RdProducerBase>>(Base: B, binding: LibrdkafkaBinding): Traced<B, TracedProducerMembers> {
  const { errorType } = binding;
  class TracedProducer extends Base {
    readonly #runtime: ProducerRuntime<RdProducerHookInfo>;
    readonly #identity: ClientIdentity;
    readonly #reports: boolean;
    readonly #outstanding = new OutstandingList<DeliveryToken>();
    readonly #transaction: TransactionSpans | undefined;
    #inTransaction = false;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern's constructor
    constructor(...args: any[]) {
      const [conf, topicConf, options] = args as [IdentityConfig & Record<string, unknown>, object | undefined, RdProducerOptions | undefined];
      refuseOptionsInTopicConfig(topicConf, 'TracedProducer', binding.library);
      const runtime = resolveProducerOptions<RdProducerHookInfo>(options, binding.scope);
      // A report for every message, or none to wait for: with only.error, successes are never reported.
      const reports = (Boolean(conf['dr_cb']) || Boolean(conf['dr_msg_cb'])) && !isTrue(conf['delivery.report.only.error']);
      super(conf, topicConf);
      this.#runtime = runtime;
      this.#reports = reports;
      this.#identity = identityFromConfig(conf);
      const transactionalId = conf['transactional.id'];
      if (typeof transactionalId === 'string') this.#transaction = new TransactionSpans(runtime.tracer, this.#identity, transactionalId);
      this.on('disconnected', () => this.#abandonOutstanding());
    }

    /** node-rdkafka's `beginTransaction`; the messages produced until commit or abort are the transaction's. */
    override beginTransaction(cb: Callback): void {
      super.beginTransaction((err) => {
        if (!err) this.#inTransaction = true;
        cb(err);
      });
    }

    /** node-rdkafka's `commitTransaction`, in a `commit_transaction` span linked to the transaction's messages. */
    override commitTransaction(timeout: number | Callback, cb?: Callback): void {
      this.#endTransaction('commit', timeout, cb);
    }

    /** node-rdkafka's `abortTransaction`, in an `abort_transaction` span linked to the discarded messages. */
    override abortTransaction(timeout: number | Callback, cb?: Callback): void {
      this.#endTransaction('abort', timeout, cb);
    }

    #endTransaction(outcome: TransactionOutcome, timeout: number | Callback, cb: Callback | undefined): void {
      const [ms, callback] = typeof timeout === 'function' ? [5000, timeout] : [timeout, cb!];
      const end = this.#transaction?.end(outcome, otelContext.active());
      const done = (err: LibrdKafkaError): void => {
        // After a failed commit the transaction is still open: the application aborts it next.
        if (!err || outcome === 'abort') this.#inTransaction = false;
        end?.(err || undefined, err ? errorType(err) : undefined);
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
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the clients' own argument types
    override produce(topic: string, partition: any, message: any, key?: any, timestamp?: any, opaque?: unknown, headers?: any): unknown {
      const carried = carryProduce(this.#runtime, this.#identity, { topic, partition, value: message, key, headers });
      if (this.#inTransaction) this.#transaction?.add(carried.span);
      const start = sendStart(this.#runtime);
      // Only a recording span (or the send's duration metric) needs the delivery report: a sampled-
      // out send takes no token, no set entry and no native handle for an opaque of ours.
      const token = this.#reports && (carried.span.isRecording() || this.#runtime.metrics !== undefined) ? new DeliveryToken(carried.span, opaque, topic, start) : undefined;
      try {
        const result: unknown = super.produce(topic, partition, carried.value, key, timestamp, token ?? opaque, carried.headers);
        if (token === undefined) {
          carried.span.end();
          recordSend(this.#runtime, topic, partition, this.#identity, 1, start);
        } else this.#outstanding.add(token);
        return result;
      } catch (error) {
        const type = errorType(error);
        endSpanWithError(carried.span, error, type);
        recordSend(this.#runtime, topic, partition, this.#identity, 1, start, type);
        throw error;
      }
    }

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'delivery-report') {
        const report = args[1] as RdDeliveryReport | undefined;
        const token = report?.opaque;
        if (token instanceof DeliveryToken) {
          // Listeners see the caller's opaque, as without tracing.
          report!.opaque = token.opaque;
          if (this.#outstanding.delete(token)) {
            const error = args[0] as LibrdKafkaError | null;
            settleSendSpan(token.span, error, report, errorType);
            const type = error === null || error === undefined ? undefined : errorType(error);
            recordSend(this.#runtime, token.topic, report?.partition, this.#identity, 1, token.start, type);
          }
        }
      }
      return super.emit(event, ...args);
    }

    #abandonOutstanding(): void {
      for (const token of this.#outstanding.drain()) {
        token.span.setStatus({ code: SpanStatusCode.ERROR, message: 'producer disconnected before the delivery report' });
        token.span.setAttribute(ATTR_ERROR_TYPE, 'disconnected');
        token.span.end();
      }
    }
  }
  return TracedProducer as unknown as Traced<B, TracedProducerMembers>;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
