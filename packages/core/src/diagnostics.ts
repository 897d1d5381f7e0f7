import { diag } from '@opentelemetry/api';

/**
 * What went wrong with an incoming (or outgoing) message's trace context. Each is reported once per
 * message and never interrupts the message path.
 * - `invalid-context`: propagation headers (or envelope context) were present but gave no valid span
 *   context (malformed `traceparent`, all-zero ids, …). The message is processed under a fresh trace.
 * - `conflicting-header-values`: a propagation header occurs several times with values that disagree
 *   (two different `traceparent`s): none is guessed, the message starts a new trace linked to each
 *   candidate. (Several `tracestate` or `baggage` headers are not a conflict: they combine, as W3C
 *   says.) For other headers read by a carrier, the last non-null value is used.
 * - `non-utf8-header`: a propagation header's bytes are not valid UTF-8; the value is ignored.
 * - `invalid-envelope`: the value looks like an envelope but cannot be read (broken JSON, wrong field
 *   types, bad base64); the value is handed to the handler untouched.
 * - `unsupported-envelope-version`: an envelope of a version this SDK does not know; value untouched.
 * - `hook-error`: a user hook (attribute hook) threw; the error is swallowed, the message goes on.
 * - `field-skipped`: a propagation field could not be written in the chosen carrier (e.g. a name that is
 *   not a valid CloudEvents attribute name).
 * - `field-too-large`: a propagation header or an envelope is larger than the configured limit
 *   (`limits.maxHeaderBytes`, `limits.maxEnvelopeBytes`); it is not parsed, and the value is handed
 *   over untouched.
 * - `context-dropped`: part of the context was dropped and the valid part (the `traceparent`) kept:
 *   a `tracestate` that breaks the W3C rules (its grammar, over 32 members or 512 characters) is
 *   discarded whole, incoming or outgoing; `baggage` over 8192 bytes or 180 members loses the
 *   entries beyond the limits.
 * - `baggage-filtered`: incoming baggage entries were removed by the consumer's `baggage` option
 *   (reported once per message, only when something was removed).
 * - `carrier-error`: a carrier (built-in or yours) threw. On the producer side the message is sent
 *   with its context in headers; on the consumer side it is handed over untouched.
 * - `propagator-error`: the propagator threw while injecting (the message is sent without context) or
 *   while extracting (the message is processed under a fresh trace).
 * - `internal-error`: tracecarrier itself failed on a message; the message is handed to the
 *   application without tracing rather than lost. Please report it.
 */
export type DiagnosticCode =
  | 'invalid-context'
  | 'conflicting-header-values'
  | 'non-utf8-header'
  | 'invalid-envelope'
  | 'unsupported-envelope-version'
  | 'hook-error'
  | 'field-skipped'
  | 'field-too-large'
  | 'context-dropped'
  | 'baggage-filtered'
  | 'carrier-error'
  | 'propagator-error'
  | 'internal-error';

/** One reported problem, with where it happened when known. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  /** Human-readable explanation, safe to log. */
  readonly message: string;
  readonly topic?: string;
  /** The message's partition; on the producer side, the one the application chose (absent when the partitioner chooses). */
  readonly partition?: number;
  /** The message's offset, as the client reports it (string). */
  readonly offset?: string;
  /** The header or envelope field concerned, when there is one. */
  readonly field?: string;
  /** The underlying error, when there is one. */
  readonly cause?: unknown;
}

/**
 * Receives every {@link Diagnostic}. Runs synchronously in the message path; a hook that throws is
 * ignored (and logged through OpenTelemetry's `diag`).
 */
export type DiagnosticHook = (diagnostic: Diagnostic) => void;

/**
 * Where a message came from (or goes to), attached to its diagnostics. On the producer side the
 * partition is the one the application chose, if any (`null` or absent: the partitioner's choice).
 */
export interface DiagnosticOrigin {
  readonly topic?: string | undefined;
  readonly partition?: number | null | undefined;
  readonly offset?: string | number | undefined;
}

/**
 * Collects diagnostics for one message; the binding-independent sink used by carriers and codecs.
 * Sinks made by {@link diagnosticSink} also tell how many problems they reported (`count`).
 */
