import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { ROOT_CONTEXT, context, type TextMapPropagator } from '@opentelemetry/api';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { JaegerPropagator } from '@opentelemetry/propagator-jaeger';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudEventsBinary } from '@tracecarrier/core';
import { TracedKafka } from '@tracecarrier/kafkajs';
import type { InspectSummary, ProbeResult, RecordReport } from '@tracecarrier/cli';
import { useKafkajsSuite } from './helpers/kafkajs-suite.js';
import { brokers, createTopics, kafkaConfig, randomTopic, waitFor } from './helpers/kafka.js';
import { metaTrace } from './helpers/meta-trace-carrier.js';
import { parentSpanId } from './helpers/otel.js';

/**
 * The `tracecarrier` command line against the real broker, run as a user runs it (its own process,
 * from source through tsx): `inspect` over a topic holding a record of every producer mode and
 * carrier plus the bad cases, `probe` through forwarders that drop headers or keep them, and the
 * error cases' exit codes and messages.
 */
const suite = useKafkajsSuite();
const root = new URL('..', import.meta.url).pathname;
const BROKERS = brokers().join(',');
const topic = randomTopic('cli-inspect');
const probeIn = randomTopic('cli-probe-in');
const valuesOnly = randomTopic('cli-probe-values');
const fullCopy = randomTopic('cli-probe-copy');
// Many records with long keys (more than a pipe holds), records with hostile bytes, and a probe
// topic nothing forwards from.
const many = randomTopic('cli-many');
const hostile = randomTopic('cli-hostile');
const probeSink = randomTopic('cli-probe-sink');
const nowhere = randomTopic('cli-probe-nowhere');
// What a traced forwarder (@tracecarrier/kafkajs) writes: in the probe's trace (its send span the
// new parent), and in a trace of its own (a send outside the consumed message's context).
const tracedHop = randomTopic('cli-probe-hop');
const otherTrace = randomTopic('cli-probe-other-trace');
// Records written by applications that registered another propagator than W3C's.
const b3Topic = randomTopic('cli-b3');
const jaegerTopic = randomTopic('cli-jaeger');
// Records with known timestamps (2026-01-01 10:00, 11:00, 12:00 UTC) and one written now.
const timed = randomTopic('cli-timed');
const T0 = Date.UTC(2026, 0, 1, 10);
const ESC = String.fromCharCode(0x1b);
// Sets the window title (OSC 0), clears the screen, forges a record line after a line break, and
// reverses what follows (U+202E); a C1 CSI (U+009B) too.
const HOSTILE = `${ESC}]0;pwned\x07${ESC}[2J\r\n0@1  key=forged  no context\u202eexe.txt\u009b31m`;
const SHOWN = '\\x1b]0;pwned\\x07\\x1b[2J\\r\\n0@1  key=forged  no context\\u202eexe.txt\\x9b31m';
const TP_A = '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-aaaaaaaaaaaaaaaa-01';
const TP_B = '00-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-bbbbbbbbbbbbbbbb-01';
const closers: Array<() => Promise<unknown>> = [];
const sends = new Map<string, ReadableSpan>();

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const COMMAND = ['node', '--conditions', 'tracecarrier-source', '--import', 'tsx', 'packages/cli/src/bin.ts'] as const;

/** Runs `tracecarrier ARGS…` in its own process. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(COMMAND[0], [...COMMAND.slice(1), ...args], { cwd: root, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** Runs `tracecarrier ARGS…` in its own process, with what it writes as it comes. */
function started(...args: string[]): { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<number | null> } {
  const child = spawn(COMMAND[0], [...COMMAND.slice(1), ...args], { cwd: root });
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => void (out.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => void (out.stderr += chunk.toString()));
  return { child, out, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

/** The first unit of `line` a terminal would act on, if any. */
function unsafeAt(line: string): number | undefined {
  for (let i = 0; i < line.length; i++) {
    const unit = line.charCodeAt(i);
    if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f) || unit === 0x2028 || unit === 0x2029 || (unit >= 0x202a && unit <= 0x202e) || (unit >= 0x2066 && unit <= 0x2069)) return i;
  }
  return undefined;
}

function ndjson(run: Run): { records: RecordReport[]; summary: InspectSummary } {
  const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as RecordReport | { summary: InspectSummary });
  return { records: lines.filter((line): line is RecordReport => !('summary' in line)), summary: (lines.at(-1) as { summary: InspectSummary }).summary };
}

