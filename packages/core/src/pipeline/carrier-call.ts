import type { Context, TextMapGetter, TextMapPropagator } from '@opentelemetry/api';
import type { CarrierContext, CarrierFields } from '../carriers/carrier.js';
import { MessageDiagnostics, type DiagnosticHook, type DiagnosticOrigin, type DiagnosticSink, type Reporter } from '../diagnostics.js';
import type { ReadLimits } from '../limits.js';
import { extractFrom, propagatorFields } from '../propagation/propagation.js';

/**
 * The {@link CarrierContext} of one message: where it reports (a sink function is made only when a
 * carrier asks for one), the limits, the propagator's fields (looked up only when asked).
 */
export class CarrierCall implements CarrierContext {
  readonly limits: ReadLimits;
  /** Where this message's problems go; header reads report here without making a sink function. */
  readonly reporter: Reporter;
  readonly #propagator: TextMapPropagator | undefined;
  constructor(reporter: Reporter, limits: ReadLimits, propagator: TextMapPropagator | undefined) {
    this.reporter = reporter;
    this.limits = limits;
    this.#propagator = propagator;
  }
  get report(): DiagnosticSink {
    const reporter = this.reporter;
    return typeof reporter === 'function' ? reporter : reporter.report;
  }
  get propagationFields(): readonly string[] {
    return propagatorFields(this.#propagator);
  }
}

/**
 * One message's diagnostics that are also its {@link CarrierContext}: what a wrapper makes per
 * message, so carriers get their context without a second object.
 */
export class MessageCall extends MessageDiagnostics implements CarrierContext {
  readonly limits: ReadLimits;
  readonly #propagator: TextMapPropagator | undefined;
  constructor(hook: DiagnosticHook | undefined, origin: DiagnosticOrigin, limits: ReadLimits, propagator: TextMapPropagator | undefined) {
    super(hook, origin);
    this.limits = limits;
    this.#propagator = propagator;
  }
  get propagationFields(): readonly string[] {
    return propagatorFields(this.#propagator);
  }
}

/** The carrier context for a message reported to `reporter`: itself when it is one. */
export function carrierCall(reporter: Reporter, limits: ReadLimits, propagator: TextMapPropagator | undefined): CarrierContext {
  return reporter instanceof MessageCall ? reporter : new CarrierCall(reporter, limits, propagator);
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
export function extractFields(base: Context, fields: CarrierFields, propagator: TextMapPropagator | undefined, sink: Reporter): Context {
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
