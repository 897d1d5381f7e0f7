import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { renderTrace, summarise, type SpanRow } from './waterfall.js';

const row = (spanId: string, parentSpanId: string | undefined, name: string, kind: SpanKind, startMs: number, extra: Partial<SpanRow> = {}): SpanRow => ({
  traceId: 't1',
  spanId,
  parentSpanId,
  name,
  kind,
  service: name.startsWith('process') ? 'consumer' : 'publisher',
  startMs,
  durationMs: 2,
  links: [],
  ...extra,
});

const whole = [
  row('a', undefined, 'publish story', SpanKind.INTERNAL, 0),
  row('b', 'a', 'send hn', SpanKind.PRODUCER, 1),
  row('c', 'b', 'process hn', SpanKind.CONSUMER, 10, { links: ['b'] }),
];

describe('summarise', () => {
  it('counts a trace whose process spans hang under producer spans as connected', () => {
    expect(summarise(whole, ['hn'])).toEqual({ connected: 1, traces: 1, orphans: [] });
  });

  it('reports a consumer span without parent and a span whose parent is missing as orphans', () => {
    const broken = [whole[0]!, whole[1]!, row('c', undefined, 'process hn', SpanKind.CONSUMER, 10, { traceId: 't2' }), row('d', 'zz', 'x', SpanKind.INTERNAL, 3)];
    const summary = summarise(broken, ['hn']);
    expect(summary.connected).toBe(0);
    expect(summary.orphans.map((span) => span.spanId)).toEqual(['c', 'd']);
  });

  it('requires every consumed topic', () => {
    expect(summarise(whole, ['hn', 'hn-envelope']).connected).toBe(0);
  });
});

describe('renderTrace', () => {
  it('nests by parent, shows kind, offsets, durations, and marks links', () => {
    const lines = renderTrace(whole, 10).split('\n');
    expect(lines[0]).toMatch(/^trace t1 {2}\(12\.0 ms\)$/);
    expect(lines[1]).toMatch(/publisher\s+publish story\s+internal \+\s+0\.0 ms\s+2\.0 ms \|██ +\|/);
    expect(lines[2]).toContain('  send hn');
    expect(lines[3]).toMatch(/ {4}process hn\s+consumer \+\s+10\.0 ms/);
    expect(lines[4]).toContain('↔ link to send hn (b)');
  });
});
