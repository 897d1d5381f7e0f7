import { styleText } from 'node:util';
import type { InspectSummary, RecordReport } from './analyse.js';
import { escapeText as e } from './escape.js';
import { writesFailed } from './pipes.js';
import type { ProbeResult } from './probe.js';

/**
 * Where the commands write: plain text when piped, colour and a live progress line on a terminal,
 * NDJSON with `--json` (one object per record, then `{"summary":…}`), for scripts. In text, every
 * piece of text that comes from a record (or from a carrier, or a diagnostic about a record) goes
 * through `escapeText`: a record cannot move the cursor, restyle the terminal or forge a line.
 * A stream a write failed on (EPIPE: its reader went away, `| head -1`) is written no more.
 */
export class Output {
  readonly #json: boolean;
  readonly #colour: boolean;
  readonly #progress: boolean;
  readonly #stdout: NodeJS.WriteStream;
  readonly #stdoutFailed: () => boolean;
  readonly #status: (text: string) => void;
  #shown = 0;
  #lastProgress = 0;

  constructor(options: { json: boolean; stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream }) {
    const stdout = options.stdout ?? process.stdout;
    const stderr = options.stderr ?? process.stderr;
    this.#json = options.json;
    this.#colour = !options.json && stdout.isTTY === true && process.env.NO_COLOR === undefined;
    this.#progress = !options.json && stderr.isTTY === true;
    this.#stdout = stdout;
    this.#stdoutFailed = writesFailed(stdout);
    const stderrFailed = writesFailed(stderr);
    this.#status = (text) => void (stderrFailed() || stderr.write(text));
  }

