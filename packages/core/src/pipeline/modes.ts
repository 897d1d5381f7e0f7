import type { Carrier } from '../carriers/carrier.js';
import { cloudEventsBinary } from '../carriers/cloudevents-binary.js';
import { cloudEventsStructured, type CloudEventsOptions } from '../carriers/cloudevents-structured.js';
import { headersCarrier } from '../carriers/headers.js';
import { jsonEnvelope } from '../carriers/json-envelope.js';
import type { PayloadEncoding } from '../carriers/payload.js';

/**
 * Where a producer writes the context, as a shorthand for a list of carriers.
 * - `headers` (default): the headers carrier; the value is untouched.
 * - `envelope`: the envelope carrier chosen by `envelope.format` (JSON envelope or a CloudEvents
 *   structured event); no propagation headers.
 * - `both`: headers and the envelope, for migrations between the two.
 * Tombstones and values that already are CloudEvents are never wrapped, whatever the mode: their
 * context goes in headers.
 */
export type ProducerMode = 'headers' | 'envelope' | 'both';

/**
 * Where a consumer looks for the context, as a shorthand for a list of carriers read in order.
 * - `auto` (default): headers, CloudEvents binary (`ce_traceparent`), the JSON envelope, CloudEvents
 *   structured. An envelope is unwrapped whichever carrier gave the context.
 * - `headers`: headers only; values are never unwrapped.
 * - `envelope`: the JSON envelope and CloudEvents structured only; headers are ignored.
 */
export type ConsumerMode = 'auto' | 'headers' | 'envelope';

/** The envelope formats `mode: 'envelope'` can write: the JSON envelope, or a CloudEvents structured event. */
export type EnvelopeFormat = 'json' | 'cloudevents';

/** What the modes need of the envelope options. */
export interface EnvelopeSettings {
  readonly format?: EnvelopeFormat;
  readonly payloadEncoding?: PayloadEncoding;
  readonly cloudEventsSource?: string;
  readonly cloudEventsType?: string;
}

function cloudEventsOptions(envelope: EnvelopeSettings | undefined): CloudEventsOptions {
  return {
    ...(envelope?.payloadEncoding === undefined ? {} : { payloadEncoding: envelope.payloadEncoding }),
    ...(envelope?.cloudEventsSource === undefined ? {} : { source: envelope.cloudEventsSource }),
    ...(envelope?.cloudEventsType === undefined ? {} : { type: envelope.cloudEventsType }),
  };
}

/** The carriers a producer mode stands for. */
export function producerCarriers(mode: ProducerMode, envelope: EnvelopeSettings | undefined): Carrier[] {
  if (mode === 'headers') return [headersCarrier()];
  const wrapper =
    envelope?.format === 'cloudevents'
      ? cloudEventsStructured(cloudEventsOptions(envelope))
      : jsonEnvelope(envelope?.payloadEncoding === undefined ? {} : { payloadEncoding: envelope.payloadEncoding });
  return mode === 'both' ? [headersCarrier(), wrapper] : [wrapper];
}

/** The carriers a consumer mode stands for, in reading order. */
export function consumerCarriers(mode: ConsumerMode, envelope: EnvelopeSettings | undefined): Carrier[] {
  const envelopes = [jsonEnvelope(), cloudEventsStructured(cloudEventsOptions(envelope))];
  if (mode === 'headers') return [headersCarrier()];
  if (mode === 'envelope') return envelopes;
  return [headersCarrier(), cloudEventsBinary(cloudEventsOptions(envelope)), ...envelopes];
}
