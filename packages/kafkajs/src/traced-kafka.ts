import { Kafka, type Admin, type AdminConfig, type ConsumerConfig, type KafkaConfig, type Producer, type ProducerConfig } from 'kafkajs';
import { overriddenDefaults, sideOptionsSchema, validateOptions } from '@tracecarrier/core/binding';
import { traceConsumer, type KafkajsConsumerOptions, type TracedConsumer } from './consumer.js';
import { traceProducer, type KafkajsProducerOptions } from './producer.js';

/** Defaults for every producer and consumer a {@link TracedKafka} creates. */
export interface TracedKafkaOptions {
  readonly producer?: Omit<KafkajsProducerOptions, 'clientId' | 'brokers' | 'transactionalId'>;
  readonly consumer?: Omit<KafkajsConsumerOptions, 'clientId' | 'brokers' | 'groupId'>;
}

/**
 * A kafkajs `Kafka` whose producers and consumers are traced. It fills `messaging.client.id`,
 * `messaging.consumer.group.name` and `server.address`/`server.port` from the kafkajs configuration.
 * Options are validated in the constructor.
 *
 * @example
 * ```ts
 * const kafka = new TracedKafka({ clientId: 'shop', brokers: ['127.0.0.1:9092'] });
 * const producer = kafka.producer();
 * const consumer = kafka.consumer({ groupId: 'billing' });
 * ```
 */
export class TracedKafka {
  /** The underlying kafkajs client. */
  readonly kafka: Kafka;
  private readonly identity: { clientId?: string; brokers?: string[] };
  private readonly options: TracedKafkaOptions;

  constructor(config: KafkaConfig, options: TracedKafkaOptions = {}) {
    this.kafka = new Kafka(config);
    this.options = options;
    this.identity = {
      ...(config.clientId === undefined ? {} : { clientId: config.clientId }),
      ...(Array.isArray(config.brokers) ? { brokers: config.brokers } : {}),
    };
    // Fail fast on bad defaults (and on options that are not { producer, consumer }), before any client is asked for.
    validateOptions(sideOptionsSchema, options, 'options');
  }

  /** A traced kafkajs producer; `options` override the defaults given to the constructor. */
  producer(config?: ProducerConfig, options?: Omit<KafkajsProducerOptions, 'clientId' | 'brokers' | 'transactionalId'>): Producer {
    const transactionalId = config?.transactionalId;
    return traceProducer(this.kafka.producer(config), {
      ...overriddenDefaults(this.options.producer, options),
      ...options,
      ...this.identity,
      ...(transactionalId === undefined ? {} : { transactionalId }),
    });
  }

  /** A traced kafkajs consumer; `options` override the defaults given to the constructor. */
  consumer(config: ConsumerConfig, options?: Omit<KafkajsConsumerOptions, 'clientId' | 'brokers' | 'groupId'>): TracedConsumer {
    return traceConsumer(this.kafka.consumer(config), { ...overriddenDefaults(this.options.consumer, options), ...options, ...this.identity, groupId: config.groupId });
  }

  /** The kafkajs admin client (not traced). */
  admin(config?: AdminConfig): Admin {
    return this.kafka.admin(config);
  }
}
