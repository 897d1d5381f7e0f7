import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { otherPropagatorsIn, resolvePropagator } from './propagators.js';

const SPAN = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
const ACTIVE = propagation.setBaggage(trace.setSpanContext(ROOT_CONTEXT, SPAN), propagation.createBaggage({ tenant: { value: 'acme' } }));

/** What `name`'s propagator writes for {@link ACTIVE}, and what it reads back from that. */
async function roundTrip(name: string) {
  const { propagator } = await resolvePropagator(name);
  const headers: Record<string, string> = {};
  propagator.inject(ACTIVE, headers, defaultTextMapSetter);
  const read = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  return { headers, span: trace.getSpanContext(read), baggage: propagation.getBaggage(read)?.getEntry('tenant')?.value };
}

describe('--propagator', () => {
  it.each([
    ['w3c', ['baggage', 'traceparent']],
    ['b3', ['b3', 'baggage']],
    ['b3multi', ['baggage', 'x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid']],
    ['jaeger', ['uber-trace-id', 'uberctx-tenant']],
  ])('%s writes its own headers and reads them back, baggage included', async (name, fields) => {
    const { headers, span, baggage } = await roundTrip(name);
    expect(Object.keys(headers).sort()).toEqual(fields);
    expect(span).toMatchObject({ traceId: SPAN.traceId, spanId: SPAN.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(baggage).toBe('acme');
  });

  it('b3 reads the multi-header form too (what b3multi writes)', async () => {
    const { headers } = await roundTrip('b3multi');
    const { propagator } = await resolvePropagator('b3');
    expect(trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter))?.spanId).toBe(SPAN.spanId);
  });

  it('a module path: its default export, `propagator`, or its only exported propagator; a factory is called', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-propagator-'));
    const body = "{ inject(c, carrier, setter) { setter.set(carrier, 'x-mine', '1'); }, extract(c) { return c; }, fields() { return ['x-mine']; } }";
    const files = { 'default.mjs': `export default ${body};`, 'named.mjs': `export const propagator = () => (${body});`, 'only.mjs': `export const mine = ${body}; export const other = 1;` };
    for (const [file, text] of Object.entries(files)) {
      writeFileSync(join(dir, file), text);
      const { name, propagator } = await resolvePropagator(join(dir, file));
      expect(name).toBe(join(dir, file));
      expect(propagator.fields()).toEqual(['x-mine']);
    }
    writeFileSync(join(dir, 'none.mjs'), 'export const x = 1;');
    await expect(resolvePropagator(join(dir, 'none.mjs'))).rejects.toThrow(/exports no TextMapPropagator: export one/);
    await expect(resolvePropagator(join(dir, 'missing.mjs'))).rejects.toThrow(UsageError);
  });

  it('an unknown name: one line naming the choices', async () => {
    await expect(resolvePropagator('zipkin')).rejects.toThrow('unknown propagator "zipkin": w3c, b3, b3multi, jaeger, or a module path');
  });
});

describe('the hint: another propagator\'s headers', () => {
  it.each([
    [['b3'], 'w3c', ['b3']],
    [['X-B3-TraceId', 'X-B3-SpanId'], 'w3c', ['b3']],
    [['uber-trace-id'], 'w3c', ['jaeger']],
    [['traceparent'], 'b3', ['w3c']],
    [['traceparent', 'b3'], 'b3multi', ['w3c']],
    [['traceparent'], 'w3c', []],
    [['content-type'], 'w3c', []],
    [['uber-trace-id', 'b3'], './mine.mjs', ['b3', 'jaeger']],
  ])('headers %j read with %s: %j', (headers, inUse, expected) => {
    expect(otherPropagatorsIn(headers, inUse).sort()).toEqual(expected);
  });
});