export type DiagnosticSink = ((code: DiagnosticCode, message: string, detail?: { field?: string; cause?: unknown }) => void) & {
  readonly count?: number;
};

function deliver(hook: DiagnosticHook | undefined, origin: DiagnosticOrigin, code: DiagnosticCode, message: string, detail: { field?: string; cause?: unknown } | undefined): void {
  // The origin may be the message itself: only its coordinates go into the diagnostic.
  const diagnostic: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, message };
  if (origin.topic !== undefined) diagnostic.topic = origin.topic;
  if (origin.partition !== undefined && origin.partition !== null) diagnostic.partition = origin.partition;
  if (origin.offset !== undefined) diagnostic.offset = String(origin.offset);
  if (detail?.field !== undefined) diagnostic.field = detail.field;
  if (detail !== undefined && 'cause' in detail) diagnostic.cause = detail.cause;
  diag.warn(`tracecarrier: ${code}: ${message}`, { topic: diagnostic.topic, partition: diagnostic.partition, offset: diagnostic.offset });
  if (hook === undefined) return;
  try {
    hook(diagnostic);
  } catch (error) {
    diag.error('tracecarrier: the diagnostic hook threw', error);
  }
}

/**
 * One message's diagnostics: reports each (code, field) once, stamps the message's origin, logs
 * through OpenTelemetry `diag.warn` and calls the user's hook, never letting either throw. Made for
 * every message, so it allocates nothing more until something is reported.
 */
export class MessageDiagnostics {
  readonly #hook: DiagnosticHook | undefined;
  readonly #origin: DiagnosticOrigin;
  #seen: Set<string> | undefined;
  #sink: DiagnosticSink | undefined;
  /** `origin` may be the message itself: only `topic`, `partition` and `offset` are read, when reporting. */
  constructor(hook: DiagnosticHook | undefined, origin: DiagnosticOrigin) {
    this.#hook = hook;
    this.#origin = origin;
  }
  /** How many distinct problems were reported. */
  get count(): number {
    return this.#seen?.size ?? 0;
  }
  /** Reports one problem (once per code and field). */
  add(code: DiagnosticCode, message: string, detail?: { field?: string; cause?: unknown }): void {
    // A field read twice (once to extract, once to check presence) must still be reported once.
    const key = `${code}\u0000${detail?.field ?? ''}`;
    if (this.#seen?.has(key) === true) return;
    (this.#seen ??= new Set()).add(key);
    deliver(this.#hook, this.#origin, code, message, detail);
  }
  /** The same as a sink function, for carriers and codecs (made on first use). */
  get report(): DiagnosticSink {
    return (this.#sink ??= (code, message, detail) => this.add(code, message, detail));
  }
}

/** Where a problem is reported: a sink function, or a message's {@link MessageDiagnostics}. */
export type Reporter = DiagnosticSink | { readonly report: DiagnosticSink };

/** Reports to a {@link Reporter}, if any (only then is a lazy one's sink made). */
export function report(to: Reporter | undefined, code: DiagnosticCode, message: string, detail?: { field?: string; cause?: unknown }): void {
  if (to === undefined) return;
  if (typeof to === 'function') to(code, message, detail);
  else if (to instanceof MessageDiagnostics) to.add(code, message, detail);
  else to.report(code, message, detail);
}

/** How many problems a reporter has reported, when it counts them. */
export function reportedCount(to: Reporter): number | undefined {
  return to instanceof MessageDiagnostics ? to.count : typeof to === 'function' ? to.count : undefined;
}

/**
 * Makes a sink for one message that reports each (code, field) once, stamps the message origin, logs
 * through OpenTelemetry `diag.warn` and calls the user's hook, never letting either throw.
 */
export function diagnosticSink(hook: DiagnosticHook | undefined, origin: DiagnosticOrigin): DiagnosticSink {
  const diagnostics = new MessageDiagnostics(hook, origin);
  const sink = (code: DiagnosticCode, message: string, detail?: { field?: string; cause?: unknown }): void => diagnostics.add(code, message, detail);
  Object.defineProperty(sink, 'count', { get: () => diagnostics.count });
  return sink;
}
