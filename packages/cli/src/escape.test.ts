import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeText } from './escape.js';

/**
 * The oracle, written apart from the module's regular expression: a UTF-16 code unit a terminal
 * would act on (C0, DEL, C1, the line and paragraph separators, the bidirectional controls), or a
 * surrogate that is not half of a pair.
 */
function unsafeAt(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f) || unit === 0x2028 || unit === 0x2029 || unit === 0x061c || unit === 0x200e || unit === 0x200f || (unit >= 0x202a && unit <= 0x202e) || (unit >= 0x2066 && unit <= 0x2069)) return i;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return i;
  }
  return undefined;
}

// Code units, most of them from the ranges that matter: controls, the U+2000 block, surrogates.
const unit = fc.oneof(fc.integer({ min: 0, max: 0xa0 }), fc.integer({ min: 0x2000, max: 0x2070 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.constantFrom(0x061c, 0x200e, 0x200f), fc.integer({ min: 0, max: 0xffff })).map((code) => String.fromCharCode(code));
const anyText = fc.oneof(fc.string({ unit }), fc.string({ unit: 'binary' }), fc.string());
const printableAscii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)) });

describe('escapeText', () => {
  it('shows controls, line breaks and bidirectional controls as visible escapes', () => {
    expect(escapeText('\x1b]0;pwned\x07\x1b[2J')).toBe('\\x1b]0;pwned\\x07\\x1b[2J');
    expect(escapeText('a\nb\rc\td\x00\x7f\x9b')).toBe('a\\nb\\rc\\td\\x00\\x7f\\x9b');
    expect(escapeText('x\u2028y\u2029z')).toBe('x\\u2028y\\u2029z');
    expect(escapeText('\u202egnp.exe\u202c \u2066\u2069 \u061c\u200e\u200f')).toBe('\\u202egnp.exe\\u202c \\u2066\\u2069 \\u061c\\u200e\\u200f');
    expect(escapeText('lone \ud800 and \udc00')).toBe('lone \\ud800 and \\udc00');
  });

  it('leaves printable text alone: ASCII, a backslash, accents, CJK, emoji (surrogate pairs)', () => {
    for (const text of ['key-1 {"a":1} \\x1b', 'café', '東京', '🚀 👨‍👩‍👧', '']) expect(escapeText(text)).toBe(text);
  });

  it('property: the escaped text never holds a character a terminal would act on', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(unsafeAt(escapeText(text))).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('property: printable ASCII comes back unchanged', () => {
    fc.assert(
      fc.property(printableAscii, (text) => {
        expect(escapeText(text)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: text with nothing to escape comes back unchanged, and escaping escaped text changes nothing', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        if (unsafeAt(text) === undefined) expect(escapeText(text)).toBe(text);
        const escaped = escapeText(text);
        expect(escapeText(escaped)).toBe(escaped);
      }),
      { numRuns: 2000 },
    );
  });
});
