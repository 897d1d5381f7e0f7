import { isUtf8 } from 'node:buffer';
import { report, type Reporter } from '../diagnostics.js';

/** A single Kafka header value as clients hand it over: text, bytes, or absent. */
export type HeaderValue = string | Uint8Array | null | undefined;

/**
 * Decodes one header value to text. Bytes must be valid UTF-8; anything else is reported as
 * `non-utf8-header` and ignored, so a binary header can never inject garbage into a propagator.
 * Total: a value of another type (a number or object in a message the application built) is
 * reported as `invalid-context` and ignored.
 */
export function decodeHeaderValue(value: HeaderValue, key: string, sink?: Reporter, maxBytes = Number.POSITIVE_INFINITY): string | undefined {
  if (value === null || value === undefined) return undefined;
  // Not from the wire, but from a message the application built: a number, an object… is no value.
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    report(sink, 'invalid-context', `header "${key}" holds a ${describeType(value)}, not text or bytes, and was ignored`, { field: key });
    return undefined;
  }
  // The size is checked before anything proportional to it is done.
  if ((typeof value === 'string' ? value.length : value.byteLength) > maxBytes) {
    report(sink, 'field-too-large', `header "${key}" is larger than limits.maxHeaderBytes (${maxBytes}) and was ignored`, { field: key });
    return undefined;
  }
  if (typeof value === 'string') return value;
  // toString() without arguments is Node's direct UTF-8 path (with an encoding it looks the encoding up first).
  const text = (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)).toString();
  // Invalid UTF-8 always decodes with a replacement character: only then are the bytes checked.
  if (text.includes('\ufffd') && !isUtf8(value)) {
    report(sink, 'non-utf8-header', `header "${key}" is not valid UTF-8 and was ignored`, { field: key });
    return undefined;
  }
  return text;
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'non-byte object' : typeof value;
}

/**
 * Picks one value from a header that occurs several times. The rule is the last non-null value, as
 * Kafka's `Headers.lastHeader` does; values that disagree are reported once as
 * `conflicting-header-values`. Values are never joined with commas.
 */
export function pickHeaderValue(values: readonly HeaderValue[], key: string, sink?: Reporter, maxBytes?: number): string | undefined {
  let picked: string | undefined;
  let conflict = false;
  for (const raw of values) {
    const text = decodeHeaderValue(raw, key, sink, maxBytes);
    if (text === undefined) continue;
    if (picked !== undefined && picked !== text) conflict = true;
    picked = text;
  }
  if (conflict) {
    report(sink, 'conflicting-header-values', `header "${key}" has several different values; the last one is used`, { field: key });
  }
  return picked;
}
