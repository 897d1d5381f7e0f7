import { styleText } from 'node:util';
import type { InspectSummary, RecordReport } from './analyse.js';
import type { ProbeResult } from './probe.js';

/**
 * Where the commands write: plain text when piped, colour and a live progress line on a terminal,
 * NDJSON with `--json` (one object per record, then `{"summary":…}`), for scripts.
 */
export class Output {
  readonly #json: boolean;
  readonly #colour: boolean;
  readonly #progress: boolean;
  readonly #write: (text: string) => void;
  readonly #status: (text: string) => void;
  #shown = 0;
  #lastProgress = 0;

  constructor(options: { json: boolean; stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream }) {
    const stdout = options.stdout ?? process.stdout;
    const stderr = options.stderr ?? process.stderr;
    this.#json = options.json;
    this.#colour = !options.json && stdout.isTTY === true && process.env.NO_COLOR === undefined;
    this.#progress = !options.json && stderr.isTTY === true;
    this.#write = (text) => void stdout.write(`${text}\n`);
    this.#status = (text) => void stderr.write(text);
  }

  #style(format: Parameters<typeof styleText>[0], text: string): string {
    return this.#colour ? styleText(format, text) : text;
  }

  /** One record: a line (and its diagnostics under it), or a JSON object. */
  record(report: RecordReport): void {
    this.#clearProgress();
    if (this.#json) return this.#write(JSON.stringify(report));
    const parts = [this.#style('dim', `${report.partition}@${report.offset}`), `key=${report.key ?? '(null)'}`];
    if (report.tombstone) parts.push(this.#style('dim', 'tombstone'));
    if (report.carrier === 'none') parts.push(this.#style(report.diagnostics.length > 0 ? 'red' : 'yellow', 'no context'));
    else {
      parts.push(`${this.#style('green', report.carrier)} trace=${report.traceId} parent=${report.parentSpanId} ${report.sampled === true ? 'sampled' : 'not-sampled'}`);
      const others = report.found.slice(1).map((entry) => entry.carrier);
      if (others.length > 0) parts.push(`also=${others.join(',')}`);
    }
    if (report.disagreement) parts.push(this.#style('red', `DISAGREE (${report.found.map((entry) => `${entry.carrier}: ${entry.traceId}/${entry.parentSpanId}`).join('; ')})`));
    if (report.tracestate !== undefined) parts.push(`tracestate=${report.tracestate}`);
    if (report.baggageKeys.length > 0) parts.push(`baggage=${report.baggage === undefined ? report.baggageKeys.join(',') : Object.entries(report.baggage).map(([key, value]) => `${key}=${value}`).join(',')}`);
    this.#write(parts.join('  '));
    for (const diagnostic of report.diagnostics) this.#write(`    ${this.#style('yellow', diagnostic.code)}: ${diagnostic.message}`);
  }

  /** A live count on a terminal, at most a few times a second. */
  progress(records: number): void {
    if (!this.#progress || Date.now() - this.#lastProgress < 200) return;
    this.#lastProgress = Date.now();
    this.#status(`\r${this.#style('dim', `… ${records} records read`)}`);
    this.#shown = 1;
  }

  #clearProgress(): void {
    if (this.#shown === 0) return;
    this.#status('\r\x1b[2K');
    this.#shown = 0;
  }

  /** The summary `inspect` ends with. */
  summary(summary: InspectSummary): void {
    this.#clearProgress();
    if (this.#json) return this.#write(JSON.stringify({ summary }));
    const byCarrier = Object.entries(summary.byCarrier).map(([carrier, count]) => `${carrier} ${count}`).join(', ') || 'none';
    const diagnostics = Object.entries(summary.diagnostics).map(([code, count]) => `${code} ${count}`).join(', ') || 'none';
    this.#write(
      [
        this.#style('bold', `${summary.records} records read`),
        `  by carrier: ${byCarrier}`,
        `  no context: ${summary.noContext}, invalid context: ${summary.invalidContext}`,
        `  in more than one carrier: ${summary.multipleCarriers}, disagreements: ${summary.disagreements}`,
        `  diagnostics: ${diagnostics}`,
      ].join('\n'),
    );
  }

  /** What `probe` found. */
  probe(result: ProbeResult): void {
    if (this.#json) return this.#write(JSON.stringify(result));
    const verdict = result.intact ? this.#style('green', 'the trace continues') : this.#style('red', 'the trace is broken');
    const lines = [`${verdict}: probe ${result.probeId} sent to ${result.to} (${result.mode}), ${result.arrived ? `arrived on ${result.from} after ${result.latencyMs} ms` : `not seen on ${result.from} within ${result.timeoutSeconds} s`}`];
    if (result.arrived) {
      lines.push(`  carrier: ${result.carrier}${result.traceId === undefined ? '' : `, trace=${result.traceId} parent=${result.parentSpanId}`} (sent trace=${result.sentTraceId} parent=${result.sentSpanId})`);
      lines.push(`  headers sent: ${result.headersSent.join(', ') || 'none'}; dropped on the way: ${result.headersDropped.join(', ') || 'none'}`);
      for (const diagnostic of result.diagnostics) lines.push(`  ${this.#style('yellow', diagnostic.code)}: ${diagnostic.message}`);
    }
    this.#write(lines.join('\n'));
  }
}
