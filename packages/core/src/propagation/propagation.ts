import { propagation, trace, type Context, type SpanContext, type TextMapGetter, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { report, type Reporter } from '../diagnostics.js';
import { extractStock, hasZeroId, injectStock, stockW3C } from './stock-w3c.js';
import { traceStateProblem, withW3CTraceState } from './tracestate.js';

/**
 * Used when the application registered no global propagator (the API's no-op one, whose field list
 * is empty): W3C trace context and baggage, the OpenTelemetry SDK's own default. Without it a
 * forgotten `propagation.setGlobalPropagator` would silently break every trace at Kafka.
 */
export const DEFAULT_PROPAGATOR: TextMapPropagator = new CompositePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
});

/** The propagator in force: the configured one, else the global one, else {@link DEFAULT_PROPAGATOR}. */
export function effectivePropagator(configured: TextMapPropagator | undefined): TextMapPropagator | undefined {
  if (configured !== undefined) return configured;
  return propagation.fields().length === 0 ? DEFAULT_PROPAGATOR : undefined;
}

const recordSetter = {
  set(carrier: Record<string, string>, key: string, value: string): void {
    // A field named `__proto__` must stay a field, not become the record's prototype.
    if (key === '__proto__') Object.defineProperty(carrier, key, { value, enumerable: true, writable: true, configurable: true });
    else carrier[key] = value;
  },
};

/**
 * Serialises `context` into propagation fields (`traceparent`, `tracestate`, `baggage`, …). Never
 * throws: a throwing propagator is reported as `propagator-error` and gives no fields, so the
 * message is still sent.
 */
export function contextToFields(context: Context, propagator: TextMapPropagator | undefined, sink?: Reporter): Record<string, string> {
  // A plain object: a prototype-free one is a slow dictionary from the start.
  const fields: Record<string, string> = {};
  try {
    const stock = stockW3C(propagator, DEFAULT_PROPAGATOR);
    if (stock !== undefined) injectStock(stock, context, fields, recordSetter);
    else {
      const effective = effectivePropagator(propagator);
      if (effective === undefined) propagation.inject(context, fields, recordSetter);
      else effective.inject(context, fields, recordSetter);
    }
    // An empty field says nothing and some readers reject it (an empty tracestate from a consumed message, re-injected).
    for (const key in fields) if (Object.hasOwn(fields, key) && fields[key] === '') delete fields[key];
    // What the application forwards follows the W3C rules too: a reader would discard it whole.
    const tracestate = fields.tracestate;
    const problem = tracestate === undefined ? undefined : traceStateProblem(tracestate);
    if (problem !== undefined) {
      delete fields.tracestate;
      report(sink, 'context-dropped', `the outgoing tracestate breaks the W3C rules (${problem}); it is not sent, the traceparent is`, { field: 'tracestate' });
    }
    return fields;
  } catch (error) {
    report(sink, 'propagator-error', `the propagator threw while injecting: ${error instanceof Error ? error.message : String(error)}; the message is sent without context`, { cause: error });
    return {};
  }
}

/** The header names the propagator reads and writes; the keys an injection owns. */
export function propagatorFields(propagator: TextMapPropagator | undefined): string[] {
  const stock = stockW3C(propagator, DEFAULT_PROPAGATOR);
  if (stock !== undefined) return stock.fields as string[];
  const effective = effectivePropagator(propagator);
  return effective === undefined ? propagation.fields() : effective.fields();
}

// Fields that may legitimately arrive without a span context (baggage alone, a stray tracestate).
const CONTEXT_FREE_FIELDS = new Set(['baggage', 'tracestate']);

/**
 * Extracts a context from any carrier. Never throws: a throwing propagator is reported as
 * `propagator-error` and the base context is returned.
 */
export function extractFrom<C>(
  base: Context,
  carrier: C,
  getter: TextMapGetter<C>,
  propagator: TextMapPropagator | undefined,
  sink: Reporter | undefined,
): Context {
  const stock = stockW3C(propagator, DEFAULT_PROPAGATOR);
  let extracted: Context;
  try {
    if (stock !== undefined) extracted = extractStock(stock, base, carrier, getter);
    else {
      const effective = effectivePropagator(propagator);
      extracted = effective === undefined ? propagation.extract(base, carrier, getter) : effective.extract(base, carrier, getter);
    }
  } catch (error) {
    report(sink, 'propagator-error', `the propagator threw while extracting: ${error instanceof Error ? error.message : String(error)}; no context is taken from these fields`, { cause: error });
    return base;
  }
  // A tracestate is taken whole or not at all (W3C), whichever propagator read it; one getter call.
  if (extracted === base) return extracted;
  const tracestate = getter.get(carrier, 'tracestate');
  if (tracestate === undefined || !(stock?.fields ?? propagatorFields(propagator)).includes('tracestate')) return extracted;
  return withW3CTraceState(extracted, tracestate, sink);
}

/**
 * The propagation field that should carry a span context (any of the propagator's fields but
 * `baggage` and `tracestate`) and is among `presentKeys`, when `extracted` holds no valid span
 * context: a malformed `traceparent`, all-zero ids, an empty or null value. `undefined` otherwise.
 * The caller reports it (`invalid-context`) once it knows what the message was processed under.
 */
export function missingContextField(extracted: Context, presentKeys: readonly string[], propagator: TextMapPropagator | undefined): string | undefined {
  if (hasValidSpanContext(extracted)) return undefined;
  for (const field of propagatorFields(propagator)) {
    if (!CONTEXT_FREE_FIELDS.has(field) && presentKeys.includes(field)) return field;
  }
  return undefined;
}

/**
 * The span context `context` carries when its ids have the right length and are not all zero, else
 * `undefined`. Propagators validate the hex when they parse; repeating the API's regex check here
 * cost a fifth of the consumer-side propagation time.
 */
export function validSpanContextOf(context: Context): SpanContext | undefined {
  const spanContext = trace.getSpanContext(context);
  if (spanContext === undefined) return undefined;
  const { traceId, spanId } = spanContext;
  return traceId.length === 32 && spanId.length === 16 && !hasZeroId(traceId, spanId) ? spanContext : undefined;
}

/** True when `context` carries a valid span context (see {@link validSpanContextOf}). */
export function hasValidSpanContext(context: Context): boolean {
  return validSpanContextOf(context) !== undefined;
}

/** A getter over a plain field record (an envelope's `context` member). */
export const fieldsGetter: TextMapGetter<Readonly<Record<string, string>>> = {
  get: (carrier, key) => (Object.hasOwn(carrier, key) ? carrier[key] : undefined),
  keys: (carrier) => Object.keys(carrier),
};
