import { isUtf8 } from 'node:buffer';
import type { DiagnosticSink } from './diagnostics.js';
import { lastNonWhitespace, skipWhitespace } from './json-members.js';

/** The envelope formats: tracecarrier's own JSON envelope, or a CloudEvents 1.0 structured event. */
export type EnvelopeFormat = 'json' | 'cloudevents';

/**
 * How a producer decides whether a payload embeds as JSON or travels base64-encoded.
 * - `auto` (default): embed when the bytes are UTF-8 JSON (checked with one `JSON.parse`).
 * - `json`: the application vouches that every value is JSON; only the first and last bytes are checked.
 * - `binary`: always base64.
 */
export type PayloadEncoding = 'auto' | 'json' | 'binary';

/** Limits on what an envelope reader parses, enforced before parsing (see {@link ReadLimits}). */
export interface EnvelopeLimits {
  /** Largest envelope (whole value, bytes) that is parsed; larger values pass through untouched. */
  readonly maxEnvelopeBytes: number;
  /** Largest span of envelope members before the payload (context, attributes), in bytes. */
  readonly maxContextBytes: number;
}

/**
 * Everything tracecarrier parses from an incoming message is bounded, and each bound is checked
 * before any work or allocation proportional to the input.
 */
export interface ReadLimits extends EnvelopeLimits {
  /** Largest propagation header value read, in bytes; a larger one is ignored. */
  readonly maxHeaderBytes: number;
}

/** Defaults for {@link ReadLimits}: 16 KiB per header value, 16 MiB per envelope, 64 KiB of envelope context. */
export const DEFAULT_LIMITS: ReadLimits = { maxHeaderBytes: 16 * 1024, maxEnvelopeBytes: 16 * 1024 * 1024, maxContextBytes: 64 * 1024 };

/** The envelope part of {@link DEFAULT_LIMITS}. */
export const DEFAULT_ENVELOPE_LIMITS: EnvelopeLimits = DEFAULT_LIMITS;

/** What the writer knows about the message being wrapped. */
export interface EnvelopeWriteInfo {
  readonly topic: string;
}

/** The outcome of reading a value as an envelope. Readers never throw. */
export type EnvelopeRead =
  | { readonly kind: 'envelope'; readonly format: EnvelopeFormat; readonly fields: Readonly<Record<string, string>>; readonly payload: Buffer }
  | { readonly kind: 'not-envelope' }
  | { readonly kind: 'invalid'; readonly code: InvalidEnvelopeCode; readonly reason: string };

/** Why a value that claims to be an envelope was not read. */
export type InvalidEnvelopeCode = 'invalid-envelope' | 'unsupported-envelope-version' | 'field-too-large';

/**
 * One envelope format as a record of functions, after the CloudEvents SDK's `Binding`: a writer,
 * a cheap detector, and a total reader.
 */
export interface EnvelopeCodec {
  readonly format: EnvelopeFormat;
  /** Wraps `payload` with the propagation `fields`. */
  encode(payload: Uint8Array, fields: Readonly<Record<string, string>>, info: EnvelopeWriteInfo, sink?: DiagnosticSink): Buffer;
  /** True when `value` claims to be an envelope of this format (cheap; looks only at leading bytes). */
  detect(value: Uint8Array): boolean;
  /** Reads a value that {@link detect} accepted. Never throws. */
  decode(value: Uint8Array, limits: EnvelopeLimits): EnvelopeRead;
}

/** The `EnvelopeRead` for a value that cannot be read. */
export function invalidEnvelope(reason: string, code: InvalidEnvelopeCode = 'invalid-envelope'): EnvelopeRead {
  return { kind: 'invalid', code, reason };
}

/** Views any byte array as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
