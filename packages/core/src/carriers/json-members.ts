/**
 * A byte-level reader for the leading members of a JSON object. It lets envelope readers find the
 * context members and where `data` starts without parsing (or even visiting) the payload bytes, so
 * their cost does not grow with payload size. Every function is total: bad input gives -1 or
 * `undefined`, never an exception.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Index of the first non-whitespace byte at or after `i` (or `end`). */
export function skipWhitespace(bytes: Uint8Array, i: number, end: number): number {
  while (i < end && isWhitespace(bytes[i])) i++;
  return i;
}

/** Index of the last non-whitespace byte before `end` (or -1). */
export function lastNonWhitespace(bytes: Uint8Array, end: number): number {
  let i = end - 1;
  while (i >= 0 && isWhitespace(bytes[i])) i--;
  return i;
}

/** With `i` on an opening quote: the index just past the closing quote, or -1. */
export function scanString(bytes: Uint8Array, i: number, end: number): number {
  if (bytes[i] !== QUOTE) return -1;
  for (let j = i + 1; j < end; j++) {
    const byte = bytes[j];
    if (byte === BACKSLASH) j++;
    else if (byte === QUOTE) return j + 1;
  }
  return -1;
}

/**
 * With `i` on the first byte of a JSON value: the index just past it, or -1 when it does not end
 * before `end`. Only structure is checked (brackets and strings); the value is not validated.
 */
export function scanValue(bytes: Uint8Array, i: number, end: number): number {
  const first = bytes[i];
  if (first === QUOTE) return scanString(bytes, i, end);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < end; j++) {
      const byte = bytes[j];
      if (byte === QUOTE) {
        j = scanString(bytes, j, end) - 1;
        if (j < 0) return -1;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < end) {
    const byte = bytes[j];
    if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isWhitespace(byte)) break;
    j++;
  }
  return j > i ? j : -1;
}

/** One member of an object: its decoded key and where its raw value lies. */
export interface JsonMember {
  readonly key: string;
  readonly valueStart: number;
  /** Just past the value; -1 when the walk stopped at this member without scanning its value. */
  readonly valueEnd: number;
}

const textDecoder = new TextDecoder('utf-8');

function decodeKey(bytes: Uint8Array, start: number, end: number): string | undefined {
  try {
    const key: unknown = JSON.parse(textDecoder.decode(bytes.subarray(start, end)));
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Walks the members of the top-level object in `bytes`, in order. It stops before scanning the
 * value of the first member whose key is in `stopAt` (that member is returned with `valueEnd: -1`),
 * and gives up (returns `undefined`) on malformed structure or when the members before the stop
 * span more than `budget` bytes.
 */
export function leadingMembers(bytes: Uint8Array, stopAt: ReadonlySet<string>, budget: number): JsonMember[] | undefined {
  const end = bytes.length;
  const limit = Math.min(end, budget);
  let i = skipWhitespace(bytes, 0, end);
  if (bytes[i] !== OPEN_BRACE) return undefined;
  i = skipWhitespace(bytes, i + 1, end);
  const members: JsonMember[] = [];
  if (bytes[i] === CLOSE_BRACE) return members;
  for (;;) {
    const keyEnd = scanString(bytes, i, limit);
    if (keyEnd < 0) return undefined;
    const key = decodeKey(bytes, i, keyEnd);
    if (key === undefined) return undefined;
    i = skipWhitespace(bytes, keyEnd, end);
    if (bytes[i] !== COLON) return undefined;
    const valueStart = skipWhitespace(bytes, i + 1, end);
    if (stopAt.has(key)) {
      members.push({ key, valueStart, valueEnd: -1 });
      return members;
    }
    const valueEnd = scanValue(bytes, valueStart, limit);
    if (valueEnd < 0) return undefined;
    members.push({ key, valueStart, valueEnd });
    i = skipWhitespace(bytes, valueEnd, end);
    if (bytes[i] === CLOSE_BRACE) return members;
    if (bytes[i] !== COMMA) return undefined;
    i = skipWhitespace(bytes, i + 1, end);
  }
}

/**
 * True when the first key of the top-level object is `key` (an O(1) check on the first bytes). A
 * leading UTF-8 byte-order mark is looked past, so such a value is recognised (and then refused by
 * the reader, which reports it) rather than silently taken for an ordinary payload.
 */
export function startsWithMember(bytes: Uint8Array, keyBytes: Uint8Array): boolean {
  const end = bytes.length;
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let i = skipWhitespace(bytes, bom, end);
  if (bytes[i] !== OPEN_BRACE) return false;
  i = skipWhitespace(bytes, i + 1, end);
  if (i + keyBytes.length > end) return false;
  for (let k = 0; k < keyBytes.length; k++) if (bytes[i + k] !== keyBytes[k]) return false;
  return true;
}
