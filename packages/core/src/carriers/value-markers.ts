import type { IncomingMessage } from './carrier.js';

/** The quoted member name that marks a JSON envelope (`"tracecarrier"`), anywhere in the value. */
export const ENVELOPE_MARKER = Buffer.from('"tracecarrier"');
/** The quoted attribute name that marks a structured CloudEvent (`"specversion"`), within {@link SNIFF_BYTES}. */
export const SPECVERSION_MARKER = Buffer.from('"specversion"');
/** How far into a value a structured CloudEvent's `specversion` is looked for. */
export const SNIFF_BYTES = 4096;

/** The markers, as bits. */
export const HAS_ENVELOPE_MARKER = 1;
export const HAS_SPECVERSION_MARKER = 2;
type MarkerBit = typeof HAS_ENVELOPE_MARKER | typeof HAS_SPECVERSION_MARKER;
const BOTH = HAS_ENVELOPE_MARKER | HAS_SPECVERSION_MARKER;

// Up to this many bytes one loop finds both markers faster than a native search finds one (whose
// call costs more than the search).
const ONE_PASS = 256;

function matchesAt(bytes: Buffer, at: number, marker: Uint8Array): boolean {
  if (at + marker.length > bytes.length) return false;
  for (let k = 1; k < marker.length; k++) if (bytes[at + k] !== marker[k]) return false;
  return true;
}

/** Both markers of a short value, in one pass. */
function scanShort(bytes: Buffer): number {
  let found = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x22) continue;
    const next = bytes[i + 1];
    if (next === 0x74 && matchesAt(bytes, i, ENVELOPE_MARKER)) found |= HAS_ENVELOPE_MARKER;
    else if (next === 0x73 && matchesAt(bytes, i, SPECVERSION_MARKER)) found |= HAS_SPECVERSION_MARKER;
  }
  return found;
}

function search(bytes: Buffer, marker: MarkerBit): boolean {
  return marker === HAS_ENVELOPE_MARKER ? bytes.indexOf(ENVELOPE_MARKER) >= 0 : bytes.subarray(0, SNIFF_BYTES).indexOf(SPECVERSION_MARKER) >= 0;
}

/**
 * Whether a value holds a carrier marker: the presence test the JSON envelope and the CloudEvents
 * structured carriers start with. A hit is only a hint; the carriers confirm it.
 */
export function hasMarker(bytes: Buffer, marker: MarkerBit): boolean {
  return bytes.length <= ONE_PASS ? (scanShort(bytes) & marker) !== 0 : search(bytes, marker);
}

// The last message asked about: the envelope and CloudEvents carriers ask about the same message in a row.
let lastMessage: object | undefined;
let known = 0;
let found = 0;

/**
 * {@link hasMarker} for a received message's value, each marker looked for once per message (both
 * at once for a short value); `undefined` for a tombstone or a value that is not a Buffer.
 */
export function messageHasMarker(message: Pick<IncomingMessage, 'value'>, marker: MarkerBit): boolean | undefined {
  const value = message.value;
  if (!Buffer.isBuffer(value)) return undefined;
  if (message !== lastMessage) {
    lastMessage = message;
    known = 0;
    found = 0;
  }
  if ((known & marker) === 0) {
    if (value.length <= ONE_PASS) {
      found = scanShort(value);
      known = BOTH;
    } else {
      if (search(value, marker)) found |= marker;
      known |= marker;
    }
  }
  return (found & marker) !== 0;
}
