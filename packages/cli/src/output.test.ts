import { Writable } from 'node:stream';
import type { Message, MessageHeader } from 'node-rdkafka';
import { describe, expect, it } from 'vitest';
import { headersCarrier, type Carrier } from '@tracecarrier/core';
import { RecordAnalyser, SummaryCounter, type RecordReport } from './analyse.js';
import { resolveCarriers } from './carriers.js';
import { Output } from './output.js';
import type { ProbeResult } from './probe.js';

/**
 * Text output of records whose bytes are hostile: each field a record (or a carrier, or a
 * diagnostic about a record) brings goes through the real analyser and the real `Output`, on a
 * terminal and piped, and comes out as one line with its controls shown as escapes.
 */

const ESC = String.fromCharCode(0x1b);
// Sets the window title (OSC 0), clears the screen, then forges a record line after a line break,
// and reverses what follows (U+202E); a C1 CSI (U+009B) and a line separator (U+2028) too.
const HOSTILE = `${ESC}]0;pwned\x07${ESC}[2J\r\n0@1  key=forged  headers trace=${'a'.repeat(32)} sampled\u202eexe.txt\u009b31m\u2028end`;
// How it reads once escaped.
const SHOWN = `\\x1b]0;pwned\\x07\\x1b[2J\\r\\n0@1  key=forged  headers trace=${'a'.repeat(32)} sampled\\u202eexe.txt\\x9b31m\\u2028end`;
const TRACEPARENT = `00-${'4bf92f3577b34da6a3ce929d0e0e4736'}-00f067aa0ba902b7-01`;

/** The first unit of `line` a terminal would act on, if any (the oracle, apart from escape.ts). */
function unsafeAt(line: string): number | undefined {
  for (let i = 0; i < line.length; i++) {
    const unit = line.charCodeAt(i);
    if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f) || unit === 0x2028 || unit === 0x2029 || unit === 0x061c || unit === 0x200e || unit === 0x200f || (unit >= 0x202a && unit <= 0x202e) || (unit >= 0x2066 && unit <= 0x2069)) return i;
  }
  return undefined;
}

/** The colours Output itself adds on a terminal (SGR sequences), taken out before looking. */
function withoutStyles(text: string): string {
  return text.split(ESC).map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, ''))).join('');
}

/** A stream as process.stdout is, that keeps what is written; `fail(true)`: its reader went away. */
function stream(tty: boolean): { stream: NodeJS.WriteStream; text: () => string; fail: (failing: boolean) => void } {
  const written: string[] = [];
  let failing = false;
  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (failing) return callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' }));
      written.push(chunk.toString());
      callback();
    },
    // As Node does for process.stdout and process.stderr: writable again after an error.
    destroy(error, callback) {
      callback(error);
      (this as unknown as { _undestroy: () => void })._undestroy();
    },
  });
  return { stream: Object.assign(writable, { isTTY: tty }) as unknown as NodeJS.WriteStream, text: () => written.join(''), fail: (value) => void (failing = value) };
}

/** What `Output` prints for `show`, on a terminal or piped: its lines, checked to be safe. */
function printed(tty: boolean, show: (output: Output) => void): string[] {
  const stdout = stream(tty);
  show(new Output({ json: false, stdout: stdout.stream, stderr: stream(false).stream }));
  const lines = withoutStyles(stdout.text()).split('\n');
  expect(lines.pop()).toBe('');
  for (const line of lines) expect(unsafeAt(line), JSON.stringify(line)).toBeUndefined();
  return lines;
}

function message(fields: { key?: string | Buffer; value?: Buffer | null; headers?: MessageHeader[]; timestamp?: number }): Message {
  return { topic: 'orders', partition: 0, offset: 7, size: 0, value: fields.value === undefined ? Buffer.from('{}') : fields.value, ...(fields.key === undefined ? {} : { key: fields.key }), ...(fields.headers === undefined ? {} : { headers: fields.headers }), ...(fields.timestamp === undefined ? {} : { timestamp: fields.timestamp }) };
}

async function analysed(record: Message, showBaggage = false, carriers?: Carrier[]): Promise<RecordReport> {
  return new RecordAnalyser(carriers ?? (await resolveCarriers(['auto']))).analyse(record, showBaggage);
}

