import { isUtf8 } from 'node:buffer';
import type { MessageValue } from './carrier.js';
import { lastNonWhitespace, skipWhitespace } from './json-members.js';

/**
 * How an envelope writer decides whether a payload embeds as JSON or travels base64-encoded.
 * - `auto` (default): embed when the bytes are UTF-8 JSON (checked with one `JSON.parse`).
 * - `json`: the application vouches that every value is JSON; only the first and last bytes are checked.
 * - `binary`: always base64.
 */
export type PayloadEncoding = 'auto' | 'json' | 'binary';

/** Views any byte array as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A value as bytes (text is UTF-8 encoded), or `undefined` for a tombstone. */
export function valueBytes(value: MessageValue): Buffer | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : asBuffer(value);
}

/**
 * Decides whether `payload` embeds as JSON text. Payloads with surrounding whitespace travel as
 * base64 so that unwrapping stays byte-exact whatever the reader trims.
 */
export function embedsAsJson(payload: Uint8Array, encoding: PayloadEncoding): boolean {
  if (encoding === 'binary' || payload.length === 0) return false;
  if (skipWhitespace(payload, 0, payload.length) !== 0 || lastNonWhitespace(payload, payload.length) !== payload.length - 1) return false;
  if (encoding === 'json') return true;
  if (!isUtf8(payload)) return false;
  try {
    JSON.parse(asBuffer(payload).toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 decoding (Node's own decoder silently skips bad characters). */
export function decodeBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/** A plain, prototype-free copy of an object whose values are all strings, else `undefined`. */
export function stringRecord(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = Object.create(null);
  for (const key of Object.keys(value)) {
    const field: unknown = (value as Record<string, unknown>)[key];
    if (typeof field !== 'string') return undefined;
    out[key] = field;
  }
  return out;
}

/** A key (or any value) as text when it is valid UTF-8, else `undefined`. */
export function keyText(key: MessageValue): string | undefined {
  if (key === null || key === undefined) return undefined;
  if (typeof key === 'string') return key;
  return isUtf8(key) ? asBuffer(key).toString('utf8') : undefined;
}
