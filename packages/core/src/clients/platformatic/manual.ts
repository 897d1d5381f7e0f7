import type { Context } from '@opentelemetry/api';
import { handOver } from '../../pipeline/carried.js';
import type { IncomingRead } from '../../pipeline/incoming.js';
import { manualPropagation, type MessagePropagatorOptions } from '../../pipeline/manual-propagation.js';
import type { InstrumentationScope } from '../../pipeline/runtime.js';
import type { PltForm } from './headers.js';
import { carriedMessage, handedValue, outgoingFacts, PltIncoming } from './message.js';
import type { PltMessage, PltMessageToProduce } from './types.js';

/** The result of {@link PltMessagePropagator.extract}. */
export interface PltExtractedMessage<M> {
  /** The extracted context (root-based): use it as parent or link of your own span. */
  readonly context: Context;
  /** The message as a handler should see it (envelope unwrapped); the same object when unchanged. */
  readonly message: M;
  /** The name of the carrier that carried the context (`headers`, `json-envelope`, …), or `none`. */
  readonly carrier: string;
}

/** Where a received message came from, for diagnostics (@platformatic/kafka messages say it themselves). */
export interface PltMessageOrigin {
  readonly topic?: string;
  readonly partition?: number;
}

/** The forms the manual API writes headers and envelopes in (default: Buffers, as the client's default serializers take them). */
export interface PltManualForms {
  /** `buffer` (default) or `string` (the client's `stringSerializers`). */
  readonly serializers?: PltForm;
}

/**
 * Manual inject/extract for @platformatic/kafka messages, for code that runs its own loop or builds
 * its own spans. Every binding's manual API takes the same arguments in the same order:
 * `inject(topic, message, context?)` and `extract(message, origin?)`.
 */
export interface PltMessagePropagator<Out = PltMessageToProduce, In = PltMessage> {
  /**
   * Returns a copy of `message` carrying `context` (default: the active context) for `topic`, with
   * the configured producer carriers; headers keep the caller's shape (`Map` or record). No span is
   * created; the caller's message and headers are not modified.
   */
  inject(topic: string, message: Out, context?: Context): Out;
  /** Reads the context of a received message and unwraps its envelope. Never throws. */
  extract<M extends In>(message: M, origin?: PltMessageOrigin): PltExtractedMessage<M>;
}

/** Creates a {@link PltMessagePropagator}. Options are validated once, here. */
export function pltMessagePropagator<Out extends PltMessageToProduce, In extends PltMessage>(
  options: MessagePropagatorOptions,
  scope: InstrumentationScope,
  forms: PltManualForms = {},
): PltMessagePropagator<Out, In> {
  const manual = manualPropagation(options, scope);
  const form = forms.serializers ?? 'buffer';
  const outForms = { key: form, value: form, payload: form };
  return {
    inject(topic, message, context) {
      const { carry, owned } = manual.carry({ ...outgoingFacts({ ...message, topic }) }, context);
      return carriedMessage({ ...message, topic }, carry, owned, outForms);
    },
    extract(message, origin = {}) {
      const incoming = new PltIncoming({ ...message, topic: message.topic ?? origin.topic ?? '', partition: message.partition ?? origin.partition ?? -1 });
      const read = manual.read(incoming);
      let handed: IncomingRead<unknown> = read;
      if (read.unwrapped) handed = { ...read, value: handedValue(message.value, read.value) as Buffer };
      else if (read.value !== message.value) handed = { ...read, value: message.value as Buffer };
      return { context: read.context, message: handOver(message, handed), carrier: read.carrier };
    },
  };
}
