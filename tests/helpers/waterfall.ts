import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { renderTrace, toRow, type SpanRow } from '../../demo/waterfall.js';

/** In-process spans as waterfall rows, labelled with a fixed name or one per span. */
export function rowsOf(spans: readonly ReadableSpan[], service: string | ((span: ReadableSpan) => string)): SpanRow[] {
  return spans.map((span) => ({ ...toRow(span), service: typeof service === 'string' ? service : service(span) }));
}

/**
 * Prints one trace with the demo's renderer, so a run's log shows what a tracing backend would
 * (docs/operations.md quotes these).
 */
export function printTrace(title: string, rows: readonly SpanRow[], traceId: string): void {
  const trace = rows.filter((row) => row.traceId === traceId);
  console.log(`${title}\n${renderTrace(trace, 24)}`);
}
