import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** The parts of a finished span the waterfall needs. */
export interface SpanRow {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: SpanKind;
  readonly service: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly links: readonly string[];
}

const toMs = ([seconds, nanos]: readonly [number, number]): number => seconds * 1e3 + nanos / 1e6;

/** Flattens an SDK span into a {@link SpanRow}. */
export function toRow(span: ReadableSpan): SpanRow {
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: span.kind,
    service: String(span.resource.attributes['service.name'] ?? 'unknown'),
    startMs: toMs(span.startTime),
    durationMs: toMs(span.duration),
    links: span.links.map((link) => link.context.spanId),
  };
}

/** What the demo checks at the end. */
export interface TraceSummary {
  /** Traces holding a producer span and the process spans of every expected consumer, each parented. */
  readonly connected: number;
  readonly traces: number;
  /** Spans whose parent is missing, and consumer spans that started a trace of their own. */
  readonly orphans: SpanRow[];
}

/**
 * Checks that every trace is whole: each span's parent is present, and each expected process span
 * (`process <topic>` for every topic in `consumedTopics`) hangs under a PRODUCER span.
 */
export function summarise(rows: readonly SpanRow[], consumedTopics: readonly string[]): TraceSummary {
  const byId = new Map(rows.map((row) => [row.spanId, row]));
  const orphans = rows.filter(
    (row) => (row.parentSpanId !== undefined && !byId.has(row.parentSpanId)) || (row.kind === SpanKind.CONSUMER && row.parentSpanId === undefined),
  );
  const traces = groupByTrace(rows);
  let connected = 0;
  for (const spans of traces.values()) {
    const whole = consumedTopics.every((topic) =>
      spans.some((span) => span.name === `process ${topic}` && byId.get(span.parentSpanId ?? '')?.kind === SpanKind.PRODUCER),
    );
    if (whole && spans.every((span) => !orphans.includes(span))) connected += 1;
  }
  return { connected, traces: traces.size, orphans };
}

function groupByTrace(rows: readonly SpanRow[]): Map<string, SpanRow[]> {
  const traces = new Map<string, SpanRow[]>();
  for (const row of rows) traces.set(row.traceId, [...(traces.get(row.traceId) ?? []), row]);
  return traces;
}

const KIND = { [SpanKind.INTERNAL]: 'internal', [SpanKind.SERVER]: 'server', [SpanKind.CLIENT]: 'client', [SpanKind.PRODUCER]: 'producer', [SpanKind.CONSUMER]: 'consumer' };

/**
 * Draws one trace as a terminal waterfall: nesting by parent, service, span name, kind, start
 * offset and duration, a bar on the trace's time axis, and links marked with `↔`.
 */
export function renderTrace(rows: readonly SpanRow[], width = 32): string {
  const start = Math.min(...rows.map((row) => row.startMs));
  const end = Math.max(...rows.map((row) => row.startMs + row.durationMs));
  const total = Math.max(end - start, 0.001);
  const names = new Map(rows.map((row) => [row.spanId, row.name]));
  const children = new Map<string | undefined, SpanRow[]>();
  const ids = new Set(rows.map((row) => row.spanId));
  for (const row of rows) {
    const parent = row.parentSpanId !== undefined && ids.has(row.parentSpanId) ? row.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), row]);
  }
  const lines = [`trace ${rows[0]?.traceId ?? ''}  (${total.toFixed(1)} ms)`];
  const walk = (parent: string | undefined, depth: number): void => {
    for (const row of (children.get(parent) ?? []).sort((a, b) => a.startMs - b.startMs)) {
      const offset = row.startMs - start;
      const from = Math.floor((offset / total) * width);
      const length = Math.max(1, Math.round((row.durationMs / total) * width));
      const bar = ' '.repeat(from) + '█'.repeat(Math.min(length, width - from));
      const label = `${'  '.repeat(depth)}${row.name}`;
      lines.push(
        `  ${row.service.padEnd(18)} ${label.padEnd(34)} ${KIND[row.kind].padEnd(8)} +${offset.toFixed(1).padStart(7)} ms ${row.durationMs.toFixed(1).padStart(7)} ms |${bar.padEnd(width)}|`,
      );
      for (const link of row.links) lines.push(`  ${''.padEnd(18)} ${'  '.repeat(depth)}  ↔ link to ${names.get(link) ?? 'span'} (${link})`);
      walk(row.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

/** The trace ids in first-seen order, for picking which traces to draw. */
export function traceIds(rows: readonly SpanRow[]): string[] {
  return [...groupByTrace(rows).keys()];
}