beforeAll(async () => {
  await createTopics(suite.admin(), [topic, probeIn, valuesOnly, fullCopy, many, hostile, probeSink, nowhere, tracedHop, otherTrace, b3Topic, jaegerTopic, timed]);
  // One record per producer mode and carrier, in order, then the bad cases.
  const writers: Array<[string, ConstructorParameters<typeof TracedKafka>[1]]> = [
    ['headers', { producer: { mode: 'headers' } }],
    ['envelope', { producer: { mode: 'envelope' } }],
    ['ce-structured', { producer: { mode: 'envelope', envelope: { format: 'cloudevents' } } }],
    ['ce-binary', { producer: { carriers: [cloudEventsBinary()] } }],
    ['both', { producer: { mode: 'both' } }],
    ['meta-trace', { producer: { carriers: [metaTrace] } }],
  ];
  for (const [key, options] of writers) {
    const producer = new TracedKafka(kafkaConfig('cli-writer'), options).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key, value: '{"story":"payload"}' }] });
    await producer.disconnect();
  }
  const others: Array<[string, string, TextMapPropagator]> = [
    [b3Topic, 'b3-single', new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER })],
    [b3Topic, 'b3-multi', new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER })],
    [jaegerTopic, 'jaeger', new JaegerPropagator()],
  ];
  for (const [to, key, propagator] of others) {
    const producer = new TracedKafka(kafkaConfig('cli-other-propagator'), { producer: { propagator } }).producer();
    await producer.connect();
    await producer.send({ topic: to, messages: [{ key, value: '{"story":"payload"}' }] });
    await producer.disconnect();
  }
  await waitFor(() => others.every(([to]) => suite.tracing.named(`send ${to}`).length > 0) && suite.tracing.named(`send ${b3Topic}`).length === 2, 'the other propagators\' send spans', 10_000);
  for (const [to] of others) for (const span of suite.tracing.named(`send ${to}`)) sends.set(String(span.attributes['messaging.kafka.message.key']), span);
  const plain = new Kafka(kafkaConfig('cli-plain')).producer();
  await plain.connect();
  closers.push(() => plain.disconnect());
  await plain.send({
    topic,
    messages: [
      { key: 'malformed', value: '{"story":"payload"}', headers: { traceparent: 'garbage' } },
      { key: 'disagree', value: `{"tracecarrier":1,"context":{"traceparent":"${TP_A}"},"data":{"story":"payload"}}`, headers: { traceparent: TP_B } },
      { key: 'tombstone', value: null, headers: { traceparent: TP_A, baggage: 'tenant=acme' } },
      { key: 'plain', value: '{"story":"payload"}' },
    ],
  });
  await plain.send({ topic: timed, messages: [0, 1, 2].map((hour) => ({ key: `t${hour}`, value: '{}', timestamp: String(T0 + hour * 3_600_000) })) });
  await plain.send({ topic: timed, messages: [{ key: 'now', value: '{}' }] });
  const encoded = encodeURIComponent(HOSTILE);
  await plain.send({
    topic: hostile,
    messages: [
      { key: HOSTILE, value: '{}', headers: { traceparent: TP_A, baggage: `${encoded}=${encoded}` } },
      { key: 'event', value: JSON.stringify({ specversion: HOSTILE, id: '1', source: 's', type: 't' }), headers: { 'content-type': 'application/cloudevents+json' } },
    ],
  });
  for (let batch = 0; batch < 4; batch++) {
    await plain.send({ topic: many, messages: Array.from({ length: 500 }, (_, i) => ({ key: `${batch * 500 + i}-${'k'.repeat(200)}`, value: '{}' })) });
  }
  await waitFor(() => suite.tracing.named(`send ${topic}`).length === writers.length, 'every send span', 10_000);
  for (const span of suite.tracing.named(`send ${topic}`)) sends.set(String(span.attributes['messaging.kafka.message.key']), span);

  // Forwarders of the probe topic: one copies values (and keys) only, as a bridge that drops
  // headers; one copies whole records.
  const forwarder = new Kafka(kafkaConfig('cli-forwarder'));
  const out = forwarder.producer();
  await out.connect();
  closers.push(() => out.disconnect());
  const consumer = forwarder.consumer({ groupId: `cli-fwd-${probeIn}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  closers.push(() => consumer.disconnect());
  await consumer.subscribe({ topic: probeIn, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      await out.send({ topic: valuesOnly, messages: [{ key: message.key, value: message.value }] });
      await out.send({ topic: fullCopy, messages: [{ key: message.key, value: message.value, headers: message.headers ?? {} }] });
    },
  });
  const traced = new TracedKafka(kafkaConfig('cli-traced-forwarder'));
  const hopOut = traced.producer();
  await hopOut.connect();
  closers.push(() => hopOut.disconnect());
  const hopIn = traced.consumer({ groupId: `cli-hop-${probeIn}`, maxWaitTimeInMs: 100 });
  await hopIn.connect();
  closers.push(() => hopIn.disconnect());
  await hopIn.subscribe({ topic: probeIn, fromBeginning: true });
  await hopIn.run({
    eachMessage: async ({ message }) => {
      // In the process span's context: the send span continues the probe's trace.
      await hopOut.send({ topic: tracedHop, messages: [{ key: message.key, value: message.value }] });
      await context.with(ROOT_CONTEXT, () => hopOut.send({ topic: otherTrace, messages: [{ key: message.key, value: message.value }] }));
    },
  });
}, 120_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe('tracecarrier inspect', () => {
  let records: RecordReport[];
  let summary: InspectSummary;
  const spanOf = (key: string) => sends.get(key)!.spanContext();

  beforeAll(async () => {
    const run = await cli('inspect', '--brokers', BROKERS, '--topic', topic, '--from-beginning', '--json', '--carriers', 'auto,./tests/helpers/meta-trace-carrier.ts');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    ({ records, summary } = ndjson(run));
  }, 120_000);

  it.each([
    ['headers', 'headers'],
    ['envelope', 'json-envelope'],
    ['ce-structured', 'cloudevents-structured'],
    ['ce-binary', 'cloudevents-binary'],
    ['meta-trace', 'meta-trace'],
  ])('a record written in %s: the carrier, trace id, parent span id and sampled flag of the producer\'s send span, found in no other carrier', (key, carrier) => {
    const record = records.find((entry) => entry.key === key)!;
    expect(record).toMatchObject({ partition: 0, carrier, traceId: spanOf(key).traceId, parentSpanId: spanOf(key).spanId, sampled: true, disagreement: false, diagnostics: [], tombstone: false });
    expect(record.found.map((entry) => entry.carrier)).toEqual([carrier]);
  });

  it('what each record is made of: its timestamp, value size, header names and sizes in record order', () => {
    const record = records.find((entry) => entry.key === 'headers')!;
    expect(record).toMatchObject({ valueBytes: '{"story":"payload"}'.length, headers: [{ name: 'traceparent', bytes: 55 }] });
    expect(Math.abs(Date.now() - Date.parse(record.timestamp!))).toBeLessThan(10 * 60_000);
    expect(records.find((entry) => entry.key === 'tombstone')).toMatchObject({ valueBytes: null, headers: [{ name: 'traceparent', bytes: 55 }, { name: 'baggage', bytes: 'tenant=acme'.length }] });
    for (const entry of records) expect(entry.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('a record written in both: the header gives the context, the envelope carries the same one', () => {
    const record = records.find((entry) => entry.key === 'both')!;
    expect(record).toMatchObject({ carrier: 'headers', traceId: spanOf('both').traceId, parentSpanId: spanOf('both').spanId, disagreement: false, diagnostics: [] });
    expect(record.found.map((entry) => entry.carrier)).toEqual(['headers', 'json-envelope']);
  });

  it('a malformed traceparent: no context, and the diagnostic a consumer reports', () => {
    const record = records.find((entry) => entry.key === 'malformed')!;
    expect(record).toMatchObject({ carrier: 'none', found: [] });
    expect(record.diagnostics.map((d) => [d.code, d.field])).toEqual([['invalid-context', 'traceparent']]);
  });

  it('a header and an envelope that disagree: both contexts named, the one a consumer uses first', () => {
    const record = records.find((entry) => entry.key === 'disagree')!;
    expect(record).toMatchObject({ carrier: 'headers', parentSpanId: 'bbbbbbbbbbbbbbbb', disagreement: true });
    expect(record.found.map((entry) => [entry.carrier, entry.parentSpanId])).toEqual([['headers', 'bbbbbbbbbbbbbbbb'], ['json-envelope', 'aaaaaaaaaaaaaaaa']]);
  });

  it('a tombstone: its header context, baggage keys only (values need --show-baggage)', () => {
    const record = records.find((entry) => entry.key === 'tombstone')!;
    expect(record).toMatchObject({ tombstone: true, carrier: 'headers', parentSpanId: 'aaaaaaaaaaaaaaaa', baggageKeys: ['tenant'] });
    expect(record.baggage).toBeUndefined();
  });

  it('a record with no context at all', () => {
    expect(records.find((entry) => entry.key === 'plain')).toMatchObject({ carrier: 'none', found: [], diagnostics: [] });
  });

  it('every record in order, then the summary', () => {
    expect(records.map((entry) => entry.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(summary).toEqual({
      records: 10,
      scanned: 10,
      byCarrier: { headers: 4, 'json-envelope': 1, 'cloudevents-structured': 1, 'cloudevents-binary': 1, 'meta-trace': 1, none: 2 },
      noContext: 1,
      invalidContext: 1,
      multipleCarriers: 2,
      disagreements: 1,
      diagnostics: { 'invalid-context': 1 },
      otherPropagators: {},
    });
  });

  it('--offset, --last, --limit, --partition and --show-baggage choose what is read and shown', async () => {
    const fromOffset = ndjson(await cli('inspect', '-b', BROKERS, '-t', topic, '--offset', '8', '--json', '--show-baggage'));
    expect(fromOffset.records.map((entry) => entry.key)).toEqual(['tombstone', 'plain']);
    expect(fromOffset.records[0]!.baggage).toEqual({ tenant: 'acme' });
    expect(ndjson(await cli('inspect', '-b', BROKERS, '-t', topic, '--last', '3', '--json')).records.map((entry) => entry.offset)).toEqual([7, 8, 9]);
    const limited = ndjson(await cli('inspect', '-b', BROKERS, '-t', topic, '--limit', '2', '--partition', '0', '--json'));
    expect(limited.records.map((entry) => entry.offset)).toEqual([0, 1]);
    expect(limited.summary.records).toBe(2);
  }, 120_000);

  it('--follow reads until Ctrl-C, then ends cleanly with the summary (exit 0)', async () => {
    const child = spawn('node', ['--conditions', 'tracecarrier-source', '--import', 'tsx', 'packages/cli/src/bin.ts', 'inspect', '-b', BROKERS, '-t', topic, '--follow', '--json'], { cwd: root });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => stdout.split('\n').length > 10, 'the records so far', 60_000);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(ndjson({ code: 0, stdout, stderr: '' }).summary.records).toBe(10);
  }, 120_000);

  it('plain output when piped: one line per record, diagnostics under it, the summary last', async () => {
    const run = await cli('inspect', '--brokers', BROKERS, '--topic', topic);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('\x1b[');
    expect(run.stdout).toContain(`0@0  key=headers  headers trace=${spanOf('headers').traceId} parent=${spanOf('headers').spanId} sampled`);
    expect(run.stdout).toMatch(/0@7 {2}key=disagree {2}headers trace=b{32} parent=b{16} sampled {2}also=json-envelope {2}DISAGREE/);
    expect(run.stdout).toContain('    invalid-context: "traceparent" (carrier "headers") is present but holds no valid trace context');
    expect(run.stdout).toContain('10 records read');
    // Without --carriers, the meta.trace record is one a consumer in auto mode cannot read.
    expect(run.stdout).toContain('0@5  key=meta-trace  no context');
    expect(run.stdout).toContain('  no context: 2, invalid context: 1');
  }, 120_000);

  it('--trace-id and --key show only the matching records, counted apart from what was read', async () => {
    const both = spanOf('both');
    const byTrace = ndjson(await cli('inspect', '-b', BROKERS, '-t', topic, '--json', '--trace-id', both.traceId.toUpperCase()));
    expect(byTrace.records.map((record) => record.key)).toEqual(['both']);
    expect(byTrace.summary).toMatchObject({ records: 1, scanned: 10, byCarrier: { headers: 1 }, multipleCarriers: 1 });
    // A trace found in a carrier other than the one a consumer uses counts too (the envelope's A of 'disagree').
    expect(ndjson(await cli('inspect', '-b', BROKERS, '-t', topic, '--json', '--trace-id', TP_A.slice(3, 35))).records.map((record) => record.key)).toEqual(['disagree', 'tombstone']);
    const byKey = await cli('inspect', '-b', BROKERS, '-t', topic, '--key', 'plain');
    expect(byKey.stdout).toMatch(/^0@9 {2}key=plain {2}no context {2}value=19B {2}\S+\n1 of 10 records read shown \(--trace-id, --key\)\n/);
    const none = ndjson(await cli('inspect', '-b', BROKERS, '-t', topic, '--json', '--key', 'nobody'));
    expect(none.records).toEqual([]);
    expect(none.summary).toMatchObject({ records: 0, scanned: 10 });
  }, 120_000);

  it('--since and --until read the records of a time range (the broker maps times to offsets)', async () => {
    const keys = async (...range: string[]) => ndjson(await cli('inspect', '-b', BROKERS, '-t', timed, '--json', ...range)).records.map((record) => record.key);
    expect(await keys('--since', '2026-01-01T10:30:00Z', '--until', '2026-01-01T11:30:00Z')).toEqual(['t1']);
    expect(await keys('--since', '2026-01-01T11:00')).toEqual(['t1', 't2', 'now']);
    expect(await keys('--until', '2026-01-01T10:30:00Z')).toEqual(['t0']);
    expect(await keys('--since', '1d')).toEqual(['now']);
    expect(await keys('--since', '2027-01-01')).toEqual([]);
    const { records } = ndjson(await cli('inspect', '-b', BROKERS, '-t', timed, '--json', '--key', 't2'));
    expect(records[0]!.timestamp).toBe('2026-01-01T12:00:00.000Z');
  }, 120_000);

  it('--max-header-bytes: a consumer with that limit reports the traceparent too large and reads no context', async () => {
    const { records } = ndjson(await cli('inspect', '-b', BROKERS, '-t', topic, '--json', '--key', 'headers', '--max-header-bytes', '20'));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ carrier: 'none', found: [] });
    expect(records[0]!.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.field])).toEqual([['field-too-large', 'traceparent']]);
  }, 120_000);

  it('--follow --idle 2 ends by itself after a quiet spell, with the summary, exit 0', async () => {
    const started = Date.now();
    const run = await cli('inspect', '-b', BROKERS, '-t', topic, '--follow', '--idle', '2', '--json');
    expect(run.code).toBe(0);
    expect(ndjson(run).summary.records).toBe(10);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);

  it('text output shows what a record holds escaped, on one line (key, baggage keys and values, diagnostics text); --json keeps it exact', async () => {
    const run = await cli('inspect', '-b', BROKERS, '-t', hostile, '--show-baggage');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(unsafeAt(line), JSON.stringify(line)).toBeUndefined();
    // Two records (the second with its diagnostic), then the five lines of the summary.
    expect(lines).toHaveLength(8);
    // Each record line ends with what the record is made of: sizes, header names, its timestamp.
    const carries = `0@0  key=${SHOWN}  headers trace=${'a'.repeat(32)} parent=${'a'.repeat(16)} sampled  baggage=${SHOWN}=${SHOWN}`;
    expect(lines[0]!.startsWith(carries)).toBe(true);
    expect(lines[0]!.slice(carries.length)).toMatch(/^ {2}value=2B {2}headers=traceparent:55B,baggage:\d+B {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(lines[1]).toMatch(/^0@1 {2}key=event {2}no context {2}value=\d+B {2}headers=content-type:28B {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(lines[2]).toBe(`    unsupported-envelope-version: value looks like a structured CloudEvent but cannot be read: specversion ${SHOWN} is not supported; handed over untouched`);
    expect(lines[3]).toBe('2 records read');
    const json = ndjson(await cli('inspect', '-b', BROKERS, '-t', hostile, '--show-baggage', '--json'));
    expect(json.records[0]).toMatchObject({ key: HOSTILE, baggageKeys: [HOSTILE], baggage: { [HOSTILE]: HOSTILE } });
    expect(json.records[1]!.diagnostics[0]!.message).toContain(HOSTILE);
  }, 120_000);

  it('inspect | head -1: one line, then a quiet end with exit 0 (EPIPE)', async () => {
    const run = await new Promise<Run>((resolve) => {
      execFile('bash', ['-c', `set -o pipefail; ${COMMAND.join(' ')} inspect -b ${BROKERS} -t ${many} | head -1`], { cwd: root, timeout: 120_000 }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      });
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^0@0  key=0-${'k'.repeat(200)}  no context  value=2B  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\n$`));
  }, 120_000);

  it('a pipe closed before the first record: a quiet end with exit 0, text or --json', async () => {
    for (const format of [[], ['--json']]) {
      const { child, out, exited } = started('inspect', '-b', BROKERS, '-t', many, ...format);
      child.stdout!.destroy();
      expect(await exited).toBe(0);
      expect(out.stderr).toBe('');
    }
  }, 120_000);
});

