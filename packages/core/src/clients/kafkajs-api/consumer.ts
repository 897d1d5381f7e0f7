import { context as otelContext, type Link } from '@opentelemetry/api';
import { TracecarrierError } from '../../errors.js';
import type { ConsumerOptions } from '../../options.js';
import { handOver } from '../../pipeline/carried.js';
import { BatchIndex } from '../../pipeline/batch-index.js';
import { beginProcess, receiveMessage, type ReceivedMessage } from '../../pipeline/message-path.js';
import { resolveConsumerOptions, type ConsumerRuntime, type InstrumentationScope } from '../../pipeline/runtime.js';
import { awaitInSpan, runInSpan } from '../../spans/run-in-span.js';
import { messageLink, startBatchProcessSpan, type ClientIdentity } from '../../spans/spans.js';
import { identityOf, splitIdentity, type ClientIdentityOptions } from './identity.js';
import { overlay } from './overlay.js';
import { TRACED, checkClient } from './traced.js';
import type { KjsConsumer, KjsEachBatchPayload, KjsEachMessagePayload, KjsReceivedMessage, KjsRunConfig } from './types.js';
import { unpatched } from './unpatched.js';

/** What a `consumerHook` receives: where the message came from and the message as the handler sees it. */
export interface KjsConsumerHookInfo<M = KjsReceivedMessage> {
  readonly topic: string;
  readonly partition: number;
  readonly message: M;
}

/** Options of a KafkaJS-API consumer wrapper. */
export interface KjsConsumerOptions<M = KjsReceivedMessage> extends ConsumerOptions<KjsConsumerHookInfo<M>>, ClientIdentityOptions {
  /** `messaging.consumer.group.name`; the bindings' `TracedKafka.consumer` fills it from the consumer's group id. */
  readonly groupId?: string;
}

/** The `eachBatch` payload of a traced consumer: the client's, plus `processMessage`. */
export type KjsTracedEachBatchPayload<P, M> = P & {
  /**
   * Runs `fn` for one message of the batch under that message's own `process` span (child of its
   * producer span, linked to the batch span), so the spans `fn` creates belong to that message's
   * trace. Errors from `fn` are recorded on the span and rethrown unchanged.
   */
  processMessage<T>(message: M, fn: () => T | Promise<T>): Promise<T>;
};

type HookInfo = KjsConsumerHookInfo;

/**
 * Wraps a consumer of the KafkaJS API (kafkajs, or @confluentinc/kafka-javascript's `KafkaJS`):
 * `run({ eachMessage })` gives each message a CONSUMER `process` span whose context is active in the
 * handler; `run({ eachBatch })` gives the batch a span linked to every message's producer and a
 * `processMessage` helper for per-message spans. Envelopes are unwrapped before the handler sees the
 * message. Everything else is the original consumer. `client` names the client in error messages.
 */
export function traceKjsConsumer<C extends object, T>(consumer: C, options: KjsConsumerOptions<never> | undefined, scope: InstrumentationScope, client: string): T {
  const own = checkClient(consumer, 'traceConsumer', ['run'], client) as C & KjsConsumer;
  const { identity: identityOptions, rest } = splitIdentity(options as KjsConsumerOptions | undefined);
  const { groupId, ...coreOptions } = rest ?? {};
  const runtime = resolveConsumerOptions<HookInfo>(coreOptions, scope);
  const identity = identityOf(identityOptions, groupId);
  // kafkajs ignores a second run() with a warning, so the second handler would silently never run.
  let running = false;
  // The client's own run, underneath @opentelemetry/instrumentation-kafkajs if it patched this client (see unpatched.ts).
  const ownRun = unpatched(own.run);
  return overlay(consumer, {
    [TRACED]: true,
    async stop(): Promise<void> {
      await own.stop();
      running = false;
    },
    async disconnect(): Promise<void> {
      await own.disconnect();
      running = false;
    },
    run(config?: KjsRunConfig): Promise<void> {
      if (running) {
        return Promise.reject(new TracecarrierError('invalid-state', `run() was already called on this consumer: ${client} runs one loop per consumer and would ignore the new handler. Call stop() first, or use another consumer.`));
      }
      running = true;
      let started: Promise<void>;
      if (config === undefined) started = ownRun.call(own);
      else {
        const { eachMessage, eachBatch, ...others } = config;
        const wrapped: KjsRunConfig = { ...others };
        if (eachMessage !== undefined) wrapped.eachMessage = (payload) => processEachMessage(runtime, identity, eachMessage, payload);
        if (eachBatch !== undefined) wrapped.eachBatch = (payload) => processEachBatch(runtime, identity, eachBatch as BatchHandler, payload);
        started = ownRun.call(own, wrapped);
      }
      return started.catch((error: unknown) => {
        running = false;
        throw error;
      });
    },
  }) as unknown as T;
}

