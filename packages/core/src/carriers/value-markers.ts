import type { IncomingMessage } from './carrier.js';
import { skipWhitespace } from './json-members.js';

/** The quoted member name that marks a JSON envelope (`"tracecarrier"`), anywhere in the value. */
export const ENVELOPE_MARKER = Buffer.from('"tracecarrier"');
/** The quoted attribute name that marks a structured CloudEvent (`"specversion"`), within {@link SNIFF_BYTES}. */
export const SPECVERSION_MARKER = Buffer.from('"specversion"');
/** How far into a value a structured CloudEvent's `specversion` is looked for. */
export const SNIFF_BYTES = 4096;

/** The markers, as bits. */
export const HAS_ENVELOPE_MARKER = 1;
export const HAS_SPECVERSION_MARKER = 2;
/**
 * A `\u` escape somewhere in the value: a member name may then be a marker written with escapes
 * (`"tr\u0061cecarrier"` is `"tracecarrier"` to a parser), which the byte searches cannot see.
 * Letters have no short escape, so an escaped marker always holds a `\u`.
 */
export const HAS_UNICODE_ESCAPE = 4;
type MarkerBit = typeof HAS_ENVELOPE_MARKER | typeof HAS_SPECVERSION_MARKER;
const BOTH = HAS_ENVELOPE_MARKER | HAS_SPECVERSION_MARKER;
const ALL = BOTH | HAS_UNICODE_ESCAPE;
const MARKERS: ReadonlyArray<readonly [MarkerBit, Buffer]> = [
  [HAS_ENVELOPE_MARKER, ENVELOPE_MARKER],
  [HAS_SPECVERSION_MARKER, SPECVERSION_MARKER],
];

// Up to this many bytes one sampling pass finds both markers faster than the native searches at
// every size (`bench/value-markers.ts`, 2026-12-06, node 20, AMD EPYC: the carriers' detect with the
// pass / the searches: 57-byte JSON 209 / 472 ns, 755-byte JSON order 434 / 1220 ns, 4 KiB of JSON
// records 1592 / 4150 ns). Past SNIFF_BYTES the CloudEvents marker is only looked for at the start,
// so the native searches stay there (at 64 KiB the two cost about the same).
const ONE_PASS = SNIFF_BYTES;

// Any stretch of STRIDE bytes holds one sampled position, and each marker is longer than that: a
// marker in the value covers a sampled byte and the byte after it. The tables say, for each such
// pair of bytes, where it sits in the markers (which marker, at which offset), so a sampled pair
// names the few starts worth comparing. Pairs, not single bytes: JSON text is full of the markers'
// letters, and a sampled letter named up to six starts to compare (same bench, before pairs: the
// 755-byte order 883 ns, 4 KiB of records 4318 ns, above the native searches).
const STRIDE = Math.min(ENVELOPE_MARKER.length, SPECVERSION_MARKER.length) - 1;
const PAIRS = new Map<number, Array<readonly [MarkerBit, number]>>();
for (const [bit, marker] of MARKERS) {
  for (let offset = 0; offset + 1 < marker.length; offset++) {
    const pair = ((marker[offset] as number) << 8) | (marker[offset + 1] as number);
    PAIRS.set(pair, [...(PAIRS.get(pair) ?? []), [bit, offset] as const]);
  }
}
/** 1 for a byte that starts some pair of a marker: most sampled bytes are settled by this small table alone. */
const STARTS_PAIR = new Uint8Array(256);
/** Pair `(a << 8) | b`'s group, 0 for none; group `g`'s places are entries GROUP_FROM[g] to GROUP_FROM[g + 1] of PLACE_BIT and PLACE_OFFSET. */
const GROUP = new Uint8Array(65536);
const GROUP_FROM = new Uint8Array(PAIRS.size + 2);
const PLACE_BIT = new Uint8Array([...PAIRS.values()].flat().map(([bit]) => bit));
const PLACE_OFFSET = new Uint8Array([...PAIRS.values()].flat().map(([, offset]) => offset));
[...PAIRS].forEach(([pair, places], index) => {
  STARTS_PAIR[pair >> 8] = 1;
  GROUP[pair] = index + 1;
  GROUP_FROM[index + 2] = (GROUP_FROM[index + 1] as number) + places.length;
});

