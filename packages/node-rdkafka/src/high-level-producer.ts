import RdKafka from 'node-rdkafka';
import type { MessageHeader, MessageValue, NumberNullUndefined, ProducerGlobalConfig, ProducerTopicConfig } from 'node-rdkafka';
import { TracecarrierError } from '@tracecarrier/core';
import { endSpanWithError, recordSend, resolveProducerOptions, semconv, type ClientIdentity, type ProducerRuntime } from '@tracecarrier/core/binding';
import { rdkafkaErrorType } from './errors.js';
import { identityFromConfig } from './identity.js';
import { refuseOptionsInTopicConfig } from './topic-config.js';
import { carryProduce, type ProducerHookInfo } from './message.js';
import type { RdkafkaProducerOptions } from './producer.js';
import { INSTRUMENTATION_SCOPE } from './version.js';

type DeliveryCallback = (err: unknown, offset?: NumberNullUndefined) => void;
type HighLevelProduce = (
  topic: string,
  partition: NumberNullUndefined,
  message: unknown,
  key: unknown,
  timestamp: NumberNullUndefined,
  headers: MessageHeader[] | undefined,
  callback: DeliveryCallback,
) => unknown;

/**
 * A node-rdkafka `HighLevelProducer` whose `produce` traces each message; the `send` span ends when
 * the delivery callback fires, with the offset or the error. Values are carried as given: in
 * `envelope`/`both` mode they must already be bytes (Buffer, string or null), so a custom value
 * serializer is refused in those modes (`setValueSerializer` throws `invalid-options`).
 */
export class TracedHighLevelProducer extends RdKafka.HighLevelProducer {
  readonly #runtime: ProducerRuntime<ProducerHookInfo>;
  readonly #identity: ClientIdentity;

  constructor(conf: ProducerGlobalConfig, topicConf?: ProducerTopicConfig, options?: RdkafkaProducerOptions) {
    refuseOptionsInTopicConfig(topicConf, 'TracedHighLevelProducer');
    const runtime = resolveProducerOptions<ProducerHookInfo>(options, INSTRUMENTATION_SCOPE);
    super(conf, topicConf);
    this.#runtime = runtime;
    this.#identity = identityFromConfig(conf);
    // node-rdkafka installs its high-level `produce` on the instance in its constructor; ours wraps it.
    const highLevel = (this as unknown as { produce: HighLevelProduce }).produce;
    const traced = (...args: unknown[]): unknown => {
      const hasHeaders = args.length >= 7;
      const [topic, partition, message, key, timestamp] = args as [string, NumberNullUndefined, unknown, unknown, NumberNullUndefined];
      const headers = hasHeaders ? (args[5] as MessageHeader[] | undefined) : undefined;
      const callback = (hasHeaders ? args[6] : args[5]) as DeliveryCallback;
      const carried = carryProduce(this.#runtime, this.#identity, {
        topic,
        partition,
        value: message as Buffer | string | null,
        key: key as Buffer | string | null,
        headers,
      });
      const start = performance.now();
      const done: DeliveryCallback = (err, offset) => {
        const failed = err !== null && err !== undefined;
        const type = failed ? rdkafkaErrorType(err) : undefined;
        if (failed) endSpanWithError(carried.span, err, type);
        else {
          if (typeof offset === 'number' && offset >= 0) carried.span.setAttribute(semconv.ATTR_MESSAGING_KAFKA_OFFSET, offset);
          carried.span.end();
        }
        recordSend(this.#runtime, { topic, partition: partition ?? undefined }, this.#identity, 1, start, type);
        callback(err, offset);
      };
      return highLevel.call(this, topic, partition, carried.value, key, timestamp, carried.headers, done);
    };
    Object.defineProperty(this, 'produce', { value: traced, writable: true, configurable: true });
  }

  /* eslint-disable @typescript-eslint/no-explicit-any -- node-rdkafka's own signatures */
  /** node-rdkafka's callback-style value serializer; refused when a carrier writes the value. */
  override setValueSerializer(serializer: (value: any, cb: (err: any, value: MessageValue) => void) => void): void;
  /** node-rdkafka's value serializer (sync or promise); refused when a carrier writes the value. */
  override setValueSerializer(serializer: (value: any) => MessageValue | Promise<MessageValue>): void;
  override setValueSerializer(serializer: (...args: any[]) => unknown): void {
    const wrapper = this.#runtime.outgoing.carriers.find((carrier) => carrier.placement !== 'headers');
    if (wrapper !== undefined) {
      throw new TracecarrierError(
        'invalid-options',
        `producer: the "${wrapper.name}" carrier writes the value, so it cannot be combined with a custom value serializer; serialize before produce or carry the context in headers`,
        { path: 'producer.carriers' },
      );
    }
    super.setValueSerializer(serializer as never);
  }
  /* eslint-enable @typescript-eslint/no-explicit-any */
}
