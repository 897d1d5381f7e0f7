import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { UsageError } from './errors.js';
import { loadExport } from './module-export.js';

/**
 * `--propagator`: how the headers carry a context, as the application that wrote (or will read)
 * the records has it registered. The built-in names are OpenTelemetry's own propagators; B3 and
 * Jaeger come from `@opentelemetry/propagator-b3` and `@opentelemetry/propagator-jaeger`, optional
 * peers loaded only when asked for (most applications on the OpenTelemetry SDK have them already).
 */
export const PROPAGATOR_NAMES = ['w3c', 'b3', 'b3multi', 'jaeger'] as const;

/** The propagator in use and its name (a module path as given). */
export interface ResolvedPropagator {
  readonly name: string;
  readonly propagator: TextMapPropagator;
}

/**
 * The header names by which each built-in propagator's context is recognised, for the hint when a
 * topic carries a context under another propagator than the one in use (lower case: Kafka header
 * names are read case-insensitively here, as B3's `X-B3-TraceId` is often written).
 */
export const PROPAGATOR_MARKS: Readonly<Record<'w3c' | 'b3' | 'jaeger', readonly string[]>> = {
  w3c: ['traceparent'],
  b3: ['b3', 'x-b3-traceid'],
  jaeger: ['uber-trace-id'],
};

/** An optional peer, loaded when asked for; its absence is the user's to fix, said in one line. */
async function optionalPeer<T>(load: () => Promise<T>, name: string, flag: string): Promise<T> {
  try {
    return await load();
  } catch {
    throw new UsageError(`--propagator ${flag} needs ${name} installed beside the command line (npm install ${name}), or give a module path exporting a TextMapPropagator`);
  }
}

function isPropagator(value: unknown): value is TextMapPropagator {
  const candidate = value as Partial<TextMapPropagator> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.inject === 'function' && typeof candidate.extract === 'function' && typeof candidate.fields === 'function';
}

/** A module path's TextMapPropagator (`--propagator ./mine.mjs`). */
const PROPAGATOR_EXPORT = { noun: 'propagator', type: 'TextMapPropagator', named: 'propagator', shape: 'an object with inject, extract and fields', is: isPropagator };

/**
 * The propagator `--propagator` names: `w3c` (W3C Trace Context and Baggage, the default), `b3`
 * (B3 single header; B3 multi-header is read too), `b3multi` (B3 multi-header, as the probe writes
 * it), `jaeger` (`uber-trace-id` and `uberctx-` baggage), or a module path exporting a
 * `TextMapPropagator`. B3 comes with W3C baggage, as OpenTelemetry's SDKs register it.
 */
export async function resolvePropagator(name: string): Promise<ResolvedPropagator> {
  const baggage = new W3CBaggagePropagator();
  switch (name) {
    case 'w3c':
      return { name, propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), baggage] }) };
    case 'b3':
    case 'b3multi': {
      const { B3Propagator, B3InjectEncoding } = await optionalPeer(() => import('@opentelemetry/propagator-b3'), '@opentelemetry/propagator-b3', name);
      const injectEncoding = name === 'b3' ? B3InjectEncoding.SINGLE_HEADER : B3InjectEncoding.MULTI_HEADER;
      return { name, propagator: new CompositePropagator({ propagators: [new B3Propagator({ injectEncoding }), baggage] }) };
    }
    case 'jaeger': {
      const { JaegerPropagator } = await optionalPeer(() => import('@opentelemetry/propagator-jaeger'), '@opentelemetry/propagator-jaeger', name);
      return { name, propagator: new JaegerPropagator() };
    }
    default:
      if (!name.includes('/') && !name.includes('.')) throw new UsageError(`unknown propagator "${name}": ${PROPAGATOR_NAMES.join(', ')}, or a module path`);
      return { name, propagator: await loadExport(name, PROPAGATOR_EXPORT) };
  }
}

/**
 * The built-in propagators (other than `inUse`) whose headers a record carries, by name: what the
 * hint names when the propagator in use found no context there.
 */
export function otherPropagatorsIn(headerNames: readonly string[], inUse: string): string[] {
  const names = new Set(headerNames.map((header) => header.toLowerCase()));
  const family = inUse === 'b3multi' ? 'b3' : inUse;
  return (Object.keys(PROPAGATOR_MARKS) as Array<keyof typeof PROPAGATOR_MARKS>).filter((other) => other !== family && PROPAGATOR_MARKS[other].some((mark) => names.has(mark)));
}