function report(fields: Partial<RecordReport>): RecordReport {
  return { partition: 0, offset: 7, key: 'k', valueBytes: 2, headers: [], tombstone: false, carrier: 'headers', traceId: 'a'.repeat(32), parentSpanId: 'b'.repeat(16), sampled: true, baggageKeys: [], found: [], disagreement: false, diagnostics: [], ...fields };
}

describe.each([
  ['piped', false],
  ['on a terminal', true],
])('text output %s: what a record holds is escaped', (_where, tty) => {
  it('the key', async () => {
    const shown = await analysed(message({ key: Buffer.from(HOSTILE), headers: [{ traceparent: TRACEPARENT }] }));
    expect(shown.key).toBe(HOSTILE);
    const lines = printed(tty, (output) => output.record(shown));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`key=${SHOWN}  headers trace=4bf92f3577b34da6a3ce929d0e0e4736`);
  });

  it('baggage keys, and their values with --show-baggage', async () => {
    const encoded = encodeURIComponent(HOSTILE);
    const record = message({ key: 'k', headers: [{ traceparent: TRACEPARENT }, { baggage: `${encoded}=${encoded},tenant=acme` }] });
    const keysOnly = await analysed(record);
    expect(keysOnly.baggageKeys).toEqual([HOSTILE, 'tenant']);
    expect(printed(tty, (output) => output.record(keysOnly))).toEqual([expect.stringContaining(`baggage=${SHOWN},tenant`)]);
    const withValues = await analysed(record, true);
    expect(withValues.baggage).toEqual({ [HOSTILE]: HOSTILE, tenant: 'acme' });
    expect(printed(tty, (output) => output.record(withValues))).toEqual([expect.stringContaining(`baggage=${SHOWN}=${SHOWN},tenant=acme`)]);
  });

  it('the diagnostics text (a structured CloudEvent whose specversion and content-type are hostile)', async () => {
    const event = message({ key: 'k', value: Buffer.from(JSON.stringify({ specversion: HOSTILE, id: '1', source: 's', type: 't', traceparent: TRACEPARENT })), headers: [{ 'content-type': 'application/cloudevents+json' }] });
    const fromVersion = await analysed(event);
    expect(fromVersion.diagnostics.map((d) => d.message)).toEqual([expect.stringContaining(HOSTILE)]);
    const lines = printed(tty, (output) => output.record(fromVersion));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`unsupported-envelope-version: value looks like a structured CloudEvent but cannot be read: specversion ${SHOWN} is not supported`);
    const fromType = await analysed(message({ key: 'k', value: Buffer.from('{"specversion":"1.0"}'), headers: [{ 'content-type': `application/cloudevents+avro${HOSTILE}` }] }));
    expect(printed(tty, (output) => output.record(fromType))[1]).toContain(`event format "application/cloudevents+avro${SHOWN}" is not supported`);
  });

  it('the tracestate, trace and span ids, and carrier names (a carrier module names itself)', async () => {
    const named: Carrier = { ...headersCarrier(), name: HOSTILE };
    const fromCarrier = await analysed(message({ key: 'k', headers: [{ traceparent: TRACEPARENT }] }), false, [named]);
    expect(fromCarrier.carrier).toBe(HOSTILE);
    expect(printed(tty, (output) => output.record(fromCarrier))).toEqual([expect.stringContaining(`  ${SHOWN} trace=4bf92f3577b34da6a3ce929d0e0e4736`)]);
    // The W3C reader refuses a tracestate or an id with such bytes; a propagator or carrier of
    // one's own might not, and the text output does not rely on them.
    const crafted = report({ carrier: HOSTILE, traceId: HOSTILE, parentSpanId: HOSTILE, tracestate: HOSTILE, disagreement: true, found: [{ carrier: HOSTILE, traceId: HOSTILE, parentSpanId: HOSTILE, sampled: true }, { carrier: 'json-envelope', traceId: 'c'.repeat(32), parentSpanId: HOSTILE, sampled: true }] });
    const [line] = printed(tty, (output) => output.record(crafted));
    expect(line).toContain(`${SHOWN} trace=${SHOWN} parent=${SHOWN} sampled`);
    expect(line).toContain(`DISAGREE (${SHOWN}: ${SHOWN}/${SHOWN}; json-envelope: ${'c'.repeat(32)}/${SHOWN})`);
    expect(line).toContain(`tracestate=${SHOWN}`);
  });

  it('header names (sizes, null values, repeated names kept), the value\'s size and the timestamp', async () => {
    const read = await analysed(message({ key: 'k', timestamp: Date.UTC(2026, 11, 7, 13, 40, 0, 120), headers: [{ traceparent: TRACEPARENT }, { [HOSTILE]: Buffer.from('12345') }, { [HOSTILE]: null as never }] }), false);
    expect(read).toMatchObject({ timestamp: '2026-12-07T13:40:00.120Z', valueBytes: 2, headers: [{ name: 'traceparent', bytes: TRACEPARENT.length }, { name: HOSTILE, bytes: 5 }, { name: HOSTILE, bytes: null }] });
    const [line] = printed(tty, (output) => output.record(read));
    expect(line!.endsWith(`  value=2B  headers=traceparent:${TRACEPARENT.length}B,${SHOWN}:5B,${SHOWN}:null  2026-12-07T13:40:00.120Z`)).toBe(true);
    const tombstone = await analysed(message({ key: 'k', value: null, timestamp: -1 }), false);
    expect(tombstone.valueBytes).toBeNull();
    expect(tombstone.timestamp).toBeUndefined();
    expect(printed(tty, (output) => output.record(tombstone))[0]!.endsWith('  value=null')).toBe(true);
  });

  it('the summary (carrier names, diagnostic codes)', () => {
    const counter = new SummaryCounter();
    counter.add(report({ carrier: HOSTILE, diagnostics: [{ code: HOSTILE as never, message: HOSTILE }] }));
    const lines = printed(tty, (output) => output.summary(counter.summary()));
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe(`  by carrier: ${SHOWN} 1`);
    expect(lines[4]).toBe(`  diagnostics: ${SHOWN} 1`);
  });

  it("probe's result (topics, carrier, ids, headers, diagnostics)", () => {
    const result: ProbeResult = { probeId: 'p', to: HOSTILE, from: HOSTILE, mode: 'headers', timeoutSeconds: 30, sentTraceId: 'a'.repeat(32), sentSpanId: 'b'.repeat(16), arrived: true, continued: false, intact: false, latencyMs: 5, carrier: HOSTILE, traceId: HOSTILE, parentSpanId: HOSTILE, headersSent: [HOSTILE], headersDropped: [HOSTILE], diagnostics: [{ code: 'invalid-context', message: HOSTILE }] };
    const lines = printed(tty, (output) => output.probe(result));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain(`sent to ${SHOWN} (headers), arrived on ${SHOWN} after 5 ms`);
    expect(lines[1]).toBe(`  carrier: ${SHOWN}, trace=${SHOWN} parent=${SHOWN} (sent trace=${'a'.repeat(32)} parent=${'b'.repeat(16)})`);
    expect(lines[2]).toBe(`  headers sent: ${SHOWN}; dropped on the way: ${SHOWN}`);
    expect(lines[3]).toBe(`  invalid-context: ${SHOWN}`);
    expect(printed(tty, (output) => output.probe({ ...result, arrived: false })).join('\n')).toContain(`not seen on ${SHOWN} within 30 s`);
  });

  it("probe's verdict: intact, continued through a hop (and which span), broken", () => {
    const base: ProbeResult = { probeId: 'p', to: 'in', from: 'out', mode: 'headers', timeoutSeconds: 30, sentTraceId: 'a'.repeat(32), sentSpanId: 'b'.repeat(16), arrived: true, continued: false, intact: false, latencyMs: 5, carrier: 'headers', traceId: 'a'.repeat(32), parentSpanId: 'b'.repeat(16), headersSent: ['traceparent'], headersDropped: [], diagnostics: [] };
    expect(printed(false, (output) => output.probe({ ...base, continued: true, parent: 'probe', intact: true }))[0]).toBe('the trace continues: probe p sent to in (headers), arrived on out after 5 ms');
    const hop = printed(false, (output) => output.probe({ ...base, continued: true, parent: 'hop', parentSpanId: 'c'.repeat(16) }));
    expect(hop[0]).toBe('the trace continues through a traced hop: probe p sent to in (headers), arrived on out after 5 ms');
    expect(hop[2]).toBe(`  parent ${'c'.repeat(16)} is a hop's span (the probe's is ${'b'.repeat(16)}): something traced consumed the probe and produced this record in the same trace`);
    expect(hop).toHaveLength(4);
    const broken = printed(false, (output) => output.probe({ ...base, traceId: 'd'.repeat(32) }));
    expect(broken[0]).toBe('the trace is broken: probe p sent to in (headers), arrived on out after 5 ms');
    expect(broken).toHaveLength(3);
  });
});

