import type { IncomingMessage, MessageValue } from '../../carriers/carrier.js';
import { TracecarrierError } from '../../errors.js';
import type { KafkaHeaders } from '../../headers/kafka-headers.js';
import type { OutgoingFacts } from '../../pipeline/message-path.js';
import type { OutgoingCarry } from '../../pipeline/outgoing.js';
import type { ProducerRuntime } from '../../pipeline/runtime.js';
import { headerList, headerRecord, outgoingHeaders, serializerForm, type PltForm } from './headers.js';
import type { PltClientOptions, PltMessage, PltMessageToProduce } from './types.js';

/** A key or value as carriers can read it: text or bytes as they are, anything else (a deserialized object) absent. */
export function bytesOrText(value: unknown): MessageValue {
  return typeof value === 'string' || value instanceof Uint8Array ? value : undefined;
}

/** The forms a producer's serializers take the context in: header keys, header values, and an envelope (the value). */
export interface PltForms {
  readonly key: PltForm;
  readonly value: PltForm;
  /** `undefined` when the value serializer writes neither text nor Buffers as they are. */
  readonly payload: PltForm | undefined;
}

/**
 * What the producer's serializers accept, asked once at construction. Headers must take text or
 * Buffers byte for byte (the context always may travel in headers: tombstones, CloudEvents); the
 * value only when a carrier writes it. Otherwise the options are refused here, not at the first send.
 */
export function producerForms(options: PltClientOptions | undefined, runtime: ProducerRuntime<never>, library: string): PltForms {
  const serializers = options?.registry?.getSerializers?.() ?? options?.serializers ?? {};
  const key = serializerForm(serializers.headerKey);
  const value = serializerForm(serializers.headerValue);
  const payload = serializerForm(serializers.value);
  for (const [slot, form] of [['headerKey', key], ['headerValue', value]] as const) {
    if (form === undefined) {
      throw new TracecarrierError('invalid-options', `${library}: serializers.${slot} writes neither strings nor Buffers byte for byte, so the trace context (text) cannot be written to a header. Use the default or string serializers for headers.`, { path: `serializers.${slot}` });
    }
  }
  const wrapper = runtime.outgoing.carriers.find((carrier) => carrier.placement !== 'headers');
  if (payload === undefined && wrapper !== undefined) {
    throw new TracecarrierError('invalid-options', `${library}: carrier "${wrapper.name}" writes the value, but serializers.value writes neither strings nor Buffers byte for byte. Serialize the value yourself (default serializer), or carry the context in headers.`, { path: 'serializers.value' });
  }
  return { key: key as PltForm, value: value as PltForm, payload };
}

/** The facts the span helpers and carriers need about an outgoing message. */
export function outgoingFacts(message: PltMessageToProduce): OutgoingFacts<MessageValue> {
  // A value the serializer turns into bytes later (an object) is shown as it is: only a carrier that
  // writes the value reads it, and those are refused with such a serializer.
  return { topic: message.topic, partition: message.partition, key: bytesOrText(message.key), value: message.value as MessageValue, headers: headerList(message.headers) };
}

/**
 * A copy of `message` carrying the context: new headers in the caller's shape and the serializers'
 * forms, possibly a new value (in the value serializer's form). The caller's message and headers are
 * never modified, so re-sending the same object stays correct.
 */
export function carriedMessage<M extends PltMessageToProduce>(message: M, carry: OutgoingCarry<unknown>, owned: readonly string[], forms: PltForms): M {
  const headers = outgoingHeaders(message.headers, carry.headerFields, owned, forms);
  const out: M = { ...message };
  if (carry.enveloped) out.value = forms.payload === 'string' ? (carry.value as Buffer).toString() : carry.value;
  if (headers === undefined) delete out.headers;
  else out.headers = headers;
  return out;
}

/**
 * A received message as carriers see it: headers from `headerEntries` (every header, repeated keys
 * kept) in core's list shape, key and value when they are text or bytes. The offset (a bigint) becomes
 * text only when a carrier or a diagnostic asks.
 */
export class PltIncoming implements IncomingMessage {
  readonly topic: string;
  readonly partition: number;
  readonly key: MessageValue;
  readonly value: MessageValue;
  readonly headers: KafkaHeaders | undefined;
  readonly #offset: bigint;
  constructor(message: PltMessage) {
    this.topic = message.topic;
    this.partition = message.partition;
    this.key = bytesOrText(message.key);
    this.value = bytesOrText(message.value);
    this.headers = headerRecord(message.headerEntries ?? message.headers);
    this.#offset = message.offset;
  }
  get offset(): string {
    return String(this.#offset);
  }
}

/**
 * The value to hand over for an unwrapped envelope, in the form the deserializer gave the received
 * value: text for text (the client's `stringDeserializers`), bytes otherwise.
 */
export function handedValue(received: unknown, unwrapped: Buffer | MessageValue): unknown {
  return typeof received === 'string' && unwrapped instanceof Uint8Array ? Buffer.from(unwrapped.buffer, unwrapped.byteOffset, unwrapped.byteLength).toString() : unwrapped;
}
