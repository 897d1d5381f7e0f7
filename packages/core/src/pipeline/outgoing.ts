import type { Context, TextMapPropagator } from '@opentelemetry/api';
import type { Carrier, CarrierWrite, MessageValue, OutgoingMessage } from '../carriers/carrier.js';
import { report, type Reporter } from '../diagnostics.js';
import type { KafkaHeaders } from '../headers/kafka-headers.js';
import type { ReadLimits } from '../limits.js';
import { asBuffer } from '../carriers/payload.js';
import { contextToFields } from '../propagation/propagation.js';
import { carrierCall } from './carrier-call.js';
import { writeProblem } from './carrier-results.js';

/** A producer's carriers and what they need, resolved from options. */
export interface OutgoingCarrierConfig {
  readonly carriers: readonly Carrier[];
  readonly propagator: TextMapPropagator | undefined;
  readonly limits: ReadLimits;
}

/** What to send: the headers to set (if any) and the value. */
export interface OutgoingCarry<V> {
  /** Headers to set (replacing the application's headers of the same names), or `undefined`. */
  readonly headerFields: Readonly<Record<string, string>> | undefined;
  /** The value to send: the application's, or the one a carrier wrote. */
  readonly value: V | Buffer;
  /** True when a carrier replaced the value. */
  readonly enveloped: boolean;
}

/** The outgoing message a carrier is shown (built only when a carrier will look at it). */
interface Outgoing {
  readonly topic: string;
  readonly key: MessageValue;
  readonly value: MessageValue;
  readonly headers: KafkaHeaders | undefined;
}

/**
 * Carries `context` in one outgoing message: serialises it once with the propagator, then lets each
 * carrier write (in order; a later carrier sees the value an earlier one wrote). A throwing carrier,
 * or one that returns something other than a {@link CarrierWrite}, is reported as `carrier-error`
 * and skipped. When no carrier wrote anything (a tombstone, a value
 * that already is a CloudEvent, every carrier failed), the fields go in headers: the context always
 * travels, and the message is always sent.
 */
export function carryOutgoing<V extends MessageValue>(
  context: Context,
  message: Outgoing & { readonly value: V },
  config: OutgoingCarrierConfig,
  sink: Reporter,
): OutgoingCarry<V> {
  const fields = contextToFields(context, config.propagator, sink);
  const call = carrierCall(sink, config.limits, config.propagator);
  let shown: OutgoingMessage = message;
  let value: V | Buffer = message.value;
  let headerFields: Readonly<Record<string, string>> | undefined;
  let wrote = false;
  for (const carrier of config.carriers) {
    let write: CarrierWrite | undefined;
    try {
      write = carrier.inject(shown, fields, call);
    } catch (error) {
      report(sink, 'carrier-error', `carrier "${carrier.name}" threw while writing the context: ${describe(error)}`, { cause: error });
      continue;
    }
    if (write === undefined || write === null) continue;
    const problem = writeProblem(write);
    if (problem !== undefined) {
      report(sink, 'carrier-error', `carrier "${carrier.name}" returned ${problem}; its write is ignored`);
      continue;
    }
    wrote = true;
    if (write.value !== undefined) {
      value = asBuffer(write.value);
      shown = { ...shown, value };
    }
    if (write.headers !== undefined) headerFields = headerFields === undefined ? write.headers : { ...headerFields, ...write.headers };
  }
  if (!wrote) headerFields = fields;
  return { headerFields, value, enveloped: value !== message.value };
}

/** An error as one line of text. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
