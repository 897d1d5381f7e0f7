import { context as otelContext, trace, type Context, type Link, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { ProducerOptions } from '../../options.js';
import { prepareSend, recordSend, sendStart } from '../../pipeline/message-path.js';
import { resolveProducerOptions, type InstrumentationScope, type ProducerRuntime } from '../../pipeline/runtime.js';
import { clientIdentity } from '../../spans/identity.js';
import { setSpanOffset } from '../../spans/renamed-attributes.js';
import { ATTR_MESSAGING_DESTINATION_PARTITION_ID } from '../../spans/semconv.js';
import { endSpanWithError, errorType, startBatchSendSpan, type ClientIdentity } from '../../spans/spans.js';
import { TransactionSpans, type TransactionOutcome } from '../../spans/transaction.js';
import type { Constructor, Traced } from '../traced-class.js';
import { carriedMessage, outgoingFacts, producerForms, type PltForms } from './message.js';
import type { PltClientOptions, PltMessageToProduce, PltProduceResult, PltProducerBase, PltSendOptions, PltTransaction } from './types.js';

/** What a `producerHook` receives: the topic and the caller's message, as given to `send`. */
export interface PltProducerHookInfo<M = PltMessageToProduce> {
  readonly topic: string;
  readonly message: M;
}

/** Options of a @platformatic/kafka producer wrapper. Every field is optional; defaults are in each field's docs. */
export type PltProducerOptions<M = PltMessageToProduce> = ProducerOptions<PltProducerHookInfo<M>>;

/** What the class factories need to know about the client library. */
export interface PltBinding {
  /** The instrumentation scope of the binding's spans. */
  readonly scope: InstrumentationScope;
  /** The client library's name, for error messages. */
  readonly library: string;
}

type HookInfo = PltProducerHookInfo;
type Callback<T> = (error: unknown, result?: T) => void;

/** The span identity of a client from its options (`clientId`, the first bootstrap broker, `groupId`). */
export function identityOfClient(options: PltClientOptions | undefined): ClientIdentity {
  const first = options?.bootstrapBrokers?.[0];
  const broker = typeof first === 'object' && first !== null ? `${first.host}:${first.port}` : first;
  return clientIdentity({ clientId: options?.clientId, brokers: broker === undefined ? undefined : [broker], groupId: options?.groupId });
}

/** Calls `callback` with a promise's outcome, or returns the promise when there is none (the client's convention). */
export function settle<T>(promise: Promise<T>, callback: Callback<T> | undefined): Promise<T> | undefined {
  if (typeof callback !== 'function') return promise;
  promise.then(
    (result) => callback(null, result),
    (error: unknown) => callback(error),
  );
  return undefined;
}

/**
 * The traced subclass of @platformatic/kafka's `Producer`: `send` (and so a transaction's `send`
 * and `asStream()`, which go through it) carries each message's producer span context in its headers,
 * in the caller's header shape and the forms the producer's serializers take, or in an envelope. One
 * message is a `send` span; several are a `create` span each and one `send` span linking them. A
 * transaction's `commit`/`abort` runs in a `commit_transaction` / `abort_transaction` span linked to
 * its messages. The client's own send runs with tracing suppressed, so @platformatic/kafka-opentelemetry
 * adds no second span and no second context. The constructor takes `(clientOptions, tracingOptions)`.
 */
export function tracedPltProducerClass<B extends Constructor<PltProducerBase>>(Base: B, binding: PltBinding): Traced<B, object> {
  class TracedProducer extends Base {
    readonly #runtime: ProducerRuntime<HookInfo>;
    readonly #identity: ClientIdentity;
    readonly #forms: PltForms;
    readonly #owned: readonly string[];
    readonly #transactionalId: string | undefined;
    // Keyed by the client's own transaction objects (what the producer's `transaction` getter gives).
    readonly #transactions = new WeakMap<object, TransactionSpans>();

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern's constructor
    constructor(...args: any[]) {
      const [options, tracing] = args as [PltClientOptions, PltProducerOptions<never> | undefined];
      const runtime = resolveProducerOptions<HookInfo>(tracing as PltProducerOptions | undefined, binding.scope);
      const forms = producerForms(options, runtime as ProducerRuntime<never>, binding.library);
      super(options);
      this.#runtime = runtime;
      this.#forms = forms;
      this.#owned = runtime.ownedHeaders();
      this.#identity = identityOfClient(options);
      this.#transactionalId = options?.transactionalId;
    }

    /** The client's `send`, each message carrying its span's context. A callback gets the result instead of a promise. */
    override send(options: PltSendOptions, callback?: Callback<PltProduceResult>): Promise<PltProduceResult> | undefined {
      return settle(this.#send(options), callback);
    }

    /** The client's `beginTransaction`: the transaction's `commit` and `abort` run in their spans. */
    override beginTransaction(options?: unknown, callback?: Callback<PltTransaction>): Promise<PltTransaction> | undefined {
      const begun = (super.beginTransaction(options) as Promise<PltTransaction>).then((transaction) => this.#traceTransaction(transaction));
      return settle(begun, callback);
    }

    #traceTransaction(transaction: PltTransaction): PltTransaction {
      const spans = new TransactionSpans(this.#runtime.tracer, this.#identity, this.#transactionalId);
      this.#transactions.set(transaction, spans);
      const end = (outcome: TransactionOutcome, run: () => Promise<void>, callback: Callback<void> | undefined) => {
        const done = spans.end(outcome, otelContext.active());
        const ended = run().then(
          () => done(),
          (error: unknown) => {
            done(error);
            throw error;
          },
        );
        return settle(ended, callback);
      };
      // The client's own object, with commit and abort in their spans (its methods keep it as `this`).
      return new Proxy(transaction, {
        get(target, property) {
          if (property === 'commit') return (callback?: Callback<void>) => end('commit', () => target.commit() as Promise<void>, callback);
          if (property === 'abort') return (callback?: Callback<void>) => end('abort', () => target.abort() as Promise<void>, callback);
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    }

    async #send(options: PltSendOptions): Promise<PltProduceResult> {
      const messages = options?.messages;
      if (!Array.isArray(messages) || messages.length === 0) return super.send(options) as Promise<PltProduceResult>;
      const runtime = this.#runtime;
      const parent = otelContext.active();
      const current = this.transaction;
      const transaction = current === undefined ? undefined : this.#transactions.get(current);
      if (messages.length > 1) return this.#sendBatch(options, messages, parent, transaction);
      const message = messages[0] as PltMessageToProduce;
      let prepared;
      try {
        const info = runtime.hook === undefined ? undefined : { topic: message.topic, message };
        prepared = prepareSend(runtime, 'send', outgoingFacts(message), this.#identity, parent, info);
      } catch (error) {
        // A bug of ours must not stop the application's message: send it untraced.
        runtime.sink({ topic: message?.topic })('internal-error', 'tracing this send failed; the message is sent untraced', { cause: error });
        return super.send(options) as Promise<PltProduceResult>;
      }
      const { span, carry } = prepared;
      transaction?.add(span);
      const start = sendStart(runtime);
      try {
        const sent = carriedMessage(message, carry, this.#owned, this.#forms);
        const result = (await otelContext.with(suppressTracing(prepared.context), () => super.send({ ...options, messages: [sent] }))) as PltProduceResult;
        const written = result?.offsets?.[0];
        if (written !== undefined) {
          span.setAttribute(ATTR_MESSAGING_DESTINATION_PARTITION_ID, String(written.partition));
          setSpanOffset(span, Number(written.offset));
        }
        span.end();
        recordSend(runtime, message.topic, written?.partition ?? message.partition, this.#identity, 1, start);
        return result;
      } catch (error) {
        endSpanWithError(span, error);
        recordSend(runtime, message.topic, message.partition, this.#identity, 1, start, errorType(error));
        throw error;
      }
    }

    /** The batch structure of the messaging conventions: a `create` span per message (its context is the one carried), one `send` span linking them. */
    async #sendBatch(options: PltSendOptions, messages: PltMessageToProduce[], parent: Context, transaction: TransactionSpans | undefined): Promise<PltProduceResult> {
      const runtime = this.#runtime;
      const links: Link[] = [];
      const sent = messages.map((message) => {
        const info = runtime.hook === undefined ? undefined : { topic: message.topic, message };
        const { span, carry } = prepareSend(runtime, 'create', outgoingFacts(message), this.#identity, parent, info);
        links.push({ context: span.spanContext() });
        transaction?.add(span);
        span.end();
        return carriedMessage(message, carry, this.#owned, this.#forms);
      });
      const send: Span = startBatchSendSpan(runtime.tracer, messages.map((message) => message.topic), links, this.#identity, parent);
      const start = sendStart(runtime);
      const record = (type?: string) => {
        const counts = new Map<string, number>();
        for (const message of messages) counts.set(message.topic, (counts.get(message.topic) ?? 0) + 1);
        for (const [topic, count] of counts) recordSend(runtime, topic, undefined, this.#identity, count, start, type);
      };
      try {
        const result = (await otelContext.with(suppressTracing(trace.setSpan(parent, send)), () => super.send({ ...options, messages: sent }))) as PltProduceResult;
        send.end();
        record();
        return result;
      } catch (error) {
        endSpanWithError(send, error);
        record(errorType(error));
        throw error;
      }
    }
  }
  return TracedProducer as unknown as Traced<B, object>;
}
