import { context as otelContext, type Link } from '@opentelemetry/api';
import type { Consumer, ConsumerRunConfig, EachBatchPayload, EachMessagePayload, KafkaMessage } from 'kafkajs';
import { TracecarrierError, type ConsumerOptions } from '@tracecarrier/core';
import {
  beginProcess,
  handOver,
  messageLink,
  receiveMessage,
  resolveConsumerOptions,
  runInSpan,
  startBatchProcessSpan,
  type ClientIdentity,
  type ConsumerRuntime,
  type MessageFacts,
  type ReceivedMessage,
} from '@tracecarrier/core/binding';
import { identityOf, splitIdentity, type ClientIdentityOptions } from './identity.js';
import { TRACED, checkClient } from './traced.js';
import { unpatched } from './unpatched.js';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** What a `consumerHook` receives: where the message came from and the message as the handler sees it. */
export interface ConsumerHookInfo {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/** Options of {@link traceConsumer}. */
export interface KafkajsConsumerOptions extends ConsumerOptions<ConsumerHookInfo>, ClientIdentityOptions {
  /** `messaging.consumer.group.name`; `TracedKafka.consumer` fills it from the consumer's `groupId`. */
  readonly groupId?: string;
}

/** The `eachBatch` payload of a traced consumer: kafkajs's, plus {@link TracedEachBatchPayload.processMessage}. */
export interface TracedEachBatchPayload extends EachBatchPayload {
  /**
   * Runs `fn` for one message of the batch under that message's own `process` span (child of its
   * producer span, linked to the batch span), so the spans `fn` creates belong to that message's
   * trace. Errors from `fn` are recorded on the span and rethrown unchanged.
   */
  processMessage<T>(message: KafkaMessage, fn: () => T | Promise<T>): Promise<T>;
}

/** `consumer.run` configuration of a traced consumer; `eachBatch` gets a {@link TracedEachBatchPayload}. */
export interface TracedConsumerRunConfig extends Omit<ConsumerRunConfig, 'eachBatch'> {
  /** kafkajs's `eachBatch`, run under a batch span, with {@link TracedEachBatchPayload.processMessage}. */
  eachBatch?: (payload: TracedEachBatchPayload) => Promise<void>;
}

/**
 * A kafkajs `Consumer` whose `run` traces each message (or batch). A plain kafkajs `Consumer` is not
 * one: the brand keeps code typed for a traced consumer (whose `eachBatch` relies on
 * `processMessage`) from being handed a plain one.
 */
export interface TracedConsumer extends Omit<Consumer, 'run'> {
  /** Brands consumers that tracecarrier wrapped. */
  readonly [TRACED]: true;
  /** kafkajs's `run`, with each message (or batch) processed in its own span. */
  run(config?: TracedConsumerRunConfig): Promise<void>;
}

/**
 * Wraps a kafkajs consumer: `run({ eachMessage })` gives each message a CONSUMER `process` span
 * whose context is active in the handler; `run({ eachBatch })` gives the batch a span linked to every
 * message's producer and a `processMessage` helper for per-message spans. Envelopes are unwrapped
 * before the handler sees the message. Everything else is the original consumer.
 *
 * @example
 * ```ts
 * const consumer = traceConsumer(kafka.consumer({ groupId: 'billing' }), { groupId: 'billing' });
 * await consumer.run({ eachMessage: async ({ message }) => handle(message) });
 * ```
 */
export function traceConsumer(consumer: Consumer, options?: KafkajsConsumerOptions): TracedConsumer {
  checkClient(consumer, 'traceConsumer', ['run']);
  const { identity: identityOptions, rest } = splitIdentity(options);
  const { groupId, ...coreOptions } = rest ?? {};
  const runtime = resolveConsumerOptions<ConsumerHookInfo>(coreOptions, INSTRUMENTATION_SCOPE);
  const identity = identityOf(identityOptions, groupId);
  // kafkajs ignores a second run() with a warning, so the second handler would silently never run.
  let running = false;
  // kafkajs's own run, underneath @opentelemetry/instrumentation-kafkajs if it patched this client (see unpatched.ts).
  const ownRun = unpatched(consumer.run);
  return {
    ...consumer,
    [TRACED]: true,
    async stop(): Promise<void> {
      await consumer.stop();
      running = false;
    },
    async disconnect(): Promise<void> {
      await consumer.disconnect();
      running = false;
    },
    run(config?: TracedConsumerRunConfig): Promise<void> {
      if (running) {
        return Promise.reject(new TracecarrierError('invalid-state', 'run() was already called on this consumer: kafkajs runs one loop per consumer and would ignore the new handler. Call stop() first, or use another consumer.'));
      }
      running = true;
      let started: Promise<void>;
      if (config === undefined) started = ownRun.call(consumer);
      else {
        const { eachMessage, eachBatch, ...rest } = config;
        const wrapped: ConsumerRunConfig = { ...rest };
        if (eachMessage !== undefined) wrapped.eachMessage = (payload) => processEachMessage(runtime, identity, eachMessage, payload);
        if (eachBatch !== undefined) wrapped.eachBatch = (payload) => processEachBatch(runtime, identity, eachBatch, payload);
        started = ownRun.call(consumer, wrapped);
      }
      return started.catch((error: unknown) => {
        running = false;
        throw error;
      });
    },
  };
}

function factsOf(topic: string, partition: number, message: KafkaMessage): MessageFacts {
  return { topic, partition, offset: message.offset, key: message.key, value: message.value };
}


function receive(runtime: ConsumerRuntime<ConsumerHookInfo>, identity: ClientIdentity, topic: string, partition: number, message: KafkaMessage): ReceivedMessage<Buffer | null> {
  const { offset, key, value, headers } = message;
  return receiveMessage(runtime, { topic, partition, offset, key, value, headers }, { topic, partition, offset }, identity);
}

async function processEachMessage(
  runtime: ConsumerRuntime<ConsumerHookInfo>,
  identity: ClientIdentity,
  handler: NonNullable<ConsumerRunConfig['eachMessage']>,
  payload: EachMessagePayload,
): Promise<void> {
  const { topic, partition, message } = payload;
  let started;
  let handed = payload;
  try {
    const received = receive(runtime, identity, topic, partition, message);
    const handedMsg = handOver(message, received.read);
    if (handedMsg !== message) handed = { ...payload, message: handedMsg };
    started = beginProcess(runtime, received, factsOf(topic, partition, message), identity, otelContext.active(), { topic, partition, message: handedMsg });
  } catch (error) {
    // A bug of ours must not lose the message: hand it over untraced.
    runtime.sink({ topic, partition, offset: message.offset })('internal-error', 'tracing this message failed', { cause: error });
    return handler(payload);
  }
  await runInSpan(started, () => handler(handed));
}

async function processEachBatch(
  runtime: ConsumerRuntime<ConsumerHookInfo>,
  identity: ClientIdentity,
  handler: (payload: TracedEachBatchPayload) => Promise<void>,
  payload: EachBatchPayload,
): Promise<void> {
  const { batch } = payload;
  const { topic, partition } = batch;
  const entries = new Map<KafkaMessage, { original: KafkaMessage; received: ReceivedMessage<Buffer | null> }>();
  const links: Link[] = [];
  let changed = false;
  const messages = batch.messages.map((message) => {
    const received = receive(runtime, identity, topic, partition, message);
    const handed = handOver(message, received.read);
    if (handed !== message) changed = true;
    entries.set(handed, { original: message, received });
    const link = messageLink(received.read, factsOf(topic, partition, message));
    if (link !== undefined) links.push(link);
    return handed;
  });
  // Keep the Batch's methods (firstOffset, offsetLag…) while showing unwrapped messages.
  const tracedBatch: typeof batch = changed ? Object.assign(Object.create(batch) as typeof batch, { messages }) : batch;
  const batchSpan = startBatchProcessSpan(runtime.tracer, { topic, partition, count: messages.length }, links, identity, otelContext.active());
  const processMessage = async <T>(message: KafkaMessage, fn: () => T | Promise<T>): Promise<T> => {
    const entry = entries.get(message);
    const received = entry?.received ?? receive(runtime, identity, topic, partition, message);
    const original = entry?.original ?? message;
    const started = beginProcess(runtime, received, factsOf(topic, partition, original), identity, otelContext.active(), { topic, partition, message });
    return runInSpan(started, async () => fn());
  };
  await runInSpan(batchSpan, () => handler({ ...payload, batch: tracedBatch, processMessage }));
}
