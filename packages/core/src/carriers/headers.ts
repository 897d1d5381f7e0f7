import { headerKeys, readHeader, type KafkaHeaders } from '../headers/kafka-headers.js';
import type { Carrier, CarrierContext, CarrierRead } from './carrier.js';

/** Header getter over one message's headers, reporting bad values to the message's sink. */
class HeaderFields {
  readonly #headers: KafkaHeaders;
  readonly #context: CarrierContext;
  constructor(headers: KafkaHeaders, context: CarrierContext) {
    this.#headers = headers;
    this.#context = context;
  }
  get(name: string): string | undefined {
    return readHeader(this.#headers, name, this.#context.report, this.#context.limits.maxHeaderBytes);
  }
  keys(): string[] {
    return headerKeys(this.#headers);
  }
}

/**
 * The headers carrier (`headers`, the default): the propagator's fields (`traceparent`,
 * `tracestate`, `baggage`, or B3's, Jaeger's…) as Kafka record headers; the value is never touched.
 * Values are read as UTF-8 text from strings or Buffers; a repeated header resolves to its last
 * non-null value; non-UTF-8, oversized and null values are ignored and reported.
 *
 * @example
 * ```ts
 * const consumer = kafka.consumer({ groupId: 'billing' }, { carriers: [headersCarrier()] });
 * ```
 */
export function headersCarrier(): Carrier {
  return {
    name: 'headers',
    placement: 'headers',
    inject: (_message, fields) => ({ headers: fields }),
    detect: (message) => message.headers !== undefined && message.headers !== null,
    extract: (message, context): CarrierRead => ({ fields: new HeaderFields(message.headers as KafkaHeaders, context) }),
  };
}
