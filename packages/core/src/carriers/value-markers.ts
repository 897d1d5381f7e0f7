import type { IncomingMessage } from './carrier.js';
import { containsBytes } from './json-members.js';

/** The quoted member name that marks a JSON envelope (`"tracecarrier"`), anywhere in the value. */
export const ENVELOPE_MARKER = Buffer.from('"tracecarrier"');
/** The quoted attribute name that marks a structured CloudEvent (`"specversion"`), within {@link SNIFF_BYTES}. */
export const SPECVERSION_MARKER = Buffer.from('"specversion"');
/** How far into a value a structured CloudEvent's `specversion` is looked for. */
export const SNIFF_BYTES = 4096;

/** Bits of {@link valueMarkers}. */
export const HAS_ENVELOPE_MARKER = 1;
export const HAS_SPECVERSION_MARKER = 2;

// Below this many bytes one loop finds both markers faster than two native searches.
const ONE_PASS = 256;

function matchesAt(bytes: Buffer, at: number, marker: Uint8Array): boolean {
  if (at + marker.length > bytes.length) return false;
  for (let k = 1; k < marker.length; k++) if (bytes[at + k] !== marker[k]) return false;
  return true;
}

/**
 * Which carrier markers a value holds (bits {@link HAS_ENVELOPE_MARKER}, {@link HAS_SPECVERSION_MARKER}):
 * the presence test both the JSON envelope and the CloudEvents structured carriers start with,
 * done in one pass for short values. A hit is only a hint; the carriers confirm it.
 */
export function valueMarkers(bytes: Buffer): number {
  if (bytes.length > ONE_PASS) {
    return (containsBytes(bytes, ENVELOPE_MARKER, bytes.length) ? HAS_ENVELOPE_MARKER : 0) | (containsBytes(bytes, SPECVERSION_MARKER, SNIFF_BYTES) ? HAS_SPECVERSION_MARKER : 0);
  }
  let found = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x22) continue;
    const next = bytes[i + 1];
    if (next === 0x74 && matchesAt(bytes, i, ENVELOPE_MARKER)) found |= HAS_ENVELOPE_MARKER;
    else if (next === 0x73 && matchesAt(bytes, i, SPECVERSION_MARKER)) found |= HAS_SPECVERSION_MARKER;
  }
  return found;
}

// The last message asked about: the envelope and CloudEvents carriers ask about the same message in a row.
let lastMessage: object | undefined;
let lastMarkers = 0;

/** {@link valueMarkers} of a received message's value (0 for a tombstone or text), computed once per message. */
export function messageValueMarkers(message: Pick<IncomingMessage, 'value'>): number | undefined {
  const value = message.value;
  if (!Buffer.isBuffer(value)) return undefined;
  if (message === lastMessage) return lastMarkers;
  lastMarkers = valueMarkers(value);
  lastMessage = message;
  return lastMarkers;
}
