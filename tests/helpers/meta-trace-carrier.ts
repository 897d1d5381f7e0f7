import type { Carrier } from '@tracecarrier/core';

/**
 * The custom carrier of docs/carriers.md, written only against the public API: legacy readers take
 * the context from `meta.trace` (and `meta.state`) of `{"meta":{…},"payload":<JSON>}`. It is part
 * of the cross-client matrix, alone and beside the headers carrier.
 */
const HEAD = Buffer.from('{"meta":');
const PAYLOAD_KEY = Buffer.from(',"payload":');

/** Where the JSON object that starts at `start` ends (just past its closing brace), or -1. */
function objectEnd(bytes: Buffer, start: number): number {
  let depth = 0;
  for (let i = start; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 0x22) {
      // Skip a string, with its escapes.
      for (i++; i < bytes.length && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++;
    } else if (byte === 0x7b) depth++;
    else if (byte === 0x7d && --depth === 0) return i + 1;
  }
  return -1;
}

export const metaTrace: Carrier = {
  name: 'meta-trace',
  placement: 'value',
  inject(message, fields) {
    if (message.value === null || message.value === undefined) return undefined; // a tombstone: headers instead
    const payload = Buffer.from(message.value);
    try {
      JSON.parse(payload.toString('utf8')); // the legacy format embeds JSON only
    } catch {
      return undefined;
    }
    const meta: Record<string, string> = {};
    if (fields.traceparent !== undefined) meta.trace = fields.traceparent;
    if (fields.tracestate !== undefined) meta.state = fields.tracestate;
    return { value: Buffer.concat([HEAD, Buffer.from(JSON.stringify(meta)), PAYLOAD_KEY, payload, Buffer.from('}')]) };
  },
  detect: (message) => message.value !== null && message.value !== undefined && Buffer.from(message.value).subarray(0, HEAD.length).equals(HEAD),
  extract(message, { report, limits }) {
    const value = Buffer.from(message.value as Uint8Array);
    if (value.length > limits.maxEnvelopeBytes) return void report('field-too-large', 'meta.trace payload over limits.maxEnvelopeBytes');
    const metaEnd = objectEnd(value, HEAD.length);
    const payloadStart = metaEnd + PAYLOAD_KEY.length;
    if (metaEnd < 0 || !value.subarray(metaEnd, payloadStart).equals(PAYLOAD_KEY) || value.at(-1) !== 0x7d) {
      return void report('invalid-envelope', 'not a {"meta":…,"payload":…} value');
    }
    let meta: unknown;
    try {
      meta = JSON.parse(value.toString('utf8', HEAD.length, metaEnd));
      JSON.parse(value.toString('utf8', payloadStart, value.length - 1));
    } catch {
      return void report('invalid-envelope', 'meta or payload is not JSON');
    }
    const { trace, state } = meta as { trace?: unknown; state?: unknown };
    const fields: Record<string, string> = {};
    if (typeof trace === 'string') fields.traceparent = trace;
    if (typeof state === 'string') fields.tracestate = state;
    return { fields, value: value.subarray(payloadStart, value.length - 1) };
  },
};
