/**
 * Coexistence with `@opentelemetry/instrumentation-kafkajs` (enabled by default in
 * `@opentelemetry/auto-instrumentations-node`): it patches each client kafkajs creates, wrapping
 * `send`, `sendBatch`, `transaction` and `run` in place, and leaves the shimmer marks `__wrapped` and
 * `__original` on what it wrapped. A client tracecarrier wraps is taken over: tracecarrier calls
 * kafkajs's own functions underneath, so the instrumentation creates no span, injects no context and
 * records no metric for that client — one send span and one process span per message, one context
 * on the wire. Clients tracecarrier does not wrap stay the instrumentation's.
 */

interface Wrapped {
  readonly __wrapped?: unknown;
  readonly __original?: unknown;
}

/** The function underneath any instrumentation wrappers (several may be stacked), or `fn` itself. */
export function unpatched<F>(fn: F): F {
  let current: unknown = fn;
  for (let depth = 0; depth < 8; depth++) {
    const wrapped = current as Wrapped | undefined;
    if (typeof current !== 'function' || wrapped?.__wrapped !== true || typeof wrapped.__original !== 'function') break;
    current = wrapped.__original;
  }
  return current as F;
}

/** True when `fn` carries an instrumentation's wrapper marks. */
export function isPatched(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as Wrapped).__wrapped === true;
}
