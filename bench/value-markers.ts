/**
 * What the `auto` consumer's look into a received value costs, by payload: the JSON envelope and
 * CloudEvents structured carriers' `detect` on a fresh message (both answered by one sampling pass
 * over the value, `packages/core/src/carriers/value-markers.ts`), against the plain native searches
 * that pass replaces (the envelope marker anywhere, the CloudEvents marker in the first 4 KiB, a
 * backslash). The measurement beside that module; not a part of `pnpm bench`:
 *
 *   pnpm build && node scripts/build-bench.mjs && node bench/dist/value-markers.js
 */
import { cloudEventsStructured, jsonEnvelope, type IncomingMessage } from '@tracecarrier/core';
import { jsonPayload } from './codec.js';
import { compare } from './harness.js';

const ENVELOPE = Buffer.from('"tracecarrier"');
const SPECVERSION = Buffer.from('"specversion"');

const order = {
  orderId: 'ord-12345',
  customer: { id: 'c-9', name: 'Ada Lovelace', email: 'ada@example.com' },
  items: Array.from({ length: 8 }, (_, i) => ({ sku: `sku-${i}`, qty: i + 1, price: 9.99 * i, title: `A product title number ${i}` })),
  total: 123.45,
  currency: 'EUR',
  createdAt: '1970-01-01T00:00:00.000Z',
};

/** A JSON object of about `bytes` bytes: envelopes and events are objects, so only objects are searched. */
function records(bytes: number): Buffer {
  return Buffer.from(`{"records":${jsonPayload(bytes - 13).toString()}}`);
}

/** Payloads of the shapes consumers receive (none holds a marker). */
export const PAYLOADS: ReadonlyArray<readonly [string, Buffer]> = [
  ['small JSON event', Buffer.from('{"id":123,"status":"shipped","at":"2026-12-06T10:00:00Z"}')],
  ['JSON order', Buffer.from(JSON.stringify(order))],
  ['the broker cases\' 1 KiB value', Buffer.from(JSON.stringify({ pad: 'x'.repeat(1000) }).slice(0, 1024))],
  ['JSON records, 4 KiB', records(4096)],
  ['JSON records, 64 KiB', records(64 * 1024)],
  ['binary (not JSON), 1 KiB', Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 131 + 7) % 256))],
];

const envelope = jsonEnvelope();
const structured = cloudEventsStructured();
const COPIES = 256;

function main(): void {
  for (const [name, payload] of PAYLOADS) {
    // Fresh value copies, as a consumer receives them; the carriers remember the last message asked about.
    const values = Array.from({ length: COPIES }, () => Buffer.from(payload));
    let n = 0;
    let hits = 0;
    let found = 0;
    const message = (): IncomingMessage => ({ topic: 'orders', partition: 0, offset: '0', key: null, value: values[n++ % COPIES]!, headers: undefined });
    const iterations = payload.length > 16 * 1024 ? 2_000 : 100_000;
    const [carriers, searches] = compare(
      {
        'the carriers\' detect (one pass)': () => {
          const received = message();
          if (envelope.detect(received) || structured.detect(received)) hits++;
        },
        'native searches': () => {
          const value = values[n++ % COPIES]!;
          if (value.indexOf(ENVELOPE) >= 0 || value.subarray(0, 4096).indexOf(SPECVERSION) >= 0 || value.indexOf(0x5c) >= 0) found++;
        },
      },
      iterations,
    );
    if (hits !== 0 || (found !== 0 && payload[0] === 0x7b)) throw new Error(`${name}: a marker was found in a payload that has none`);
    console.log(`${name} (${payload.length} B): carriers ${carriers!.nsPerOp.toFixed(0)} ns, native searches ${searches!.nsPerOp.toFixed(0)} ns (${(carriers!.nsPerOp / searches!.nsPerOp).toFixed(2)}x)`);
  }
}

if (/value-markers\.[jt]s$/.test(process.argv[1] ?? '')) main();
