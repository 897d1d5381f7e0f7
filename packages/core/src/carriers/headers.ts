import { decodeHeaderValue } from '../headers/header-value.js';
import { hasRepeatedKeys, headerKeys, onlyHeaderValue, readHeader, valuesOf, type KafkaHeaders } from '../headers/kafka-headers.js';
import { TRACEPARENT_BYTES, type TraceparentBytes } from '../propagation/stock-w3c.js';
import type { Carrier, CarrierContext, CarrierFields, CarrierRead } from './carrier.js';

/**
 * W3C fields whose values are lists: several headers of one of these names are one list, combined
 * in order (the W3C and HTTP field-combination rule), and the limits apply to the combination.
 * @see https://www.w3.org/TR/trace-context/#tracestate-header-field-values
 * @see https://www.w3.org/TR/baggage/#header-content
 */
const LIST_FIELDS: ReadonlySet<string> = new Set(['tracestate', 'baggage']);

/** Surrounding optional whitespace (spaces and tabs, any amount), which W3C parsers may reject. */
function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

const UNREAD = Symbol('unread');

/** Header getter over one message's headers, reporting bad values to the message's sink. */
class HeaderFields implements TraceparentBytes {
  readonly #headers: KafkaHeaders;
  readonly #context: CarrierContext;
  readonly #repeated: boolean;
  #withheld: Set<string> | undefined;
  #tracestate: string | undefined | typeof UNREAD = UNREAD;
  #baggage: string | undefined | typeof UNREAD = UNREAD;
  constructor(headers: KafkaHeaders, context: CarrierContext, repeated: boolean) {
    this.#headers = headers;
    this.#context = context;
    this.#repeated = repeated;
  }
  get(name: string): string | undefined {
    if (this.#withheld?.has(name) === true) return undefined;
    if (this.#repeated && LIST_FIELDS.has(name)) return this.#combined(name);
    // The list fields are read twice (by the propagator, then against the W3C limits): read once.
    if (name === 'tracestate') return this.#tracestate === UNREAD ? (this.#tracestate = this.#read(name)) : this.#tracestate;
    if (name === 'baggage') return this.#baggage === UNREAD ? (this.#baggage = this.#read(name)) : this.#baggage;
    return this.#read(name);
  }
  #read(name: string): string | undefined {
    const value = readHeader(this.#headers, name, this.#context, this.#context.limits.maxHeaderBytes);
    if (value === undefined) return undefined;
    const trimmed = trimOws(value);
    return trimmed === '' ? undefined : trimmed;
  }
  keys(): string[] {
    return headerKeys(this.#headers);
  }
  /** The `traceparent` header's bytes, when it is one Buffer value within the size limit (else read it as text). */
  [TRACEPARENT_BYTES](): Uint8Array | undefined {
    if (this.#repeated || this.#withheld !== undefined) return undefined;
    const value = onlyHeaderValue(this.#headers, 'traceparent');
    return value instanceof Uint8Array && value.byteLength <= this.#context.limits.maxHeaderBytes ? value : undefined;
  }
  /** Itself: a read of the headers carrier is just its fields (one object per message, not two). */
  get fields(): this {
    return this;
  }
  /** The distinct non-empty values of a field, in order. */
  distinct(name: string): string[] {
    return [...new Set(this.#values(name))];
  }
  /** Keeps a field from the propagator (its values disagree). */
  withhold(name: string): void {
    (this.#withheld ??= new Set()).add(name);
  }
  #combined(name: string): string | undefined {
    const members = this.#values(name);
    return members.length === 0 ? undefined : members.join(',');
  }
  /** Every value of a field, decoded and trimmed, empty ones left out, in order. */
  #values(name: string): string[] {
    const values: string[] = [];
    for (const raw of valuesOf(this.#headers, name)) {
      const text = decodeHeaderValue(raw, name, this.#context, this.#context.limits.maxHeaderBytes);
      const trimmed = text === undefined ? '' : trimOws(text);
      if (trimmed !== '') values.push(trimmed);
    }
    return values;
  }
}

/**
 * The headers carrier (`headers`, the default): the propagator's fields (`traceparent`,
 * `tracestate`, `baggage`, or B3's, Jaeger's…) as Kafka record headers; the value is never touched.
 * Values are read as UTF-8 text from strings or Buffers, surrounding spaces and tabs trimmed;
 * non-UTF-8, oversized, null and empty values are ignored (and reported). Kafka allows several
 * headers of one name, and the W3C rules apply: several `tracestate` (or `baggage`) headers are
 * one list, combined in order; several `traceparent` headers that disagree are not guessed between —
 * the message starts a new trace linked to each candidate, with one `conflicting-header-values`
 * diagnostic.
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
    extract(message, context): CarrierRead {
      const headers = message.headers as KafkaHeaders;
      const repeated = hasRepeatedKeys(headers);
      const fields = new HeaderFields(headers, context, repeated);
      if (!repeated) return fields;
      const candidates: CarrierFields[] = [];
      for (const name of context.propagationFields) {
        if (LIST_FIELDS.has(name)) continue;
        const values = fields.distinct(name);
        if (values.length < 2) continue;
        fields.withhold(name);
        candidates.push(...values.map((value) => ({ [name]: value })));
        context.report('conflicting-header-values', `header "${name}" occurs ${values.length} times with different values; a new trace is started, linked to each`, { field: name });
      }
      return candidates.length === 0 ? { fields } : { fields, candidates };
    },
  };
}
