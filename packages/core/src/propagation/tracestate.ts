import { trace, type Context, type TraceState } from '@opentelemetry/api';
import { report, type Reporter } from '../diagnostics.js';

/**
 * `tracestate` as W3C Trace Context (Level 2, and its test suite) says to read it: a list is taken
 * whole or discarded whole. @opentelemetry/core's `TraceState` drops members one by one and knows
 * only Level 1's keys (it drops `foo@` and `foo@@bar`, keeps `bar=2` beside an illegal `@foo=1`,
 * and truncates 33 members to 32); a peer that follows the spec would then see a different list.
 * @see https://www.w3.org/TR/trace-context-2/#tracestate-header
 */

/** The most list members a valid tracestate has. */
export const TRACESTATE_MAX_MEMBERS = 32;
/** The longest combined value (members joined by `,`, no white space) tracecarrier forwards. */
export const TRACESTATE_MAX_CHARS = 512;

// key = ( lcalpha / DIGIT ) 0*255 ( lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@" )
const KEY = /^[a-z0-9][_0-9a-z*/@-]{0,255}$/;
// value = 0*255(chr) nblk-chr, where chr is printable ASCII but "," and "=", and nblk-chr also not a space.
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
// Optional white space around the list's commas (and the whole value).
const DELIMITER = /[ \t]*,[ \t]*/;
const OWS_ENDS = /^[ \t]+|[ \t]+$/g;

/** A tracestate read whole: `ok` with its members, or why the whole list is discarded. */
export type TraceStateParse = { readonly ok: true; readonly state: W3CTraceState } | { readonly ok: false; readonly reason: string };

/**
 * Reads a combined `tracestate` value (several headers joined with `,`). Empty members are allowed
 * and skipped; a repeated key keeps its first value (the spec allows either). Any member that breaks
 * the grammar, more than 32 members, or more than 512 characters discards the whole list.
 */
export function parseTraceState(raw: string): TraceStateParse {
  const entries: Array<[string, string]> = [];
  const seen = new Set<string>();
  let members = 0;
  for (const member of raw.replace(OWS_ENDS, '').split(DELIMITER)) {
    if (member === '') continue;
    if (++members > TRACESTATE_MAX_MEMBERS) return { ok: false, reason: `it has more than ${TRACESTATE_MAX_MEMBERS} list members` };
    const equals = member.indexOf('=');
    const key = equals < 0 ? member : member.slice(0, equals);
    if (equals < 0) return { ok: false, reason: `member ${quote(member)} is not key=value` };
    if (!KEY.test(key)) return { ok: false, reason: `key ${quote(key)} does not follow the key grammar (a lower-case letter or digit, then up to 255 of a-z 0-9 _ - * / @)` };
    const value = member.slice(equals + 1);
    if (!VALUE.test(value)) return { ok: false, reason: `the value of ${quote(key)} is not 1 to 256 printable characters without "," or "=" ending in a non-space` };
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push([key, value]);
  }
  const state = new W3CTraceState(entries);
  const length = state.serialize().length;
  if (length > TRACESTATE_MAX_CHARS) return { ok: false, reason: `it is ${length} characters long, over ${TRACESTATE_MAX_CHARS}` };
  return { ok: true, state };
}

/** Why an outgoing tracestate would be discarded by a reader that follows W3C, or `undefined` when valid. */
export function traceStateProblem(serialized: string): string | undefined {
  const parsed = parseTraceState(serialized);
  return parsed.ok ? undefined : parsed.reason;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/**
 * An immutable `TraceState` (the OpenTelemetry API's interface) holding exactly the members it was
 * read with, in order. `set` puts a member first, as the spec says a vendor updating its entry does.
 */
export class W3CTraceState implements TraceState {
  readonly #entries: ReadonlyArray<readonly [string, string]>;
  constructor(entries: ReadonlyArray<readonly [string, string]>) {
    this.#entries = entries;
  }
  get(key: string): string | undefined {
    for (const [name, value] of this.#entries) if (name === key) return value;
    return undefined;
  }
  set(key: string, value: string): TraceState {
    return new W3CTraceState([[key, value], ...this.#entries.filter(([name]) => name !== key)]);
  }
  unset(key: string): TraceState {
    return new W3CTraceState(this.#entries.filter(([name]) => name !== key));
  }
  serialize(): string {
    return this.#entries.map(([key, value]) => `${key}=${value}`).join(',');
  }
  /** How many members it holds. */
  get size(): number {
    return this.#entries.length;
  }
}

/**
 * `context` with its span context's tracestate read from `raw` by the W3C rules (see
 * {@link parseTraceState}) instead of however the propagator read it: kept whole when valid,
 * discarded whole (one `context-dropped` report, the span context kept) when not. A context without
 * a span context, or a message without a tracestate, is returned as it is.
 */
export function withW3CTraceState(context: Context, raw: unknown, sink: Reporter | undefined): Context {
  const text = Array.isArray(raw) ? raw.filter((part) => typeof part === 'string').join(',') : raw;
  if (typeof text !== 'string') return context;
  const spanContext = trace.getSpanContext(context);
  if (spanContext === undefined) return context;
  const parsed = parseTraceState(text);
  const { traceState: _dropped, ...rest } = spanContext;
  if (parsed.ok) return trace.setSpanContext(context, parsed.state.size === 0 ? rest : { ...rest, traceState: parsed.state });
  report(sink, 'context-dropped', `tracestate discarded whole, as W3C Trace Context says: ${parsed.reason}; the traceparent is kept`, { field: 'tracestate' });
  return trace.setSpanContext(context, rest);
}
