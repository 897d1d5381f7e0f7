import { propagation, type Context, type TextMapPropagator } from '@opentelemetry/api';
import { report, type Reporter } from '../diagnostics.js';
import { propagatorFields } from './propagation.js';

/**
 * What a consumer keeps of incoming baggage: `keep` (default), `drop` (all of it), or only the
 * keys listed in `allow`. For topics written by parties you do not trust.
 */
export type BaggagePolicy = 'keep' | 'drop' | { readonly allow: readonly string[] };

/**
 * The W3C baggage limits beyond which the propagator drops entries (tracestate's are in tracestate.ts).
 * @see https://www.w3.org/TR/baggage/#limits
 */
export const W3C_LIMITS = { baggageBytes: 8192, baggageMembers: 180 } as const;

function members(text: string): number {
  let count = 0;
  for (const part of text.split(',')) if (part.trim() !== '') count++;
  return count;
}

/**
 * Reports `context-dropped` when an incoming `baggage` exceeds the W3C limits, so the propagator
 * kept only part of it. Looks only at fields the propagator reads. (A `tracestate` is judged where
 * it is extracted: see `withW3CTraceState`.)
 */
export function reportDroppedBaggage(baggage: string | undefined, propagator: TextMapPropagator | undefined, sink: Reporter): void {
  // The propagator's field list is only consulted when a field is over the limits.
  if (baggage !== undefined && (Buffer.byteLength(baggage) > W3C_LIMITS.baggageBytes || members(baggage) > W3C_LIMITS.baggageMembers)) {
    if (propagatorFields(propagator).includes('baggage')) {
      report(sink, 'context-dropped', `baggage exceeds the W3C limits (${W3C_LIMITS.baggageBytes} bytes, ${W3C_LIMITS.baggageMembers} members); entries beyond them were dropped`, { field: 'baggage' });
    }
  }
}

/** Applies the consumer's baggage policy to an extracted context, reporting what it removed. */
export function applyBaggagePolicy(context: Context, policy: BaggagePolicy | undefined, sink: Reporter | undefined): Context {
  if (policy === undefined || policy === 'keep') return context;
  const baggage = propagation.getBaggage(context);
  if (baggage === undefined) return context;
  const entries = baggage.getAllEntries();
  if (entries.length === 0) return context;
  if (policy === 'drop') {
    report(sink, 'baggage-filtered', `dropped ${entries.length} incoming baggage entries (baggage: 'drop')`, { field: 'baggage' });
    return propagation.deleteBaggage(context);
  }
  const kept = entries.filter(([key]) => policy.allow.includes(key));
  if (kept.length === entries.length) return context;
  report(sink, 'baggage-filtered', `removed ${entries.length - kept.length} incoming baggage entries not in baggage.allow`, { field: 'baggage' });
  return propagation.setBaggage(context, propagation.createBaggage(Object.fromEntries(kept)));
}
