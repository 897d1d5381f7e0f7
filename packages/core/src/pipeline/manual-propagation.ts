import { context as otelContext, type Context } from '@opentelemetry/api';
import type { IncomingMessage, MessageValue, OutgoingMessage } from '../carriers/carrier.js';
import { MessageDiagnostics } from '../diagnostics.js';
import { sideOptionsSchema, validateOptions, type ConsumerOptions, type ProducerOptions } from '../options.js';
import type { IncomingRead } from './incoming.js';
import { readIncoming } from './incoming.js';
import { carryOutgoing, type OutgoingCarry } from './outgoing.js';
import { resolveConsumerOptions, resolveProducerOptions, type InstrumentationScope } from './runtime.js';

/** Options of a binding's `createMessagePropagator`: producer-side and consumer-side settings, hooks excluded. */
export interface MessagePropagatorOptions {
  readonly producer?: Omit<ProducerOptions<never>, 'producerHook'>;
  readonly consumer?: Omit<ConsumerOptions<never>, 'consumerHook' | 'relationship'>;
}

/** The client-agnostic half of the manual API; bindings translate their message shapes around it. */
export interface ManualPropagation {
  /** Carries `context` (default: the active one) in an outgoing message; no span is created. */
  carry<V extends MessageValue>(message: OutgoingMessage & { readonly value: V }, context?: Context): { readonly carry: OutgoingCarry<V>; readonly owned: readonly string[] };
  /** Reads a received message's context and value; never throws. */
  read<V extends MessageValue>(message: IncomingMessage & { readonly value: V }): IncomingRead<V>;
}

/** Validates the options once and returns the manual carrier. */
export function manualPropagation(options: MessagePropagatorOptions, scope: InstrumentationScope): ManualPropagation {
  validateOptions(sideOptionsSchema, options, 'options');
  const producer = resolveProducerOptions<never>(options.producer, scope, 'options.producer');
  const consumer = resolveConsumerOptions<never>(options.consumer, scope, 'options.consumer');
  return {
    // The message is the diagnostics' origin (only its topic, partition and offset are read, and
    // only when something is reported): a call that reports nothing allocates no sink for it.
    carry(message, context = otelContext.active()) {
      return { carry: carryOutgoing(context, message, producer.outgoing, new MessageDiagnostics(producer.onDiagnostic, message)), owned: producer.ownedHeaders() };
    },
    read(message) {
      return readIncoming(message, consumer.incoming, new MessageDiagnostics(consumer.onDiagnostic, message));
    },
  };
}