describe('--json', () => {
  it('keeps every byte: JSON.stringify escapes the controls, and parsing gives the record back', async () => {
    const shown = await analysed(message({ key: Buffer.from(HOSTILE), headers: [{ traceparent: TRACEPARENT }, { baggage: `${encodeURIComponent(HOSTILE)}=1` }] }), true);
    const stdout = stream(true);
    new Output({ json: true, stdout: stdout.stream, stderr: stream(false).stream }).record(shown);
    const [line, rest] = stdout.text().split('\n');
    expect(rest).toBe('');
    expect(line).not.toContain(ESC);
    expect(line).not.toContain('\r');
    expect(JSON.parse(line!)).toEqual(shown);
    expect(shown).toMatchObject({ key: HOSTILE, baggage: { [HOSTILE]: '1' } });
  });
});

describe('a stream whose reader went away', () => {
  it('is written no more, though it would take writes again (as process.stdout does after an error)', async () => {
    const stdout = stream(false);
    const output = new Output({ json: false, stdout: stdout.stream, stderr: stream(false).stream });
    output.record(report({ key: 'first' }));
    stdout.fail(true);
    output.record(report({ key: 'lost' }));
    await new Promise((resolve) => setImmediate(resolve));
    stdout.fail(false);
    expect(stdout.stream.writable).toBe(true);
    output.record(report({ key: 'second' }));
    output.summary(new SummaryCounter().summary());
    expect(stdout.text()).toBe(`${['0@7', 'key=first', 'headers trace=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa parent=bbbbbbbbbbbbbbbb sampled', 'value=2B'].join('  ')}\n`);
  });
});

