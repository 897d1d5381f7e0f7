import { deepStrictEqual } from 'node:assert';
import { DEFAULT_LIMITS, jsonEnvelope, type Carrier, type CarrierContext } from '@tracecarrier/core';
import { compare, type Measured } from './harness.js';

const FIELDS = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'vendor=x' };

/** A JSON payload of about `bytes` bytes: an array of HN-like records. */
export function jsonPayload(bytes: number): Buffer {
  const record = { objectID: '42183017', title: 'Show HN: Trace context through Kafka with OpenTelemetry', points: 189, num_comments: 48, author: 'tracey' };
  const one = JSON.stringify(record).length + 1;
  const records = Array.from({ length: Math.max(1, Math.floor((bytes - 2) / one)) }, (_, i) => ({ ...record, objectID: String(42183017 + i) }));
  let text = JSON.stringify(records);
  text = text.slice(0, -1) + ' '.repeat(Math.max(0, bytes - text.length)) + ']';
  return Buffer.from(text);
}

const context: CarrierContext = { report: () => undefined, limits: DEFAULT_LIMITS, propagationFields: ['traceparent', 'tracestate'] };

/** The envelope carrier's write and read of one payload, through the public carrier interface. */
function wrap(carrier: Carrier, payload: Buffer): Buffer {
  return carrier.inject({ topic: 'orders', key: null, value: payload, headers: undefined }, FIELDS, context)!.value as Buffer;
}
function unwrap(carrier: Carrier, value: Buffer): { fields: unknown; payload: Buffer } | undefined {
  const read = carrier.extract({ topic: 'orders', key: null, value, headers: undefined }, context);
  return read?.value === undefined ? undefined : { fields: read.fields, payload: read.value as Buffer };
}

export interface CodecResult {
  readonly size: number;
  readonly measured: Measured[];
}

/**
 * 2. Envelope codec: wrap + unwrap of a JSON payload, against one Buffer copy of the same bytes
 * (the floor) and the naive way (parse the value, add the fields, stringify; and back).
 */
export function benchCodec(sizes: readonly number[], budgetBytes: number): CodecResult[] {
  const declared = jsonEnvelope({ payloadEncoding: 'json' });
  const auto = jsonEnvelope({ payloadEncoding: 'auto' });
  return sizes.map((size) => {
    const payload = jsonPayload(size);
    // Correctness first: both writers round-trip the exact bytes; a foreign writer's layout still reads.
    for (const carrier of [declared, auto]) {
      if (unwrap(carrier, wrap(carrier, payload))?.payload.equals(payload) !== true) throw new Error('envelope round trip failed');
    }
    const foreign = Buffer.from(`{ "data": ${payload.toString()},\n "context": ${JSON.stringify(FIELDS)}, "tracecarrier": 1 }`);
    const foreignRead = unwrap(declared, foreign);
    if (foreignRead === undefined) throw new Error('foreign envelope not read');
    deepStrictEqual(JSON.parse(foreignRead.payload.toString()), JSON.parse(payload.toString()));

    const iterations = Math.max(3, Math.floor(budgetBytes / size));
    let keep: unknown;
    const measured = compare(
      {
        'Buffer copy (floor)': () => {
          keep = Buffer.from(payload);
        },
        'tracecarrier, payloadEncoding json': () => {
          keep = unwrap(declared, wrap(declared, payload));
        },
        'tracecarrier, payloadEncoding auto': () => {
          keep = unwrap(auto, wrap(auto, payload));
        },
        'naive JSON.parse + stringify': () => {
          const wrapped = Buffer.from(JSON.stringify({ ...FIELDS, data: JSON.parse(payload.toString()) }));
          const { data } = JSON.parse(wrapped.toString()) as { data: unknown };
          keep = Buffer.from(JSON.stringify(data));
        },
        'foreign layout (general reader)': () => {
          keep = unwrap(declared, foreign);
        },
      },
      iterations,
      5,
    );
    void keep;
    return { size, measured };
  });
}