  /** Writes `text` on stdout, unless a write to it failed; false when the stream asks to wait for `drain`. */
  #put(text: string): boolean {
    return this.#stdoutFailed() || this.#stdout.write(text);
  }

  #write(text: string): void {
    this.#put(`${text}\n`);
  }

  #style(format: Parameters<typeof styleText>[0], text: string): string {
    return this.#colour ? styleText(format, text) : text;
  }

  /** One record: a line (and its diagnostics under it), or a JSON object. */
  record(report: RecordReport): void {
    this.#clearProgress();
    this.#put(this.#recordText(report));
  }

  /**
   * Records, as {@link Output.record} writes them one by one, in one write: a write is a system
   * call each (stdout is synchronous on Linux, a file or a pipe), and one per record was the
   * largest part of `inspect`'s own time (a sixth of it, 100,000 records to /dev/null). Resolves at
   * once, or, when stdout asks to wait (an asynchronous pipe whose reader is behind), once it drains,
   * fails or closes: the caller reads no more records meanwhile.
   */
  records(reports: readonly RecordReport[]): Promise<void> {
    if (reports.length === 0) return Promise.resolve();
    this.#clearProgress();
    let text = '';
    for (const report of reports) text += this.#recordText(report);
    if (this.#put(text)) return Promise.resolve();
    const stdout = this.#stdout;
    return new Promise((resolve) => {
      const done = () => {
        stdout.off('drain', done);
        stdout.off('error', done);
        stdout.off('close', done);
        resolve();
      };
      stdout.on('drain', done);
      stdout.on('error', done);
      stdout.on('close', done);
    });
  }

  /** A record's line(s), each ending in a newline. */
  #recordText(report: RecordReport): string {
    if (this.#json) return `${JSON.stringify(report)}\n`;
    const parts = [this.#style('dim', `${report.partition}@${report.offset}`), `key=${report.key === null ? '(null)' : e(report.key)}`];
    if (report.tombstone) parts.push(this.#style('dim', 'tombstone'));
    if (report.carrier === 'none') parts.push(this.#style(report.diagnostics.length > 0 ? 'red' : 'yellow', 'no context'));
    else {
      parts.push(`${this.#style('green', e(report.carrier))} trace=${e(report.traceId ?? '')} parent=${e(report.parentSpanId ?? '')} ${report.sampled === true ? 'sampled' : 'not-sampled'}`);
      const others = report.found.slice(1).map((entry) => e(entry.carrier));
      if (others.length > 0) parts.push(`also=${others.join(',')}`);
    }
    if (report.disagreement) parts.push(this.#style('red', `DISAGREE (${report.found.map((entry) => `${e(entry.carrier)}: ${e(entry.traceId)}/${e(entry.parentSpanId)}`).join('; ')})`));
    if (report.tracestate !== undefined) parts.push(`tracestate=${e(report.tracestate)}`);
    if (report.baggageKeys.length > 0) parts.push(`baggage=${report.baggage === undefined ? report.baggageKeys.map(e).join(',') : Object.entries(report.baggage).map(([key, value]) => `${e(key)}=${e(value)}`).join(',')}`);
    // What the record is made of, after what it carries: sizes, header names, when it was written.
    const sizes = [`value=${report.valueBytes === null ? 'null' : `${report.valueBytes}B`}`];
    if (report.headers.length > 0) sizes.push(`headers=${report.headers.map((header) => `${e(header.name)}:${header.bytes === null ? 'null' : `${header.bytes}B`}`).join(',')}`);
    if (report.timestamp !== undefined) sizes.push(report.timestamp);
    parts.push(this.#style('dim', sizes.join('  ')));
    let text = `${parts.join('  ')}\n`;
    for (const diagnostic of report.diagnostics) text += `    ${this.#style('yellow', e(diagnostic.code))}: ${e(diagnostic.message)}\n`;
    return text;
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
    const byCarrier = Object.entries(summary.byCarrier).map(([carrier, count]) => `${e(carrier)} ${count}`).join(', ') || 'none';
    const diagnostics = Object.entries(summary.diagnostics).map(([code, count]) => `${e(code)} ${count}`).join(', ') || 'none';
    this.#write(
      [
        this.#style('bold', summary.scanned === summary.records ? `${summary.records} records read` : `${summary.records} of ${summary.scanned} records read shown (--trace-id, --key)`),
        `  by carrier: ${byCarrier}`,
        `  no context: ${summary.noContext}, invalid context: ${summary.invalidContext}`,
        `  in more than one carrier: ${summary.multipleCarriers}, disagreements: ${summary.disagreements}`,
        `  diagnostics: ${diagnostics}`,
        // Another propagator's headers where this one found nothing: the likeliest reason for "no context".
        ...Object.entries(summary.otherPropagators).map(([name, count]) => this.#style('yellow', `  hint: ${count} record${count === 1 ? '' : 's'} without a context carr${count === 1 ? 'ies' : 'y'} ${name} headers: read with --propagator ${name}`)),
      ].join('\n'),
    );
  }

  /** What `probe` found. */
  probe(result: ProbeResult): void {
    if (this.#json) return this.#write(JSON.stringify(result));
    const verdict = !result.continued
      ? this.#style('red', 'the trace is broken')
      : result.parent === 'hop'
        ? this.#style('green', 'the trace continues through a traced hop')
        : this.#style('green', 'the trace continues');
    const lines = [`${verdict}: probe ${result.probeId} sent to ${e(result.to)} (${result.mode}), ${result.arrived ? `arrived on ${e(result.from)} after ${result.latencyMs} ms` : `not seen on ${e(result.from)} within ${result.timeoutSeconds} s`}`];
    if (result.arrived) {
      lines.push(`  carrier: ${e(result.carrier ?? 'none')}${result.traceId === undefined ? '' : `, trace=${e(result.traceId)} parent=${e(result.parentSpanId ?? '')}`} (sent trace=${result.sentTraceId} parent=${result.sentSpanId})`);
      if (result.parent === 'hop') lines.push(`  parent ${e(result.parentSpanId ?? '')} is a hop's span (the probe's is ${result.sentSpanId}): something traced consumed the probe and produced this record in the same trace`);
      lines.push(`  headers sent: ${result.headersSent.map(e).join(', ') || 'none'}; dropped on the way: ${result.headersDropped.map(e).join(', ') || 'none'}`);
      for (const diagnostic of result.diagnostics) lines.push(`  ${this.#style('yellow', e(diagnostic.code))}: ${e(diagnostic.message)}`);
    }
    this.#write(lines.join('\n'));
  }
}
