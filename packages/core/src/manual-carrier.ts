import { context as otelContext, type Context } from '@opentelemetry/api';
import type { DiagnosticOrigin } from './diagnostics.js';
import type { KafkaHeaders } from './headers-carrier.js';
import { carryOutgoing, readIncoming, type IncomingRead, type MessageValue, type OutgoingCarry } from './modes.js';
import type { ConsumerOptions, ProducerOptions } from './options.js';
import { resolveConsumerOptions, resolveProducerOptions, type InstrumentationScope } from './runtime.js';

/** Options of a binding's `createMessageCarrier`: producer-side and consumer-side settings, hooks excluded. */
export interface MessageCarrierOptions {
  readonly producer?: Omit<ProducerOptions<never>, 'producerHook'>;
  readonly consumer?: Omit<ConsumerOptions<never>, 'consumerHook' | 'relationship'>;
}

/** The client-agnostic half of the manual API; bindings translate their message shapes around it. */
export interface ManualCarrier {
  /** Carries `context` (default: the active one) for a value sent to `topic`; no span is created. */
  carry<V extends MessageValue>(value: V, topic: string, context?: Context): { readonly carry: OutgoingCarry<V>; readonly owned: readonly string[] };
  /** Reads a received message's context and value; never throws. */
  read<V extends MessageValue>(headers: KafkaHeaders | undefined, value: V, origin: DiagnosticOrigin): IncomingRead<V>;
}

/** Validates the options once and returns the manual carrier. */
export function manualCarrier(options: MessageCarrierOptions, scope: InstrumentationScope): ManualCarrier {
  const producer = resolveProducerOptions<never>(options.producer, scope, 'producer');
  const consumer = resolveConsumerOptions<never>(options.consumer, scope, 'consumer');
  return {
    carry(value, topic, context = otelContext.active()) {
      return { carry: carryOutgoing(context, value, producer.carrier, topic, producer.sink({ topic })), owned: producer.ownedHeaders() };
    },
    read(headers, value, origin) {
      return readIncoming(headers, value, consumer.carrier, consumer.sink(origin));
    },
  };
}