describe('--propagator: topics written under B3 and Jaeger', () => {
  const spanOf = (key: string) => sends.get(key)!.spanContext();

  it.each([
    [b3Topic, 'b3', ['b3-single', 'b3-multi']],
    [jaegerTopic, 'jaeger', ['jaeger']],
  ])('%s: read with --propagator %s, each record\'s context is its send span; read with the default (w3c), none, and the hint names %s', async (from, propagator, keys) => {
    const read = ndjson(await cli('inspect', '-b', BROKERS, '-t', from, '--json', '--propagator', propagator));
    expect(read.records.map((record) => record.key)).toEqual(keys);
    for (const record of read.records) {
      expect(record).toMatchObject({ carrier: 'headers', traceId: spanOf(record.key!).traceId, parentSpanId: spanOf(record.key!).spanId, sampled: true, diagnostics: [] });
      expect(record.otherPropagators).toBeUndefined();
    }
    expect(read.summary).toMatchObject({ byCarrier: { headers: keys.length }, otherPropagators: {} });
    const blind = ndjson(await cli('inspect', '-b', BROKERS, '-t', from, '--json'));
    for (const record of blind.records) expect(record).toMatchObject({ carrier: 'none', found: [], otherPropagators: [propagator] });
    expect(blind.summary).toMatchObject({ noContext: keys.length, otherPropagators: { [propagator]: keys.length } });
    const text = await cli('inspect', '-b', BROKERS, '-t', from);
    expect(text.code).toBe(0);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(`  hint: ${keys.length} record${keys.length === 1 ? '' : 's'} without a context carr${keys.length === 1 ? 'ies' : 'y'} ${propagator} headers: read with --propagator ${propagator}`);
  }, 120_000);

  it.each(['b3', 'b3multi', 'jaeger'])('probe --propagator %s through a plain copy: the trace continues in that propagator\'s headers', async (propagator) => {
    const run = await cli('probe', '--brokers', BROKERS, '--to', probeIn, '--from', fullCopy, '--json', '--propagator', propagator);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as ProbeResult;
    expect(result).toMatchObject({ arrived: true, continued: true, parent: 'probe', intact: true, carrier: 'headers', headersDropped: [] });
    const expected = { b3: ['b3'], b3multi: ['x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid'], jaeger: ['uber-trace-id'] }[propagator]!;
    expect([...result.headersSent].sort()).toEqual(['tracecarrier-probe', ...expected].sort());
  }, 120_000);

  it('an unknown propagator: one line, exit 2', async () => {
    const run = await cli('inspect', '-b', BROKERS, '-t', b3Topic, '--propagator', 'zipkin');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('tracecarrier: unknown propagator "zipkin": w3c, b3, b3multi, jaeger, or a module path\n');
  }, 60_000);
});

