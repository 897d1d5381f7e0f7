import type { HeaderValue } from '../../headers/header-value.js';
import type { HeaderList, HeaderRecord } from '../../headers/kafka-headers.js';
import type { PltHeaders, PltSerializer } from './types.js';

/**
 * @platformatic/kafka's headers are a `Map` whose keys and values take whatever form its serializers
 * and deserializers give (Buffers by default, strings with the string serde), or, outgoing, a record.
 * A received message's `headerEntries` map onto core's record shape (repeated keys kept, in order)
 * and an outgoing message's headers onto its list shape: the W3C rules for repeated
 * `traceparent`/`tracestate` headers then apply as for every other client.
 */

/** The form a serializer takes a header key or value (or a payload) in: a Buffer, or text. */
export type PltForm = 'buffer' | 'string';

/** A header key as text: a string as is, bytes as UTF-8; `undefined` for another type (a custom deserializer's object). */
export function keyText(key: unknown): string | undefined {
  if (typeof key === 'string') return key;
  if (key instanceof Uint8Array) return (Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength)).toString();
  return undefined;
}

/** Every header of a `Map`, a record or a list of entries, in order. */
function entriesOf(headers: PltHeaders | Iterable<readonly [unknown, unknown]>): Iterable<readonly [unknown, unknown]> {
  if (headers instanceof Map || Symbol.iterator in headers) return headers as Iterable<readonly [unknown, unknown]>;
  return Object.entries(headers);
}

/**
 * The headers as carriers read them: core's list shape, one `{ key: value }` entry per header, keys
 * decoded to text, values as they are (a value that is neither text nor bytes is reported by the
 * reader that asks for it, never taken for a context). A key that is neither is left out.
 */
export function headerList(headers: PltHeaders | Iterable<readonly [unknown, unknown]> | undefined | null): HeaderList | undefined {
  if (headers === undefined || headers === null) return undefined;
  const list: Array<{ [key: string]: HeaderValue }> = [];
  for (const [key, value] of entriesOf(headers)) {
    const name = keyText(key);
    // A computed key is an own property, `__proto__` included.
    if (name !== undefined) list.push({ [name]: value as HeaderValue });
  }
  return list;
}

/**
 * A received message's headers as carriers read them, in core's record shape: one object for the
 * message (a key that occurs several times maps to its values in order), keys decoded to text. The
 * list shape costs an object per header: part 8 on the broker profiled the consumer's allocations
 * and their garbage collection as most of what it cost beyond the same tracing by hand.
 */
export function headerRecord(headers: PltHeaders | Iterable<readonly [unknown, unknown]> | undefined | null): HeaderRecord | undefined {
  if (headers === undefined || headers === null) return undefined;
  const record: HeaderRecord = {};
  for (const [key, value] of entriesOf(headers)) {
    const name = keyText(key);
    if (name === undefined) continue;
    if (!Object.hasOwn(record, name)) setOwn(record, name, value as HeaderValue);
    else {
      const first = record[name] as HeaderValue | HeaderValue[];
      if (Array.isArray(first)) first.push(value as HeaderValue);
      else setOwn(record, name, [first, value as HeaderValue]);
    }
  }
  return record;
}

/** Sets an own property; `__proto__` is defined, as an assignment would set the prototype instead. */
function setOwn(record: HeaderRecord, name: string, value: HeaderValue | HeaderValue[]): void {
  if (name === '__proto__') Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
  else record[name] = value;
}

/** `text` in the form a serializer takes it. */
export function inForm(text: string, form: PltForm): string | Buffer {
  return form === 'string' ? text : Buffer.from(text);
}

/**
 * The caller's headers with the propagation `fields` set, in the caller's own shape (a `Map` stays a
 * `Map`, a record a record; none gives a `Map`) and in the forms the producer's serializers take.
 * Headers the propagator owns (a stale context, on a re-send or a forwarded message) and those the
 * carriers set are dropped first, so they are replaced, never duplicated. The caller's object is
 * never modified. `undefined` when there is nothing to send.
 */
export function outgoingHeaders(
  headers: PltHeaders | undefined,
  fields: Readonly<Record<string, string>> | undefined,
  owned: readonly string[],
  forms: { readonly key: PltForm; readonly value: PltForm },
): PltHeaders | undefined {
  const set = fields ?? {};
  const names = Object.keys(set);
  if (headers === undefined || headers === null) {
    if (names.length === 0) return undefined;
    return new Map(names.map((name) => [inForm(name, forms.key), inForm(set[name] as string, forms.value)]));
  }
  const replaced = (key: unknown) => {
    const name = keyText(key);
    return name !== undefined && (owned.includes(name) || Object.hasOwn(set, name));
  };
  if (headers instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [key, value] of headers) if (!replaced(key)) out.set(key, value);
    for (const name of names) out.set(inForm(name, forms.key), inForm(set[name] as string, forms.value));
    return out;
  }
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  for (const key of Object.keys(headers)) if (!replaced(key)) put(key, headers[key]);
  for (const name of names) put(name, inForm(set[name] as string, forms.value));
  return out;
}

const PROBE = 'tracecarrier';

function writesAsIs(serializer: PltSerializer, input: string | Buffer): boolean {
  try {
    const out = serializer(input);
    return Buffer.isBuffer(out) && out.equals(Buffer.from(PROBE));
  } catch {
    return false;
  }
}

/**
 * The form in which a serializer writes text byte for byte (a `traceparent`, an envelope): `string`
 * when it encodes strings as UTF-8 (the client's `stringSerializers`), `buffer` when it passes Buffers
 * through (the client's default), `undefined` when it does neither (it encodes JSON, Avro…). Asked once
 * per serializer, with a fixed probe: serializers are functions of their input.
 */
export function serializerForm(serializer: PltSerializer | undefined): PltForm | undefined {
  if (serializer === undefined) return 'buffer';
  if (writesAsIs(serializer, PROBE)) return 'string';
  if (writesAsIs(serializer, Buffer.from(PROBE))) return 'buffer';
  return undefined;
}
