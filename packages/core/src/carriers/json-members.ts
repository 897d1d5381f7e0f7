import { jsonStringEnd, jsonValueEnd } from './json-syntax.js';
import { BACKSLASH, CLOSE_BRACE, COLON, COMMA, OPEN_BRACE, isWhitespace } from './json-bytes.js';

/**
 * A byte-level reader for the leading members of a JSON object. It lets envelope readers find the
 * context members and where `data` starts without parsing (or even visiting) the payload bytes, so
 * their cost does not grow with payload size. Every value walked past is validated as it is
 * scanned (json-syntax.ts), so a walk that succeeds only ever saw valid JSON. Every function is
 * total: bad input gives -1 or `undefined`, never an exception.
 */



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

/** One member of an object: its decoded key and where its raw value lies. */
export interface JsonMember {
  readonly key: string;
  readonly valueStart: number;
  /** Just past the value; -1 when the walk stopped at this member without scanning its value. */
  readonly valueEnd: number;
}

/**
 * The text of a member name whose quoted form (valid, as scanned) is `bytes[start, end)`. Escapes
 * (`"tr\u0061cecarrier"`) are decoded, as a parser does; a name without a backslash is its bytes.
 */
export function decodeKey(bytes: Uint8Array, start: number, end: number): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A loop, not indexOf: a native search would run past the key to the end of the value for every key.
  for (let i = start + 1; i < end - 1; i++) if (buffer[i] === BACKSLASH) return JSON.parse(buffer.toString('utf8', start, end)) as string;
  return buffer.toString('utf8', start + 1, end - 1);
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
    const keyEnd = jsonStringEnd(bytes, i, limit);
    if (keyEnd < 0) return undefined;
    const key = decodeKey(bytes, i, keyEnd);
    i = skipWhitespace(bytes, keyEnd, end);
    if (bytes[i] !== COLON) return undefined;
    const valueStart = skipWhitespace(bytes, i + 1, end);
    if (stopAt.has(key)) {
      members.push({ key, valueStart, valueEnd: -1 });
      return members;
    }
    const valueEnd = jsonValueEnd(bytes, valueStart, limit);
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
