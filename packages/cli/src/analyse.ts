import { isUtf8 } from 'node:buffer';
import { propagation, trace, TraceFlags, type Context } from '@opentelemetry/api';
import type { Carrier, Diagnostic, DiagnosticCode, LimitOptions } from '@tracecarrier/core';
import { createMessagePropagator, type RdkafkaMessagePropagator } from '@tracecarrier/node-rdkafka';
import type { Message } from 'node-rdkafka';
import { carriersToReadAlone, DetectLog, incomingOf } from './alone.js';
import { isoTime } from './iso-time.js';
import { otherPropagatorsIn, type ResolvedPropagator } from './propagators.js';

/** A context one carrier found in a record. */
export interface FoundContext {
  readonly carrier: string;
  readonly traceId: string;
  readonly parentSpanId: string;
  readonly sampled: boolean;
}

/** What `inspect` says of one record. */
export interface RecordReport {
  readonly partition: number;
  readonly offset: number;
  /** The key as text, `base64:…` when it is not UTF-8, or `null`. */
  readonly key: string | null;
  /** When the record was written (the producer's create time, or the broker's log-append time if the topic says so), ISO 8601 UTC; absent when the broker gives none. */
  readonly timestamp?: string;
  /** The value's size in bytes, `null` for a tombstone. */
  readonly valueBytes: number | null;
  /** Every header in record order (repeated names kept), with its value's size in bytes (`null`: a null value). */
  readonly headers: ReadonlyArray<{ readonly name: string; readonly bytes: number | null }>;
  readonly tombstone: boolean;
  /** The carrier a consumer would take the context from, or `none`. */
  readonly carrier: string;
  readonly traceId?: string;
  readonly parentSpanId?: string;
  readonly sampled?: boolean;
  readonly tracestate?: string;
  readonly baggageKeys: readonly string[];
  /** Baggage values, only when asked for (`--show-baggage`). */
  readonly baggage?: Readonly<Record<string, string>>;
  /** Every carrier that found a valid context, the one used first. */
  readonly found: readonly FoundContext[];
  /** True when carriers found contexts that differ (trace id or parent span id). */
  readonly disagreement: boolean;
  /** What a consumer reading with these carriers would report. */
  readonly diagnostics: ReadonlyArray<{ readonly code: DiagnosticCode; readonly message: string; readonly field?: string }>;
  /**
   * When no context was found: the other built-in propagators (`w3c`, `b3`, `jaeger`) whose headers
   * the record carries — read it with `--propagator` set to one of them. Absent otherwise.
   */
  readonly otherPropagators?: readonly string[];
}

function keyText(key: Message['key']): string | null {
  if (key === null || key === undefined) return null;
  const bytes = Buffer.isBuffer(key) ? key : Buffer.from(String(key));
  return isUtf8(bytes) ? bytes.toString('utf8') : `base64:${bytes.toString('base64')}`;
}

function headerSizes(message: Message): RecordReport['headers'] {
  const sizes: Array<RecordReport['headers'][number]> = [];
  for (const header of message.headers ?? []) {
    for (const [name, value] of Object.entries(header)) sizes.push({ name, bytes: value === null || value === undefined ? null : Buffer.isBuffer(value) ? value.length : Buffer.byteLength(String(value)) });
  }
  return sizes;
}

/** The record's timestamp as ISO 8601, when the broker gave one (librdkafka says -1 for none). */
function timestampOf(message: Message): string | undefined {
  const { timestamp } = message;
  return typeof timestamp === 'number' && timestamp >= 0 && Number.isFinite(timestamp) ? isoTime(timestamp) : undefined;
}

