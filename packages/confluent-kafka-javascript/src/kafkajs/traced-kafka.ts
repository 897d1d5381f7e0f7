import Confluent, { type KafkaJS } from '@confluentinc/kafka-javascript';
import { overriddenDefaults, sideOptionsSchema, validateOptions } from '@tracecarrier/core/binding';
import { traceConsumer, traceProducer, type ConsumerOptions, type ProducerOptions, type TracedConsumer } from './clients.js';

type ClientSide<T> = Omit<T, 'clientId' | 'brokers' | 'transactionalId' | 'groupId'>;

/** Defaults for every producer and consumer a {@link TracedKafka} creates. */
export interface TracedKafkaOptions {
  readonly producer?: ClientSide<ProducerOptions>;
  readonly consumer?: ClientSide<ConsumerOptions>;
}

// Both spellings the client accepts: `kafkaJS: { … }` or librdkafka properties.
function brokersOf(config: { kafkaJS?: { brokers?: string[] }; 'bootstrap.servers'?: string; 'metadata.broker.list'?: string }): string[] | undefined {
  const list = config['bootstrap.servers'] ?? config['metadata.broker.list'];
  return config.kafkaJS?.brokers ?? (list === undefined ? undefined : list.split(','));
}

/**
 * The client's `KafkaJS.Kafka` whose producers and consumers are traced. It fills
 * `messaging.client.id`, `messaging.consumer.group.name` and `server.address`/`server.port` from the
 * configuration, in either of the client's spellings (`kafkaJS: { … }` or librdkafka properties).
 * Options are validated in the constructor.
 *
 * @example
 * ```ts
 * const kafka = new KafkaJS.TracedKafka({ kafkaJS: { clientId: 'shop', brokers: ['127.0.0.1:9092'] } });
 * const producer = kafka.producer();
 * const consumer = kafka.consumer({ kafkaJS: { groupId: 'billing' } });
 * ```
 */
export class TracedKafka {
  /** The underlying client. */
  readonly kafka: KafkaJS.Kafka;
  readonly #identity: { clientId?: string; brokers?: string[] };
  readonly #options: TracedKafkaOptions;

  constructor(config: KafkaJS.CommonConstructorConfig, options: TracedKafkaOptions = {}) {
    this.kafka = new Confluent.KafkaJS.Kafka(config);
    this.#options = options;
    const clientId = config.kafkaJS?.clientId ?? config['client.id'];
    const brokers = brokersOf(config);
    this.#identity = { ...(clientId === undefined ? {} : { clientId }), ...(brokers === undefined ? {} : { brokers }) };
    validateOptions(sideOptionsSchema, options, 'options');
  }

  /** A traced producer; `options` override the defaults given to the constructor. */
  producer(config?: KafkaJS.ProducerConstructorConfig, options?: ClientSide<ProducerOptions>): KafkaJS.Producer {
    const transactionalId = config?.kafkaJS?.transactionalId ?? config?.['transactional.id'];
    const own = { ...overriddenDefaults(this.#options.producer, options), ...options, ...this.#identity };
    return traceProducer(this.kafka.producer(config), transactionalId === undefined ? own : { ...own, transactionalId });
  }

  /** A traced consumer; `options` override the defaults given to the constructor. */
  consumer(config: KafkaJS.ConsumerConstructorConfig, options?: ClientSide<ConsumerOptions>): TracedConsumer {
    const groupId = config.kafkaJS?.groupId ?? config['group.id'];
    const own = { ...overriddenDefaults(this.#options.consumer, options), ...options, ...this.#identity };
    return traceConsumer(this.kafka.consumer(config), groupId === undefined ? own : { ...own, groupId });
  }

  /** The client's admin (not traced). */
  admin(config?: KafkaJS.AdminConstructorConfig): KafkaJS.Admin {
    return this.kafka.admin(config);
  }
}