describe('records: a batch in one write', () => {
  const batch = [report({ key: 'a' }), report({ key: 'b', carrier: 'none', diagnostics: [{ code: 'invalid-context', message: 'bad' }] }), report({ key: 'c', tombstone: true, valueBytes: null })];

  it.each([
    ['text', false],
    ['--json', true],
  ])('writes what record writes one by one (%s), in one write', async (_mode, json) => {
    const one = stream(false);
    const byOne = new Output({ json, stdout: one.stream, stderr: stream(false).stream });
    for (const entry of batch) byOne.record(entry);
    const writes: string[] = [];
    const together = new Writable({ write: (chunk: Buffer, _encoding, callback) => void (writes.push(chunk.toString()), callback()) });
    await new Output({ json, stdout: together as unknown as NodeJS.WriteStream, stderr: stream(false).stream }).records(batch);
    expect(writes).toEqual([one.text()]);
    await new Output({ json, stdout: together as unknown as NodeJS.WriteStream, stderr: stream(false).stream }).records([]);
    expect(writes).toHaveLength(1);
  });

  it('resolves once a full stream drains, and at once on a stream that failed', async () => {
    let release: (() => void) | undefined;
    const slow = new Writable({ highWaterMark: 4, write: (_chunk, _encoding, callback) => void (release = callback) });
    const written = new Output({ json: true, stdout: slow as unknown as NodeJS.WriteStream, stderr: stream(false).stream }).records(batch);
    let resolved = false;
    void written.then(() => (resolved = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    release!();
    await written;
    const failing = stream(false);
    const output = new Output({ json: true, stdout: failing.stream, stderr: stream(false).stream });
    failing.fail(true);
    output.record(batch[0]!);
    await new Promise((resolve) => setImmediate(resolve));
    await output.records(batch);
    expect(failing.text()).toBe('');
  });
});
