import type { Context, TextMapGetter, TextMapPropagator } from '@opentelemetry/api';
import type { CarrierContext, CarrierFields } from '../carriers/carrier.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { ReadLimits } from '../limits.js';
import { extractFrom, propagatorFields } from '../propagation/propagation.js';

/** The {@link CarrierContext} of one message: its sink, the limits, the propagator's fields (looked up only when asked). */
export class CarrierCall implements CarrierContext {
  readonly report: DiagnosticSink;
  readonly limits: ReadLimits;
  readonly #propagator: TextMapPropagator | undefined;
  constructor(report: DiagnosticSink, limits: ReadLimits, propagator: TextMapPropagator | undefined) {
    this.report = report;
    this.limits = limits;
    this.#propagator = propagator;
  }
  get propagationFields(): readonly string[] {
    return propagatorFields(this.#propagator);
  }
}

function isGetter(fields: CarrierFields): fields is Extract<CarrierFields, { get: unknown }> {
  return typeof (fields as { get?: unknown }).get === 'function' && typeof (fields as { keys?: unknown }).keys === 'function';
}

const objectGetter: TextMapGetter<Extract<CarrierFields, { get: unknown }>> = {
  get: (carrier, key) => carrier.get(key),
  keys: (carrier) => carrier.keys(),
};

const recordGetter: TextMapGetter<Readonly<Record<string, string>>> = {
  get: (carrier, key) => {
    const value: unknown = Object.hasOwn(carrier, key) ? carrier[key] : undefined;
    return typeof value === 'string' ? value : undefined;
  },
  keys: (carrier) => Object.keys(carrier),
};

/** Extracts a context from a carrier's fields, whichever form they came in (never throws). */
export function extractFields(base: Context, fields: CarrierFields, propagator: TextMapPropagator | undefined, sink: DiagnosticSink): Context {
  return isGetter(fields) ? extractFrom(base, fields, objectGetter, propagator, sink) : extractFrom(base, fields, recordGetter, propagator, sink);
}

/** Reads one field from a carrier's fields, whichever form they came in. */
export function fieldOf(fields: CarrierFields, name: string): string | undefined {
  return isGetter(fields) ? fields.get(name) : (recordGetter.get(fields, name) as string | undefined);
}

/** The field names a carrier found. */
export function fieldNames(fields: CarrierFields): string[] {
  return isGetter(fields) ? fields.keys() : Object.keys(fields);
}
