import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonText, jsonStringEnd, jsonValueEnd } from './json-syntax.js';

/** What the scan is held to: does `JSON.parse` accept these bytes (decoded as Node decodes them)? */
function parses(bytes: Uint8Array): boolean {
  try {
    JSON.parse(Buffer.from(bytes).toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

// JSON text with random whitespace, then mutated: bytes inserted, removed or replaced anywhere, from
// an alphabet of the characters that matter to the grammar.
const ws = fc.constantFrom('', ' ', '\n', '\t', '\r\n  ');
const spaced = fc.tuple(fc.jsonValue({ maxDepth: 4 }), ws, ws).map(([value, before, after]) =>
  before + JSON.stringify(value, null, before.length > 1 ? 1 : undefined) + after,
);
const ALPHABET = ['{', '}', '[', ']', '"', '\\', ',', ':', ' ', '-', '+', '.', 'e', 'E', '0', '1', '9', 'u', 'a', 'f', 't', 'n', 'l', '\u0000', '\u001f', '\u007f', '/', 'x'];
const mutation = fc.tuple(fc.nat(), fc.constantFrom(...ALPHABET), fc.constantFrom('insert', 'delete', 'replace'));
const mutated = fc.tuple(spaced, fc.array(mutation, { maxLength: 4 })).map(([text, edits]) => {
  let out = text;
  for (const [at, char, kind] of edits) {
    const i = out.length === 0 ? 0 : at % (out.length + 1);
    out = kind === 'insert' ? out.slice(0, i) + char + out.slice(i) : kind === 'delete' ? out.slice(0, i) + out.slice(i + 1) : out.slice(0, i) + char + out.slice(i + 1);
  }
  return Buffer.from(out);
});
const anyBytes = fc.uint8Array({ maxLength: 64 }).map((array) => Buffer.from(array));

describe('json-syntax: a validating scan held to JSON.parse', () => {
  it('accepts exactly the texts JSON.parse accepts (valid, mutated and random bytes)', () => {
    fc.assert(
      fc.property(fc.oneof(spaced.map((text) => Buffer.from(text)), mutated, anyBytes), (bytes) => {
        expect(isJsonText(bytes, 0, bytes.length)).toBe(parses(bytes));
      }),
      { numRuns: 20_000 },
    );
  });

  it('where it says a value ends, the bytes before are that value, and nothing shorter or longer was taken', () => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        const end = jsonValueEnd(bytes, 0, bytes.length);
        if (end >= 0) expect(parses(bytes.subarray(0, end))).toBe(true);
        if (parses(bytes) && bytes.length > 0 && bytes[0] !== 0x20 && bytes[0] !== 0x0a && bytes[0] !== 0x09 && bytes[0] !== 0x0d) {
          expect(end).toBeGreaterThan(0);
          expect(bytes.subarray(end).toString().trim()).toBe('');
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it.each([
    ['1 2', false],
    [',,,', false],
    ['"a\u0000b"', false],
    ['"\\/w=="', true],
    ['"\\u003d"', true],
    ['"\\u00"', false],
    ['"\\x"', false],
    ['01', false],
    ['-0.5e+3', true],
    ['1.', false],
    ['[1,]', false],
    ['{"a":1,}', false],
    ['{"a" : [ ] , "b" : { } }', true],
    ['tru', false],
    ['nulls', false],
    ['[[[[[[]]]]]]', true],
    ['{"data":1', false],
  ])('%j → %s', (text, valid) => {
    const bytes = Buffer.from(text);
    expect(isJsonText(bytes, 0, bytes.length)).toBe(valid);
    expect(parses(bytes)).toBe(valid);
  });

  it('scans nesting far deeper than the call stack without recursion', () => {
    const depth = 1_000_000;
    const bytes = Buffer.from('['.repeat(depth) + ']'.repeat(depth));
    expect(jsonValueEnd(bytes, 0, bytes.length)).toBe(bytes.length);
    expect(jsonValueEnd(bytes, 0, bytes.length - 1)).toBe(-1);
  });

  it('a string ends at its closing quote, escapes and all, and never past the end given', () => {
    const bytes = Buffer.from('"a\\"b\\\\" tail');
    expect(jsonStringEnd(bytes, 0, bytes.length)).toBe(8);
    expect(jsonStringEnd(bytes, 0, 7)).toBe(-1);
  });
});
