import { ROOT_CONTEXT, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { contextToFields, extractFrom, fieldsGetter, propagatorFields } from './propagation.js';

const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
const context = trace.setSpanContext(ROOT_CONTEXT, spanContext);

/** A minimal single-header propagator, standing in for B3 or Jaeger. */
const singleHeader: TextMapPropagator = {
  inject: (ctx, carrier, setter) => {
    const sc = trace.getSpanContext(ctx);
    if (sc) setter.set(carrier, 'x-trace', `${sc.traceId}:${sc.spanId}`);
  },
  extract: (ctx, carrier, getter) => {
    const value = getter.get(carrier, 'x-trace');
    if (typeof value !== 'string') return ctx;
    const [traceId = '', spanId = ''] = value.split(':');
    return trace.setSpanContext(ctx, { traceId, spanId, traceFlags: 1, isRemote: true });
  },
  fields: () => ['x-trace'],
};

afterEach(() => propagation.disable());

describe('propagation', () => {
  it('falls back to W3C trace context and baggage when no global propagator is registered', () => {
    propagation.disable();
    expect(propagatorFields(undefined)).toEqual(['traceparent', 'tracestate', 'baggage']);
    const fields = contextToFields(context, undefined);
    expect(fields.traceparent).toBe(`00-${spanContext.traceId}-${spanContext.spanId}-01`);
  });

  it('uses the globally registered propagator', () => {
    propagation.setGlobalPropagator(singleHeader);
    expect(contextToFields(context, undefined)).toEqual({ 'x-trace': `${spanContext.traceId}:${spanContext.spanId}` });
    expect(propagatorFields(undefined)).toEqual(['x-trace']);
  });

  it('prefers the propagator given in options and extracts with it', () => {
    const fields = contextToFields(context, singleHeader);
    const extracted = extractFrom(ROOT_CONTEXT, fields, fieldsGetter, singleHeader, undefined);
    expect(trace.getSpanContext(extracted)).toMatchObject({ traceId: spanContext.traceId, spanId: spanContext.spanId, isRemote: true });
  });

  it('reports and survives a propagator that throws', () => {
    const reports: string[] = [];
    const throwing: TextMapPropagator = { ...singleHeader, extract: () => { throw new Error('boom'); } };
    const extracted = extractFrom(ROOT_CONTEXT, {}, fieldsGetter, throwing, (code) => reports.push(code));
    expect(extracted).toBe(ROOT_CONTEXT);
    expect(reports).toEqual(['propagator-error']);
  });
});