function markerAt(bytes: Buffer, start: number, marker: Buffer): boolean {
  if (start < 0 || start + marker.length > bytes.length) return false;
  for (let k = 0; k < marker.length; k++) if (bytes[start + k] !== marker[k]) return false;
  return true;
}

/** Both markers of a value up to {@link ONE_PASS} bytes, in one sampling pass: about one pair of bytes in {@link STRIDE} is read unless a marker may start near it. */
function scanShort(bytes: Buffer): number {
  let found = 0;
  const last = bytes.length - 1;
  for (let at = STRIDE - 1; at < last && found !== BOTH; at += STRIDE) {
    const first = bytes[at] as number;
    if (STARTS_PAIR[first] === 0) continue;
    const group = GROUP[(first << 8) | (bytes[at + 1] as number)] as number;
    if (group === 0) continue;
    for (let p = GROUP_FROM[group] as number, end = GROUP_FROM[group + 1] as number; p < end; p++) {
      const bit = PLACE_BIT[p] as number;
      if ((found & bit) === 0 && markerAt(bytes, at - (PLACE_OFFSET[p] as number), bit === HAS_ENVELOPE_MARKER ? ENVELOPE_MARKER : SPECVERSION_MARKER)) found |= bit;
    }
  }
  return found;
}

function search(bytes: Buffer, marker: MarkerBit): boolean {
  return marker === HAS_ENVELOPE_MARKER ? bytes.indexOf(ENVELOPE_MARKER) >= 0 : bytes.subarray(0, SNIFF_BYTES).indexOf(SPECVERSION_MARKER) >= 0;
}

/** Whether `bytes` holds a `\u` escape (see {@link HAS_UNICODE_ESCAPE}): a native search for each backslash. */
export function hasUnicodeEscape(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(0x5c); at >= 0; at = bytes.indexOf(0x5c, at + 2)) if (bytes[at + 1] === 0x75) return true;
  return false;
}

/**
 * Whether a value holds a carrier marker: the presence test the JSON envelope and the CloudEvents
 * structured carriers start with. A hit is only a hint; the carriers confirm it.
 */
export function hasMarker(bytes: Buffer, marker: MarkerBit): boolean {
  return bytes.length <= ONE_PASS ? (scanShort(bytes) & marker) !== 0 : search(bytes, marker);
}

/**
 * Whether a value can be a JSON object at all: its first byte past JSON whitespace (and a UTF-8
 * byte order mark) is `{`. Envelopes and structured CloudEvents are JSON objects, so any other
 * value (Avro, Protobuf, plain text) is settled without a search.
 */
function mayBeObject(bytes: Buffer): boolean {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return bytes[skipWhitespace(bytes, bom, bytes.length)] === 0x7b;
}

// The last message asked about: the envelope and CloudEvents carriers ask about the same message in a row.
let lastMessage: object | undefined;
let known = 0;
let found = 0;

/**
 * {@link hasMarker} (or {@link hasUnicodeEscape}) for a received message's value, each looked for at
 * most once per message (both markers at once for a short value, nothing for a value that is not a
 * JSON object); `undefined` for a tombstone or a value that is not a Buffer.
 */
export function messageHasMarker(message: Pick<IncomingMessage, 'value'>, marker: MarkerBit | typeof HAS_UNICODE_ESCAPE): boolean | undefined {
  const value = message.value;
  if (!Buffer.isBuffer(value)) return undefined;
  if (message !== lastMessage) {
    lastMessage = message;
    known = 0;
    found = 0;
    if (!mayBeObject(value)) known = ALL;
  }
  if (marker === HAS_UNICODE_ESCAPE) {
    if ((known & HAS_UNICODE_ESCAPE) === 0) {
      if (hasUnicodeEscape(value)) found |= HAS_UNICODE_ESCAPE;
      known |= HAS_UNICODE_ESCAPE;
    }
    return (found & HAS_UNICODE_ESCAPE) !== 0;
  }
  if ((known & marker) === 0) {
    if (value.length <= ONE_PASS) {
      found = (found & HAS_UNICODE_ESCAPE) | scanShort(value);
      known |= BOTH;
    } else {
      if (search(value, marker)) found |= marker;
      known |= marker;
    }
  }
  return (found & marker) !== 0;
}
