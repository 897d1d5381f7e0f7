import { jsonStringEnd, jsonValueEnd } from './json-syntax.js';
import { skipWhitespace } from './json-members.js';
import { BACKSLASH, CLOSE_BRACE, COLON, COMMA, OPEN_BRACE } from './json-bytes.js';

/**
 * One validating walk over the top-level members of a JSON object that finds the members a reader
 * asks for by name, without building the object or a string per member: names are compared as
 * bytes (decoded only when they hold an escape, as `"tr\u0061cecarrier"`). It is how the envelope
 * readers stay below the cost of one `JSON.parse` whatever the value holds: a value with a hundred
 * thousand small members costs one pass and no allocation per member.
 */

/** Where one member lies: its quoted name and its value. */
export interface MemberSpan {
  readonly keyStart: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/** What {@link scanMembers} found. */
export interface MemberScan {
  /** True when the bytes are exactly one valid JSON object (whitespace around it allowed). */
  readonly valid: boolean;
  /** When not valid: where the member (or the object) that is not valid JSON starts. */
  readonly invalidAt: number;
  /** For each wanted name, its last occurrence (the one `JSON.parse` keeps), up to where the walk got. */
  readonly found: ReadonlyArray<MemberSpan | undefined>;
  /** The bytes of every member but the payload (`data`, `data_base64`): what limits.maxContextBytes bounds. */
  readonly attributeBytes: number;
  /** Every occurrence of the name given as `every`, in order (empty when none was given). */
  readonly occurrences: readonly MemberSpan[];
}

const PAYLOAD = ['"data"', '"data_base64"'].map((name) => Buffer.from(name));

/** The quoted form of each name, for byte comparison. */
export function quotedNames(names: readonly string[]): Buffer[] {
  return names.map((name) => Buffer.from(JSON.stringify(name)));
}

function sameBytes(bytes: Uint8Array, start: number, end: number, quoted: Uint8Array): boolean {
  if (end - start !== quoted.length) return false;
  for (let k = 0; k < quoted.length; k++) if (bytes[start + k] !== quoted[k]) return false;
  return true;
}

function hasEscape(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start + 1; i < end - 1; i++) if (bytes[i] === BACKSLASH) return true;
  return false;
}

/** Which of `quoted` the name at `bytes[start, end)` is (decoded when it holds an escape), or -1. */
function nameIndex(bytes: Uint8Array, start: number, end: number, quoted: readonly Uint8Array[]): number {
  if (!hasEscape(bytes, start, end)) {
    for (let n = 0; n < quoted.length; n++) if (sameBytes(bytes, start, end, quoted[n] as Uint8Array)) return n;
    return -1;
  }
  const name = JSON.stringify(JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8')) as string);
  const text = Buffer.from(name);
  for (let n = 0; n < quoted.length; n++) if (sameBytes(text, 0, text.length, quoted[n] as Uint8Array)) return n;
  return -1;
}

/**
 * Walks the members of the object in `bytes`, validating all of it, and records the last
 * occurrence of each name in `wanted` (quoted, from {@link quotedNames}); `every` (quoted) also
 * lists each occurrence of that name. Nothing is allocated for the other members.
 */
export function scanMembers(bytes: Uint8Array, wanted: readonly Uint8Array[], every?: Uint8Array): MemberScan {
  const end = bytes.length;
  const found: Array<MemberSpan | undefined> = wanted.map(() => undefined);
  const occurrences: MemberSpan[] = [];
  const everyName = every === undefined ? [] : [every];
  let attributeBytes = 0;
  let i = skipWhitespace(bytes, 0, end);
  let at = i;
  const result = (valid: boolean): MemberScan => ({ valid, invalidAt: valid ? -1 : at, found, attributeBytes, occurrences });
  if (bytes[i] !== OPEN_BRACE) return result(false);
  i = skipWhitespace(bytes, i + 1, end);
  if (bytes[i] !== CLOSE_BRACE) {
    for (;;) {
      const keyStart = i;
      at = i;
      const keyEnd = jsonStringEnd(bytes, i, end);
      if (keyEnd < 0) return result(false);
      i = skipWhitespace(bytes, keyEnd, end);
      if (bytes[i] !== COLON) return result(false);
      const valueStart = skipWhitespace(bytes, i + 1, end);
      const valueEnd = valueStart < end ? jsonValueEnd(bytes, valueStart, end) : -1;
      if (valueEnd < 0) return result(false);
      const index = nameIndex(bytes, keyStart, keyEnd, wanted);
      if (index >= 0) found[index] = { keyStart, valueStart, valueEnd };
      if (every !== undefined && nameIndex(bytes, keyStart, keyEnd, everyName) === 0) occurrences.push({ keyStart, valueStart, valueEnd });
      if (nameIndex(bytes, keyStart, keyEnd, PAYLOAD) < 0) attributeBytes += valueEnd - keyStart;
      i = skipWhitespace(bytes, valueEnd, end);
      if (bytes[i] === CLOSE_BRACE) break;
      if (bytes[i] !== COMMA) return result(false);
      i = skipWhitespace(bytes, i + 1, end);
    }
  }
  at = i;
  return result(i < end && skipWhitespace(bytes, i + 1, end) === end);
}
