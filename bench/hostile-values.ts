import { DEFAULT_LIMITS, cloudEventsStructured, jsonEnvelope, type Carrier, type CarrierContext, type IncomingMessage } from '@tracecarrier/core';

/**
 * 7. What a hostile value costs a consumer: the readers (detect + extract, as a consumer calls them)
 * on values crafted to be expensive, at growing sizes, against one `JSON.parse` of the same value
 * (what any JSON reader of the format pays). Target: at most that one parse, and no super-linear
 * growth (the cost per MiB at 16 MiB against at 64 KiB). Limits are raised to 64 MiB so the largest
 * values are read, not refused for their size.
 */
const TRACEPARENT = '{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}';

function members(bytes: number, member: (i: number) => string): string {
  const parts: string[] = [];
  for (let i = 0, length = 0; length < bytes; i++) {
    const part = member(i);
    parts.push(part);
    length += part.length + 1;
  }
  return parts.join(',');
}
const record = (i: number) => `{"id":${i},"title":"Show HN: trace context through Kafka","points":${i % 500}}`;

function canonical(data: string): Buffer {
  return Buffer.from(`{"tracecarrier":1,"context":${TRACEPARENT},"datalength":${Buffer.byteLength(data)},"data":${data}}`);
}

interface Pattern {
  readonly name: string;
  readonly carrier: 'envelope' | 'event';
  readonly make: (bytes: number) => Buffer;
}

export const PATTERNS: readonly Pattern[] = [
  { name: 'many members before a late "tracecarrier"', carrier: 'envelope', make: (n) => Buffer.from(`{${members(n, (i) => `"m${i}":${i}`)},"tracecarrier":1,"context":${TRACEPARENT},"data":7}`) },
  { name: 'deep [[…]] nesting in data, no datalength', carrier: 'envelope', make: (n) => Buffer.from(`{"tracecarrier":1,"context":${TRACEPARENT},"data":${'['.repeat(n / 2)}${']'.repeat(n / 2)}}`) },
  { name: 'a canonical envelope of records', carrier: 'envelope', make: (n) => canonical(`[${members(n, record)}]`) },
  { name: 'broken JSON at the very end of an envelope', carrier: 'envelope', make: (n) => Buffer.from(`{"tracecarrier":1,"context":${TRACEPARENT},"data":[${members(n, record)}] x}`) },
  { name: 'records with a nested marker (not an envelope)', carrier: 'envelope', make: (n) => Buffer.from(`{"rows":[${members(n, (i) => `{"tracecarrier":${i}}`)}]}`) },
  { name: 'a structured event with many attributes', carrier: 'event', make: (n) => Buffer.from(`{"specversion":"1.0","id":"1","source":"s","type":"dev.tracecarrier.message",${members(n, (i) => `"m${i}":${i}`)},"data":7}`) },
  { name: 'a structured event with deep data', carrier: 'event', make: (n) => Buffer.from(`{"specversion":"1.0","id":"1","source":"s","type":"dev.tracecarrier.message","tracecarrierwrap":true,"data":${'['.repeat(n / 2)}${']'.repeat(n / 2)}}`) },
];

export interface HostileResult {
  readonly pattern: string;
  readonly bytes: number;
  /** Median milliseconds per MiB: the reader, one JSON.parse. */
  readonly readerMsPerMiB: number;
  readonly parseMsPerMiB: number;
}

const context: CarrierContext = { report: () => undefined, limits: { ...DEFAULT_LIMITS, maxEnvelopeBytes: 64 * 2 ** 20 }, propagationFields: ['traceparent'] };
const carriers: Record<Pattern['carrier'], Carrier> = { envelope: jsonEnvelope(), event: cloudEventsStructured() };

function median(run: () => void, rounds: number): number {
  run();
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

export function benchHostile(sizes: readonly number[], rounds: number): HostileResult[] {
  const results: HostileResult[] = [];
  for (const pattern of PATTERNS) {
    const carrier = carriers[pattern.carrier];
    for (const size of sizes) {
      const value = pattern.make(size);
      const headers = pattern.carrier === 'event' ? { 'content-type': 'application/cloudevents+json' } : undefined;
      // A new message object each call, as a consumer has: nothing cached from the previous one.
      const read = () => {
        const message: IncomingMessage = { topic: 't', key: null, value, headers };
        if (carrier.detect(message)) carrier.extract(message, context);
      };
      const parse = () => {
        try {
          JSON.parse(value.toString('utf8'));
        } catch {
          // The broken pattern: a parser pays until it finds the error.
        }
      };
      // Warm both up on a small value of the same shape first, so the first size is not measuring the JIT.
      const small = pattern.make(4096);
      for (let i = 0; i < 200; i++) {
        const message: IncomingMessage = { topic: 't', key: null, value: small, headers };
        if (carrier.detect(message)) carrier.extract(message, context);
        try {
          JSON.parse(small.toString('utf8'));
        } catch {
          // as above
        }
      }
      const mib = value.length / 2 ** 20;
      results.push({ pattern: pattern.name, bytes: value.length, readerMsPerMiB: median(read, rounds) / mib, parseMsPerMiB: median(parse, rounds) / mib });
    }
  }
  return results;
}
