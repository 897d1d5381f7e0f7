import { TracecarrierError } from '../../errors.js';
import { recordSend, sendStart } from '../../pipeline/message-path.js';
import { resolveProducerOptions, type ProducerRuntime } from '../../pipeline/runtime.js';
import { setSpanOffset } from '../../spans/renamed-attributes.js';
import { endSpanWithError, type ClientIdentity } from '../../spans/spans.js';
import { identityFromConfig, type IdentityConfig } from './identity.js';
import { carryProduce, type RdProducerHookInfo } from './message.js';
import type { RdProducerOptions } from './producer.js';
import { refuseOptionsInTopicConfig } from './topic-config.js';
import type { Constructor, LibrdkafkaBinding, Traced, RdHeader, RdHighLevelProducerBase } from './types.js';

type MessageHeader = RdHeader;
type MessageValue = Buffer | null;
type NumberNullUndefined = number | null | undefined;

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
 * The traced subclass of a librdkafka `HighLevelProducer` class: `produce` in a `send` span that
 * ends when the delivery callback fires, with the offset or the error. Values are carried as given:
 * when a carrier writes the value they must already be bytes, so a custom value serializer is
 * refused then (`setValueSerializer` throws `invalid-options`). Each binding documents its class.
 */
export function tracedHighLevelProducerClass<B extends Constructor<RdHighLevelProducerBase>>(Base: B, binding: LibrdkafkaBinding): Traced<B, object> {
  const { errorType } = binding;
  class TracedHighLevelProducer extends Base {
    readonly #runtime: ProducerRuntime<RdProducerHookInfo>;
    readonly #identity: ClientIdentity;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern's constructor
    constructor(...args: any[]) {
      const [conf, topicConf, options] = args as [IdentityConfig, object | undefined, RdProducerOptions | undefined];
      refuseOptionsInTopicConfig(topicConf, 'TracedHighLevelProducer', binding.library);
      const runtime = resolveProducerOptions<RdProducerHookInfo>(options, binding.scope);
      super(conf, topicConf);
      this.#runtime = runtime;
      this.#identity = identityFromConfig(conf);
      // The client installs its high-level `produce` on the instance in its constructor; ours wraps it.
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
        // A sampled-out send with metrics off has nothing to do at its report: the caller's callback as it is.
        if (!carried.span.isRecording() && this.#runtime.metrics === undefined) {
          carried.span.end();
          return highLevel.call(this, topic, partition, carried.value, key, timestamp, carried.headers, callback);
        }
        const start = sendStart(this.#runtime);
        const done: DeliveryCallback = (err, offset) => {
          const failed = err !== null && err !== undefined;
          const type = failed ? errorType(err) : undefined;
          if (failed) endSpanWithError(carried.span, err, type);
          else {
            if (typeof offset === 'number' && offset >= 0) setSpanOffset(carried.span, offset);
            carried.span.end();
          }
          recordSend(this.#runtime, topic, partition, this.#identity, 1, start, type);
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
  return TracedHighLevelProducer as unknown as Traced<B, object>;
}
