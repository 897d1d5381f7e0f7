import { describe, expect, it } from 'vitest';
import { ENVELOPE_MARKER, HAS_ENVELOPE_MARKER, HAS_SPECVERSION_MARKER, SNIFF_BYTES, SPECVERSION_MARKER, hasMarker, messageHasMarker } from './value-markers.js';

// A small deterministic generator: the same values on every run.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

// Bytes that make near misses likely: the markers' own bytes, quotes, JSON punctuation.
const ALPHABET = Buffer.from('"tracecarrierspecversion{}:, 0x');

function value(next: () => number): Buffer {
  // Both sides of the one-pass size (SNIFF_BYTES), most of them short.
  const length = Math.floor(next() * (next() < 0.85 ? 1500 : SNIFF_BYTES + 1500));
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = next() < 0.9 ? (ALPHABET[Math.floor(next() * ALPHABET.length)] as number) : Math.floor(next() * 256);
  // Plant markers (whole or cut short) at random places, including both ends.
  for (const marker of [ENVELOPE_MARKER, SPECVERSION_MARKER]) {
    if (next() < 0.5 || length < marker.length) continue;
    const cut = next() < 0.3 ? 1 + Math.floor(next() * (marker.length - 1)) : marker.length;
    const at = next() < 0.2 ? (next() < 0.5 ? 0 : length - cut) : Math.floor(next() * (length - cut + 1));
    marker.copy(bytes, at, 0, cut);
  }
  if (next() < 0.7 && length > 0) bytes[0] = 0x7b;
  return bytes;
}

const naive = (bytes: Buffer, bit: number) => (bit === HAS_ENVELOPE_MARKER ? bytes.indexOf(ENVELOPE_MARKER) >= 0 : bytes.subarray(0, SNIFF_BYTES).indexOf(SPECVERSION_MARKER) >= 0);

describe('value markers', () => {
  it('finds exactly what a plain search finds, in values of every length', () => {
    const next = random(7);
    let hits = 0;
    for (let n = 0; n < 20_000; n++) {
      const bytes = value(next);
      for (const bit of [HAS_ENVELOPE_MARKER, HAS_SPECVERSION_MARKER] as const) {
        const expected = naive(bytes, bit);
        if (hasMarker(bytes, bit) !== expected) throw new Error(`hasMarker(${JSON.stringify(bytes.toString('latin1'))}, ${bit}) should be ${expected}`);
        if (expected) hits++;
      }
    }
    // The generator must exercise both answers.
    expect(hits).toBeGreaterThan(5_000);
    expect(hits).toBeLessThan(35_000);
  });

  it('finds a marker at every place in values of every short length, and at the one-pass size', () => {
    // The sampling pass reads one pair of bytes in a stride: every start, every end, every length.
    const filler = (length: number) => Buffer.from(Array.from({ length }, (_, i) => 'rectsavionp e'.charCodeAt(i % 13)));
    const check = (bytes: Buffer) => {
      for (const bit of [HAS_ENVELOPE_MARKER, HAS_SPECVERSION_MARKER] as const) {
        if (hasMarker(bytes, bit) !== naive(bytes, bit)) throw new Error(`hasMarker(${JSON.stringify(bytes.toString('latin1'))}, ${bit}) should be ${naive(bytes, bit)}`);
      }
    };
    for (const marker of [ENVELOPE_MARKER, SPECVERSION_MARKER]) {
      for (let length = marker.length; length <= 64; length++) {
        for (let at = 0; at + marker.length <= length; at++) {
          const bytes = filler(length);
          marker.copy(bytes, at);
          check(bytes);
        }
      }
      // Around SNIFF_BYTES (the CloudEvents marker counts only within it) and the one-pass size.
      for (let length = SNIFF_BYTES - 30; length <= SNIFF_BYTES + 30; length++) {
        for (let at = SNIFF_BYTES - marker.length - 15; at + marker.length <= length; at++) {
          const bytes = filler(length);
          marker.copy(bytes, at);
          check(bytes);
        }
      }
    }
  });

  it('answers for a message as the search does when its value may be a JSON object, and no for any other value', () => {
    const next = random(11);
    for (let n = 0; n < 5_000; n++) {
      const bytes = value(next);
      const message = { value: bytes };
      const object = /^(\xef\xbb\xbf)?[ \t\r\n]*\{/.test(bytes.toString('latin1'));
      for (const bit of [HAS_SPECVERSION_MARKER, HAS_ENVELOPE_MARKER] as const) expect(messageHasMarker(message, bit)).toBe(object && naive(bytes, bit));
    }
  });

  it('takes a byte order mark and JSON whitespace before the object, and nothing else', () => {
    const marked = (prefix: string) => messageHasMarker({ value: Buffer.concat([Buffer.from(prefix, 'latin1'), Buffer.from('{"tracecarrier":1}')]) }, HAS_ENVELOPE_MARKER);
    expect(marked('')).toBe(true);
    expect(marked(' \t\r\n')).toBe(true);
    expect(marked('\xef\xbb\xbf ')).toBe(true);
    expect(marked('[')).toBe(false);
    expect(marked('\v')).toBe(false);
    expect(messageHasMarker({ value: null }, HAS_ENVELOPE_MARKER)).toBeUndefined();
  });
});
