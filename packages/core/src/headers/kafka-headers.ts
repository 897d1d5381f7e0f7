import type { Reporter } from '../diagnostics.js';
import { pickHeaderValue, decodeHeaderValue, type HeaderValue } from './header-value.js';

/** Headers as a record, the kafkajs `IHeaders` shape: a key maps to one value or several. */
export type HeaderRecord = { [key: string]: HeaderValue | HeaderValue[] };

/** Headers as an ordered list of one-key objects, the node-rdkafka `MessageHeader[]` shape. */
export type HeaderList = ReadonlyArray<{ [key: string]: HeaderValue }>;

/** Either header shape. */
export type KafkaHeaders = HeaderRecord | HeaderList;

function isHeaderList(headers: KafkaHeaders): headers is HeaderList {
  return Array.isArray(headers);
}

/** All values of `key`, in order, from either shape. */
export function valuesOf(headers: KafkaHeaders, key: string): HeaderValue[] {
  if (isHeaderList(headers)) {
    const values: HeaderValue[] = [];
    for (const entry of headers) {
      if (entry !== null && typeof entry === 'object' && Object.hasOwn(entry, key)) values.push(entry[key]);
    }
    return values;
  }
  if (!Object.hasOwn(headers, key)) return [];
  const value = headers[key];
  return Array.isArray(value) ? value : [value];
}

const ABSENT = Symbol('absent');
const REPEATED = Symbol('repeated');

/** The value of a header that occurs once, else whether it is absent or occurs several times. */
function single(headers: KafkaHeaders, key: string): HeaderValue | typeof ABSENT | typeof REPEATED {
  if (!isHeaderList(headers)) {
    if (!Object.hasOwn(headers, key)) return ABSENT;
    const value = headers[key];
    return Array.isArray(value) ? REPEATED : value;
  }
  let found = -1;
  for (let i = 0; i < headers.length; i++) {
    const entry = headers[i];
    if (entry === null || typeof entry !== 'object' || !Object.hasOwn(entry, key)) continue;
    if (found >= 0) return REPEATED;
    found = i;
  }
  return found < 0 ? ABSENT : (headers[found] as { [key: string]: HeaderValue })[key];
}

/**
 * Reads one header as text from either shape: Buffers decode as UTF-8, null/undefined are skipped,
 * a repeated header resolves to its last non-null value.
 */
export function readHeader(headers: KafkaHeaders | undefined, key: string, sink?: Reporter, maxBytes?: number): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  // The common case first: a key that occurs once (or not at all), without an array of values.
  const one = single(headers, key);
  if (one === ABSENT) return undefined;
  if (one !== REPEATED) return decodeHeaderValue(one, key, sink, maxBytes);
  const values = valuesOf(headers, key);
  if (values.length === 0) return undefined;
  return values.length === 1 ? decodeHeaderValue(values[0], key, sink, maxBytes) : pickHeaderValue(values, key, sink, maxBytes);
}

/** The raw value of a header that occurs exactly once, else `undefined`. */
export function onlyHeaderValue(headers: KafkaHeaders, key: string): HeaderValue {
  const one = single(headers, key);
  return one === ABSENT || one === REPEATED ? undefined : one;
}

/**
 * Whether any of `keys` is a header of `headers` (whatever its value): one pass over a header list
 * instead of one per key, for the questions asked of every message (is it an event?).
 */
export function hasAnyHeader(headers: KafkaHeaders, keys: readonly string[]): boolean {
  if (!isHeaderList(headers)) {
    for (let k = 0; k < keys.length; k++) if (Object.hasOwn(headers, keys[k] as string)) return true;
    return false;
  }
  for (let i = 0; i < headers.length; i++) {
    const entry = headers[i];
    if (entry === null || typeof entry !== 'object') continue;
    for (const key in entry) if (keys.includes(key) && Object.hasOwn(entry, key)) return true;
  }
  return false;
}

/** True when some key occurs more than once (an array value, or a repeated entry of the list shape). */
export function hasRepeatedKeys(headers: KafkaHeaders): boolean {
  if (!isHeaderList(headers)) {
    for (const key in headers) if (Array.isArray(headers[key])) return true;
    return false;
  }
  if (headers.length < 2) return false;
  const seen = new Set<string>();
  for (const entry of headers) {
    if (entry === null || typeof entry !== 'object') continue;
    for (const key of Object.keys(entry)) {
      if (seen.has(key)) return true;
      seen.add(key);
    }
  }
  return false;
}

/** The distinct header keys of either shape, in first-seen order. */
export function headerKeys(headers: KafkaHeaders | undefined): string[] {
  if (headers === undefined || headers === null) return [];
  if (!isHeaderList(headers)) return Object.keys(headers);
  const keys = new Set<string>();
  for (const entry of headers) if (entry !== null && typeof entry === 'object') for (const key of Object.keys(entry)) keys.add(key);
  return [...keys];
}

/**
 * Returns a copy of `headers` (record shape) with the propagation `fields` set. Keys in `owned` (the
 * propagator's fields) are removed first, so injecting twice — a retry, a re-send, a forwarded
 * message — replaces the context instead of duplicating it. Other headers keep their order and
 * bytes; the caller's object is never modified.
 */
export function withHeaderRecordFields(
  headers: HeaderRecord | undefined,
  fields: Readonly<Record<string, string>>,
  owned: readonly string[],
): HeaderRecord {
  const out: HeaderRecord = {};
  if (headers !== undefined && headers !== null) {
    for (const key in headers) {
      if (!Object.hasOwn(headers, key) || isReplaced(key, owned, fields)) continue;
      setOwn(out, key, headers[key]);
    }
  }
  for (const key of Object.keys(fields)) setOwn(out, key, fields[key]);
  return out;
}

// A header named `__proto__` must stay a header, not become the copy's prototype.
function setOwn(target: HeaderRecord, key: string, value: HeaderValue | HeaderValue[]): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The list-shape twin of {@link withHeaderRecordFields}: a new array, entries of owned keys dropped. */
export function withHeaderListFields(
  headers: HeaderList | undefined,
  fields: Readonly<Record<string, string>>,
  owned: readonly string[],
): Array<{ [key: string]: HeaderValue }> {
  const out: Array<{ [key: string]: HeaderValue }> = [];
  if (headers !== undefined && headers !== null) {
    for (const entry of headers) {
      if (entry === null || typeof entry !== 'object') continue;
      if (!hasReplacedKey(entry, owned, fields)) {
        out.push(entry);
        continue;
      }
      const kept = Object.keys(entry).filter((key) => !isReplaced(key, owned, fields));
      if (kept.length > 0) out.push(Object.fromEntries(kept.map((key) => [key, entry[key]])));
    }
  }
  for (const key in fields) if (Object.hasOwn(fields, key)) out.push({ [key]: fields[key] as string });
  return out;
}

// Checked for every header of every message sent: no arrays, no closures.
function hasReplacedKey(entry: { readonly [key: string]: HeaderValue }, owned: readonly string[], fields: Readonly<Record<string, string>>): boolean {
  for (const key in entry) if (Object.hasOwn(entry, key) && isReplaced(key, owned, fields)) return true;
  return false;
}

/** A header the copy leaves out: one the propagator owns (a stale context) or one the carriers set. */
function isReplaced(key: string, owned: readonly string[], fields: Readonly<Record<string, string>>): boolean {
  return owned.includes(key) || Object.hasOwn(fields, key);
}