function foundIn(context: Context, carrier: string): FoundContext | undefined {
  const spanContext = trace.getSpanContext(context);
  if (spanContext === undefined || carrier === 'none') return undefined;
  return { carrier, traceId: spanContext.traceId, parentSpanId: spanContext.spanId, sampled: (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED };
}

/**
 * Reads records as a node-rdkafka consumer with these carriers would (the binding's own manual
 * API, so the logic is the consumers'), and once more with each other carrier that detects a
 * context field, alone, to find every carrier that carries a context: `both` records, and
 * disagreements between header and envelope (see alone.ts).
 */
export class RecordAnalyser {
  readonly #all: RdkafkaMessagePropagator;
  readonly #each: ReadonlyArray<{ readonly carrier: Carrier; readonly reader: RdkafkaMessagePropagator }>;
  readonly #propagatorName: string;
  readonly #detected: DetectLog;
  #reported: Diagnostic[] = [];

  /**
   * `propagator`: the one the headers carrier reads with (`--propagator`; default W3C's,
   * OpenTelemetry's default); `limits`: the read limits (`--max-*-bytes`; default the consumers').
   */
  constructor(carriers: readonly Carrier[], propagator?: ResolvedPropagator, limits?: LimitOptions) {
    const using = { ...(propagator === undefined ? {} : { propagator: propagator.propagator }), ...(limits === undefined ? {} : { limits }) };
    this.#propagatorName = propagator?.name ?? 'w3c';
    this.#detected = new DetectLog(carriers);
    this.#all = createMessagePropagator({ consumer: { carriers: [...this.#detected.carriers], ...using, onDiagnostic: (diagnostic) => void this.#reported.push(diagnostic) } });
    this.#each = carriers.map((carrier) => ({ carrier, reader: createMessagePropagator({ consumer: { carriers: [carrier], ...using, onDiagnostic: () => undefined } }) }));
  }

  /** What `message` carries (baggage values only with `showBaggage`); never throws. */
  analyse(message: Message, showBaggage: boolean): RecordReport {
    this.#reported = [];
    this.#detected.clear();
    const read = this.#all.extract(message);
    const diagnostics = this.#reported.map((d) => ({ code: d.code, message: d.message, ...(d.field === undefined ? {} : { field: d.field }) }));
    const used = foundIn(read.context, read.carrier);
    const found: FoundContext[] = used === undefined ? [] : [used];
    for (const single of carriersToReadAlone(this.#each, this.#detected, () => incomingOf(message), used?.carrier)) {
      const alone = single.extract(message);
      const other = foundIn(alone.context, alone.carrier);
      if (other !== undefined && other.carrier !== used?.carrier) found.push(other);
    }
    const disagreement = found.some((entry) => entry.traceId !== found[0]!.traceId || entry.parentSpanId !== found[0]!.parentSpanId);
    const entries = propagation.getBaggage(read.context)?.getAllEntries() ?? [];
    const tracestate = trace.getSpanContext(read.context)?.traceState?.serialize();
    const timestamp = timestampOf(message);
    const others = used === undefined ? otherPropagatorsIn((message.headers ?? []).flatMap((header) => Object.keys(header)), this.#propagatorName) : [];
    // Built member by member, in the order --json prints them: one object, no spread temporaries.
    const report: { -readonly [K in keyof RecordReport]?: RecordReport[K] } = { partition: message.partition, offset: message.offset, key: keyText(message.key) };
    if (timestamp !== undefined) report.timestamp = timestamp;
    report.valueBytes = message.value === null || message.value === undefined ? null : message.value.length;
    report.headers = headerSizes(message);
    report.tombstone = message.value === null;
    report.carrier = read.carrier;
    if (used !== undefined) {
      report.traceId = used.traceId;
      report.parentSpanId = used.parentSpanId;
      report.sampled = used.sampled;
    }
    if (tracestate !== undefined && tracestate !== '') report.tracestate = tracestate;
    report.baggageKeys = entries.map(([key]) => key);
    if (showBaggage) report.baggage = Object.fromEntries(entries.map(([key, entry]) => [key, entry.value]));
    report.found = found;
    report.disagreement = disagreement;
    report.diagnostics = diagnostics;
    if (others.length > 0) report.otherPropagators = others;
    return report as RecordReport;
  }
}

/** The counts `inspect` ends with. */
export interface InspectSummary {
  /** Records shown and counted here: those that passed `--trace-id` and `--key` (all, without them). */
  readonly records: number;
  /** Records read, filtered or not. */
  readonly scanned: number;
  /** Records per carrier that gave the context (`none` included). */
  readonly byCarrier: Readonly<Record<string, number>>;
  /** Records in which no carrier found anything and nothing was reported. */
  readonly noContext: number;
  /** Records that held context fields but no valid context (something was reported). */
  readonly invalidContext: number;
  /** Records in which more than one carrier found a context. */
  readonly multipleCarriers: number;
  readonly disagreements: number;
  readonly diagnostics: Readonly<Record<string, number>>;
  /** Records without a context that carry another propagator's headers, per propagator (the hint). */
  readonly otherPropagators: Readonly<Record<string, number>>;
}

/** Adds up record reports. */
export class SummaryCounter {
  records = 0;
  /** Records read, including those a filter left out (the caller counts them). */
  scanned = 0;
  readonly byCarrier: Record<string, number> = {};
  noContext = 0;
  invalidContext = 0;
  multipleCarriers = 0;
  disagreements = 0;
  readonly diagnostics: Record<string, number> = {};
  readonly otherPropagators: Record<string, number> = {};

  /** Counts one record. */
  add(report: RecordReport): void {
    this.records++;
    this.byCarrier[report.carrier] = (this.byCarrier[report.carrier] ?? 0) + 1;
    if (report.carrier === 'none') {
      if (report.diagnostics.length === 0) this.noContext++;
      else this.invalidContext++;
    }
    if (report.found.length > 1) this.multipleCarriers++;
    if (report.disagreement) this.disagreements++;
    for (const { code } of report.diagnostics) this.diagnostics[code] = (this.diagnostics[code] ?? 0) + 1;
    for (const name of report.otherPropagators ?? []) this.otherPropagators[name] = (this.otherPropagators[name] ?? 0) + 1;
  }

  /** The counts so far. */
  summary(): InspectSummary {
    return { records: this.records, scanned: Math.max(this.scanned, this.records), byCarrier: { ...this.byCarrier }, noContext: this.noContext, invalidContext: this.invalidContext, multipleCarriers: this.multipleCarriers, disagreements: this.disagreements, diagnostics: { ...this.diagnostics }, otherPropagators: { ...this.otherPropagators } };
  }
}