type BatchHandler = (payload: KjsTracedEachBatchPayload<KjsEachBatchPayload, KjsReceivedMessage>) => Promise<void>;



function receive(runtime: ConsumerRuntime<HookInfo>, identity: ClientIdentity, topic: string, partition: number, message: KjsReceivedMessage): ReceivedMessage<Buffer | null> {
  const { offset, key, value, headers } = message;
  const incoming = { topic, partition, offset, key, value, headers: headers as never };
  // The message is its own diagnostic origin (its topic, partition and offset are read when reporting).
  return receiveMessage(runtime, incoming, incoming, identity);
}

function processEachMessage(
  runtime: ConsumerRuntime<HookInfo>,
  identity: ClientIdentity,
  handler: NonNullable<KjsRunConfig['eachMessage']>,
  payload: KjsEachMessagePayload,
): Promise<void> {
  const { topic, partition, message } = payload;
  let started;
  let handed = payload;
  try {
    const received = receive(runtime, identity, topic, partition, message);
    const handedMsg = handOver(message, received);
    if (handedMsg !== message) handed = { ...payload, message: handedMsg };
    const info = runtime.hook === undefined ? undefined : { topic, partition, message: handedMsg };
    started = beginProcess(runtime, received, received.message, identity, otelContext.active(), info);
  } catch (error) {
    // A bug of ours must not lose the message: hand it over untraced.
    runtime.sink({ topic, partition, offset: message.offset })('internal-error', 'tracing this message failed', { cause: error });
    return untraced(handler, payload);
  }
  // Not async itself: the span's promise is the one kafkajs awaits.
  return awaitInSpan(started, handler, handed);
}

async function untraced(handler: NonNullable<KjsRunConfig['eachMessage']>, payload: KjsEachMessagePayload): Promise<void> {
  return handler(payload);
}

async function processEachBatch(
  runtime: ConsumerRuntime<HookInfo>,
  identity: ClientIdentity,
  handler: BatchHandler,
  payload: KjsEachBatchPayload,
): Promise<void> {
  const { batch } = payload;
  const { topic, partition } = batch;
  const entries = new BatchIndex<KjsReceivedMessage, ReceivedMessage<Buffer | null>>();
  const links: Link[] = [];
  let changed = false;
  const messages = batch.messages.map((message) => {
    const received = receive(runtime, identity, topic, partition, message);
    const handed = handOver(message, received);
    if (handed !== message) changed = true;
    entries.add(handed, received);
    const link = messageLink(received, received.message);
    if (link !== undefined) links.push(link);
    return handed;
  });
  // Keep the Batch's methods (firstOffset, offsetLag…) while showing unwrapped messages.
  const tracedBatch: typeof batch = changed ? Object.assign(Object.create(batch) as typeof batch, { messages }) : batch;
  const batchSpan = startBatchProcessSpan(runtime.tracer, { topic, partition, count: messages.length }, links, identity, otelContext.active());
  const processMessage = <T>(message: KjsReceivedMessage, fn: () => T | Promise<T>): Promise<T> => {
    let started;
    try {
      const received = entries.get(message) ?? receive(runtime, identity, topic, partition, message);
      const info = runtime.hook === undefined ? undefined : { topic, partition, message };
      started = beginProcess(runtime, received, received.message, identity, otelContext.active(), info);
    } catch (error) {
      // As an async function would: a failure becomes the returned promise's rejection.
      return Promise.reject(error);
    }
    return awaitInSpan(started, fn);
  };
  await runInSpan(batchSpan, () => handler({ ...payload, batch: tracedBatch, processMessage }));
}