describe('tracecarrier inspect --isolation', () => {
  const transactional = randomTopic('cli-tx');

  beforeAll(async () => {
    await createTopics(suite.admin(), [transactional]);
    // An aborted transaction, then a committed one: offsets 0 (aborted), 1 (its abort marker),
    // 2 (committed), 3 (its commit marker).
    const producer = new Kafka(kafkaConfig('cli-tx')).producer({ transactionalId: `cli-tx-${transactional}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const aborted = await producer.transaction();
      await aborted.send({ topic: transactional, messages: [{ key: 'aborted', value: '{}', headers: { traceparent: TP_A } }] });
      await aborted.abort();
      const committed = await producer.transaction();
      await committed.send({ topic: transactional, messages: [{ key: 'committed', value: '{}', headers: { traceparent: TP_B } }] });
      await committed.commit();
    } finally {
      await producer.disconnect();
    }
  }, 120_000);

  it('read_committed by default: the aborted transaction\'s record is not shown', async () => {
    const run = await cli('inspect', '-b', BROKERS, '-t', transactional, '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(ndjson(run).records.map((record) => [record.offset, record.key, record.parentSpanId])).toEqual([[2, 'committed', 'b'.repeat(16)]]);
    expect(ndjson(await cli('inspect', '-b', BROKERS, '-t', transactional, '--json', '--isolation', 'read_committed')).records.map((record) => record.key)).toEqual(['committed']);
  }, 120_000);

  it('--isolation read_uncommitted shows it, in offset order', async () => {
    const run = await cli('inspect', '-b', BROKERS, '-t', transactional, '--isolation', 'read_uncommitted');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Each record line ends with its value's size, header sizes and timestamp.
    const details = '  value=2B  headers=traceparent:55B  \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z';
    expect(run.stdout).toMatch(new RegExp(`^0@0  key=aborted  headers trace=${'a'.repeat(32)} parent=${'a'.repeat(16)} sampled${details}\n0@2  key=committed  headers trace=${'b'.repeat(32)} parent=${'b'.repeat(16)} sampled${details}\n`));
    expect(run.stdout.split('\n').slice(2).join('\n')).toBe(
      [
        '2 records read',
        '  by carrier: headers 2',
        '  no context: 0, invalid context: 0',
        '  in more than one carrier: 0, disagreements: 0',
        '  diagnostics: none',
        '',
      ].join('\n'),
    );
  }, 120_000);
});

describe('tracecarrier probe', () => {
  const probe = async (...args: string[]) => {
    const run = await cli('probe', '--brokers', BROKERS, '--to', probeIn, '--timeout', '30', '--json', ...args);
    return { code: run.code, result: JSON.parse(run.stdout) as ProbeResult, stderr: run.stderr };
  };

  it('through a forwarder that drops headers: headers mode breaks (exit 1) and names the dropped headers', async () => {
    const { code, result } = await probe('--from', valuesOnly, '--mode', 'headers');
    expect(code).toBe(1);
    expect(result).toMatchObject({ arrived: true, continued: false, intact: false, carrier: 'none' });
    expect(result.parent).toBeUndefined();
    expect([...result.headersSent].sort()).toEqual(['tracecarrier-probe', 'traceparent']);
    expect([...result.headersDropped].sort()).toEqual(['tracecarrier-probe', 'traceparent']);
  }, 120_000);

  it.each(['envelope', 'both'])('through a forwarder that drops headers: %s mode keeps the trace (exit 0) in the envelope', async (mode) => {
    const { code, result } = await probe('--from', valuesOnly, '--mode', mode);
    expect(code).toBe(0);
    expect(result).toMatchObject({ arrived: true, continued: true, parent: 'probe', intact: true, carrier: 'json-envelope', traceId: result.sentTraceId, parentSpanId: result.sentSpanId });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it.each(['headers', 'envelope', 'both'])('through a plain copy, and on the topic itself: %s mode keeps the trace (exit 0), no header dropped', async (mode) => {
    for (const from of [fullCopy, probeIn]) {
      const { code, result } = await probe('--from', from, '--mode', mode);
      expect(code).toBe(0);
      expect(result).toMatchObject({ arrived: true, continued: true, parent: 'probe', intact: true, headersDropped: [] });
      expect(result.carrier).toBe(mode === 'envelope' ? 'json-envelope' : 'headers');
    }
  }, 120_000);

  it.each(['headers', 'envelope', 'both'])('through a traced forwarder: %s mode continues the trace (exit 0), the forwarder\'s send span the parent', async (mode) => {
    const { code, result } = await probe('--from', tracedHop, '--mode', mode);
    expect(code).toBe(0);
    expect(result).toMatchObject({ arrived: true, continued: true, parent: 'hop', intact: false, carrier: 'headers', traceId: result.sentTraceId });
    // The hop as the forwarder recorded it: process (child of the probe) → send (the record's parent).
    let send: ReadableSpan | undefined;
    await waitFor(() => (send = suite.tracing.named(`send ${tracedHop}`).find((span) => span.spanContext().traceId === result.sentTraceId)) !== undefined, 'the forwarder\'s send span', 10_000);
    expect(result.parentSpanId).toBe(send!.spanContext().spanId);
    const processSpan = suite.tracing.named(`process ${probeIn}`).find((span) => span.spanContext().spanId === parentSpanId(send!));
    expect(processSpan).toBeDefined();
    expect(parentSpanId(processSpan!)).toBe(result.sentSpanId);
  }, 120_000);

  it('through a traced forwarder that sends in a trace of its own: broken (exit 1), the other trace named', async () => {
    const { code, result } = await probe('--from', otherTrace, '--mode', 'headers');
    expect(code).toBe(1);
    expect(result).toMatchObject({ arrived: true, continued: false, intact: false, carrier: 'headers' });
    expect(result.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(result.traceId).not.toBe(result.sentTraceId);
    expect(result.parent).toBeUndefined();
  }, 120_000);

  it('says which hop is the parent in plain text', async () => {
    const run = await cli('probe', '--brokers', BROKERS, '--to', probeIn, '--from', tracedHop);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^the trace continues through a traced hop: probe [0-9a-f-]{36} sent to ${probeIn} \\(headers\\), arrived on ${tracedHop} after \\d+ ms$`));
    expect(lines[2]).toMatch(/^ {2}parent [0-9a-f]{16} is a hop's span \(the probe's is [0-9a-f]{16}\): something traced consumed the probe and produced this record in the same trace$/);
  }, 120_000);

  it.each([
    ['SIGINT', 130, 'interrupted'],
    ['SIGTERM', 143, 'terminated'],
  ] as const)('%s while the probe waits: exit %i and one line, "tracecarrier: %s", no verdict', async (signal, code, word) => {
    const sent = async () => Number((await suite.admin().fetchTopicOffsets(probeSink))[0]!.high);
    const before = await sent();
    const { child, out, exited } = started('probe', '-b', BROKERS, '--to', probeSink, '--from', nowhere);
    const deadline = Date.now() + 60_000;
    while ((await sent()) === before) {
      if (Date.now() > deadline) throw new Error(`the probe was not sent: ${out.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const waited = Date.now();
    child.kill(signal);
    expect(await exited).toBe(code);
    expect(Date.now() - waited).toBeLessThan(20_000);
    expect(out.stderr).toBe(`tracecarrier: ${word}\n`);
    expect(out.stdout).toBe('');
  }, 120_000);

  it('says so in plain text when not asked for JSON', async () => {
    const run = await cli('probe', '--brokers', BROKERS, '--to', probeIn, '--from', valuesOnly);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^the trace is broken: probe [0-9a-f-]{36} sent to /);
    expect(run.stdout).toContain('dropped on the way: ');
  }, 120_000);
});

describe('errors: one line, exit 2', () => {
  it.each([
    [['inspect', '--brokers', '127.0.0.1:1', '--topic', 't'], 'tracecarrier: cannot reach the Kafka brokers at 127.0.0.1:1'],
    [['probe', '--brokers', '127.0.0.1:1', '--to', 't'], 'tracecarrier: cannot reach the Kafka brokers at 127.0.0.1:1'],
    [['inspect', '--brokers', '{brokers}', '--topic', 'tc-cli-no-such-topic'], 'tracecarrier: topic "tc-cli-no-such-topic" does not exist'],
    [['inspect', '--brokers', '{brokers}', '--topic', '{topic}', '--partition', '7'], 'has no partition 7'],
    [['inspect', '--topic', 't'], 'tracecarrier: --brokers is required'],
    [['inspect', '--brokers', 'b', '--topic', 't', '--bogus'], 'tracecarrier: unknown option --bogus (see tracecarrier inspect --help)'],
    [['inspect', '--brokers', 'b', '--topic', 't', '--partition', '-1'], 'tracecarrier: --partition takes a whole number, not "-1"'],
    [['inspect', '--brokers', 'b', '--topic', 't', '--follow', '--timeout', '3'], 'tracecarrier: --timeout is an option of probe, not of inspect (see tracecarrier inspect --help)'],
    // Every option of the other command, in each of its forms.
    ...['--to', '--from', '--from-brokers', '--from-config', '--from-client-property', '--mode', '--timeout'].map((flag): [string[], string] => [['inspect', '--brokers', 'b', '--topic', 't', flag, '3'], `tracecarrier: ${flag} is an option of probe, not of inspect (see tracecarrier inspect --help)`]),
    ...[['--topic'], ['-t', 'topic'], ['--partition'], ['-p', 'partition'], ['--offset'], ['-o', 'offset'], ['--last'], ['--limit'], ['-n', 'limit'], ['--carriers'], ['--from-beginning'], ['--follow'], ['-f', 'follow'], ['--show-baggage'], ['--isolation']].map(([flag, long]): [string[], string] => [
      ['probe', '--brokers', 'b', '--to', 't', flag!, ...(['--from-beginning', '--follow', '-f', '--show-baggage'].includes(flag!) ? [] : ['3'])],
      `tracecarrier: ${flag}${long === undefined ? '' : ` (--${long})`} is an option of inspect, not of probe (see tracecarrier probe --help)`,
    ]),
    [['inspect', '--brokers', 'b', '--topic', 't', '--last', 'x'], 'tracecarrier: --last takes a whole number of at least 1, not "x"'],
    [['inspect', '--brokers', 'b', '--topic', 't', '--offset', '1', '--last', '2'], 'give at most one of --from-beginning, --offset, --last and --since'],
    [['inspect', '--brokers', 'b', '--topic', 't', '--carriers', 'nope'], 'tracecarrier: unknown carrier "nope"'],
    [['probe', '--brokers', 'b', '--to', 't', '--mode', 'carrier-pigeon'], 'tracecarrier: --mode is headers, envelope or both, not "carrier-pigeon"'],
    [['inspect', '--brokers', 'b', '--topic', 't', '--isolation', 'dirty'], 'tracecarrier: --isolation is read_committed or read_uncommitted, not "dirty"'],
    [['frobnicate'], 'tracecarrier: unknown command "frobnicate"'],
    [[], 'tracecarrier: a command is required'],
  ])('%j', async (args, message) => {
    const run = await cli(...args.map((arg) => arg.replace('{brokers}', BROKERS).replace('{topic}', topic)));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  }, 60_000);

  it('--help lists the commands and --brokers, --topic, --to; each command\'s --help its own options, short forms, exit codes, environment', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('tracecarrier inspect -b HOST:PORT -t TOPIC [options]');
    for (const line of ['  -b, --brokers HOST:PORT', '  -t, --topic T', '      --to T1']) expect(help.stdout).toContain(line);
    const inspectHelp = await cli('inspect', '--help');
    expect(inspectHelp.code).toBe(0);
    for (const line of ['tracecarrier inspect — ', '  -F, --config FILE', '  -X, --client-property K=V', '  -o, --offset N', '  -n, --limit N', '  -f, --follow', '  -p, --partition N', 'Exit codes:', '  NO_COLOR ', '  TRACECARRIER_DEBUG ']) expect(inspectHelp.stdout).toContain(line);
    expect(inspectHelp.stdout).not.toContain('--timeout');
    const probeHelp = await cli('probe', '--help');
    expect(probeHelp.code).toBe(0);
    for (const line of ['tracecarrier probe — ', '  -F, --config FILE', '      --from-config FILE', '      --from-client-property K=V', '      --timeout S', '  130 Ctrl-C', '  NO_COLOR ']) expect(probeHelp.stdout).toContain(line);
    expect(probeHelp.stdout).not.toContain('--limit');
  }, 60_000);

  it('where the native Kafka client cannot load (built for another Node line): --version and --help work, a command says so in one line', async () => {
    const broken = (...args: string[]) =>
      new Promise<Run>((resolve) => {
        // tsx's loader uses module.register, which Node 26 deprecates (DEP0205): its warning is not the command's.
        execFile(COMMAND[0], ['--disable-warning=DEP0205', COMMAND[1], COMMAND[2], '--import', './tests/fixtures/no-native-kafka.mjs', ...COMMAND.slice(3), ...args], { cwd: root, timeout: 120_000 }, (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
        });
      });
    const version = await broken('--version');
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await broken('inspect', '--help')).code).toBe(0);
    const run = await broken('inspect', '-b', BROKERS, '-t', topic);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^tracecarrier: cannot load the Kafka client node-rdkafka on Node \d+\.\d+\.\d+ \(.*NODE_MODULE_VERSION.*\): rebuild it for this Node line \(npm rebuild node-rdkafka\)\n$/);
  }, 60_000);

  it('--version', async () => {
    const version = await cli('--version');
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  }, 60_000);
});
