/**
 * `tracecarrier inspect` against a plain reader doing the same extraction, through the real broker
 * (issue 34: inspect at most 1.3× the plain reader with `createMessagePropagator().extract`, text
 * and JSON). Fills one topic (4 partitions, ~200-byte values, a realistic mix: most records with a
 * W3C `traceparent` header, some with `tracestate` and `baggage` too, some JSON envelopes, some in
 * both, some without any context), then, interleaved over `--repeat` rounds (the order reversed
 * every other round), runs each case in a process of its own, its output to /dev/null:
 *
 * - `reader`: a plain node-rdkafka reader of the topic (cli-inspect-reader.ts), nothing else;
 * - `reader+extract`: that reader with `createMessagePropagator().extract` and inspect's default carriers;
 * - `inspect --json` and `inspect` (text): the built command line (packages/cli/dist/bin.js).
 *
 * Each process's wall time (start to exit, Node's start-up and the connect included, alike for
 * every case) and peak RSS (each process's own getrusage maximum, rss-at-exit.ts). Reports median and spread per
 * case, and the ratios of medians of this run: inspect (JSON, text) to `reader+extract`, and
 * `reader+extract` to `reader`. Started by scripts/bench-cli.sh (`pnpm bench:cli`), which builds
 * and starts the broker:
 *
 *   KAFKA_BROKERS=… node bench/dist/cli-inspect.js [--messages N] [--repeat N] [--smoke] [--out DIR]
 *   node bench/dist/cli-inspect.js --pool A.json,B.json,… [--out DIR]
 *
 * `--out DIR` writes DIR/benchmarks.cli.json. `--pool` runs nothing: it reports the processes of
 * several earlier runs (same number of records) together, each run's ratios beside the pooled ones.
 * Before the timed rounds each case runs once with its output read back and checked (every record
 * read, the same counts per carrier), untimed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, createTraceState, propagation, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { createMessagePropagator } from '@tracecarrier/node-rdkafka';
import RdKafka from 'node-rdkafka';

const CASES = ['reader', 'reader+extract', 'inspect --json', 'inspect'] as const;
type Case = (typeof CASES)[number];
const PARTITIONS = 4;
const VALUE_BYTES = 200;

interface Process {
  readonly wallMs: number;
  readonly maxRssKb: number;
}
interface RunFile {
  readonly messages: number;
  readonly partitions: number;
  readonly valueBytes: number;
  readonly repeats: number;
  readonly node: string;
  readonly machine: { readonly cpus: number; readonly model: string };
  readonly mix: Readonly<Record<string, number>>;
  readonly runs: Readonly<Record<Case, readonly Process[]>>;
}
interface PooledFile extends Omit<RunFile, 'runs'> {
  readonly runsPooled: number;
  readonly perRun: ReadonlyArray<Readonly<Record<Case, readonly Process[]>>>;
}

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const smoke = argv.includes('--smoke');
const out = option('--out');
const root = new URL('../..', import.meta.url).pathname;

interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}
function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

/** What record `i` of the topic carries: a fixed mix, spread evenly over the topic. */
function kindOf(i: number): 'traceparent' | 'traceparent+tracestate+baggage' | 'json-envelope' | 'headers+json-envelope' | 'no context, a header' | 'no context' {
  const slot = i % 100;
  if (slot < 75) return 'traceparent';
  if (slot < 85) return 'traceparent+tracestate+baggage';
  if (slot < 90) return 'json-envelope';
  if (slot < 92) return 'headers+json-envelope';
  if (slot < 96) return 'no context, a header';
  return 'no context';
}

const hex = (bytes: number) => Buffer.from(Array.from({ length: bytes }, () => Math.floor(Math.random() * 256))).toString('hex');

/** A JSON payload of about `size` bytes. */
function payload(i: number, size: number): Buffer {
  const head = `{"id":${i},"type":"order.created","customer":"c-${i % 997}","note":"`;
  return Buffer.from(`${head}${'x'.repeat(Math.max(0, size - head.length - 2))}"}`);
}

/** Fills `topic` (created with 4 partitions) with `messages` records; the number of each kind. */
async function fill(brokers: string, topic: string, messages: number): Promise<Record<string, number>> {
  const admin = RdKafka.AdminClient.create({ 'metadata.broker.list': brokers, log_level: 3 });
  await new Promise<void>((resolve, reject) => admin.createTopic({ topic, num_partitions: PARTITIONS, replication_factor: 1 }, 10_000, (error) => (error ? reject(error) : resolve())));
  admin.disconnect();
  const producer = new RdKafka.Producer({ 'metadata.broker.list': brokers, 'linger.ms': 20, 'batch.num.messages': 10_000, 'queue.buffering.max.messages': 200_000, log_level: 3 }, {});
  await new Promise<void>((resolve, reject) => producer.connect({ timeout: 10_000 }, (error) => (error ? reject(error) : resolve())));
  const headers = createMessagePropagator({ producer: { mode: 'headers' } });
  const envelope = createMessagePropagator({ producer: { mode: 'envelope' } });
  const both = createMessagePropagator({ producer: { mode: 'both' } });
  const mix: Record<string, number> = {};
  for (let i = 0; i < messages; i++) {
    const kind = kindOf(i);
    mix[kind] = (mix[kind] ?? 0) + 1;
    let context: Context = trace.setSpanContext(ROOT_CONTEXT, { traceId: hex(16), spanId: hex(8), traceFlags: i % 10 === 0 ? TraceFlags.NONE : TraceFlags.SAMPLED });
    if (kind === 'traceparent+tracestate+baggage') {
      context = trace.setSpanContext(context, { ...trace.getSpanContext(context)!, traceState: createTraceState(`vendor=${hex(4)},other=x${i % 31}`) });
      context = propagation.setBaggage(context, propagation.createBaggage({ 'tenant.id': { value: `t-${i % 13}` }, 'request.id': { value: hex(6) } }));
    }
    const key = `k-${i}`;
    let value: Buffer | null;
    let written: RdKafka.MessageHeader[] | undefined;
    if (kind === 'traceparent' || kind === 'traceparent+tracestate+baggage') ({ value, headers: written } = headers.inject(topic, { value: payload(i, VALUE_BYTES) }, context));
    else if (kind === 'json-envelope') ({ value, headers: written } = envelope.inject(topic, { value: payload(i, VALUE_BYTES - 100) }, context));
    else if (kind === 'headers+json-envelope') ({ value, headers: written } = both.inject(topic, { value: payload(i, VALUE_BYTES - 100) }, context));
    else if (kind === 'no context, a header') [value, written] = [payload(i, VALUE_BYTES), [{ 'content-type': 'application/json' }]];
    else [value, written] = [payload(i, VALUE_BYTES), undefined];
    for (;;) {
      try {
        producer.produce(topic, i % PARTITIONS, value, key, Date.now(), undefined, written);
        break;
      } catch (error) {
        if ((error as { code?: number }).code !== RdKafka.CODES.ERRORS.ERR__QUEUE_FULL) throw error;
        await new Promise<void>((resolve) => producer.flush(10_000, () => resolve()));
      }
    }
  }
  await new Promise<void>((resolve, reject) => producer.flush(60_000, (error) => (error ? reject(error) : resolve())));
  await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
  return mix;
}

/** The command line of each case. */
function commandOf(name: Case, brokers: string, topic: string): string[] {
  const reader = join(root, 'bench', 'dist', 'cli-inspect-reader.js');
  const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
  switch (name) {
    case 'reader':
      return [process.execPath, reader, brokers, topic, 'plain'];
    case 'reader+extract':
      return [process.execPath, reader, brokers, topic, 'extract'];
    case 'inspect --json':
      return [process.execPath, bin, 'inspect', '--brokers', brokers, '--topic', topic, '--json'];
    case 'inspect':
      return [process.execPath, bin, 'inspect', '--brokers', brokers, '--topic', topic];
  }
}

/** One timed process, its output to /dev/null. */
function timed(command: readonly string[], scratch: string): Process {
  const rssFile = join(scratch, 'time.txt');
  const devNull = openSync('/dev/null', 'w');
  try {
    const started = performance.now();
    // Each case is a Node process: rss-at-exit.js, preloaded, writes its peak RSS at exit.
    const [node, ...args] = command as [string, ...string[]];
    const run = spawnSync(node, ['--import', join(root, 'bench', 'dist', 'rss-at-exit.js'), ...args], { stdio: ['ignore', devNull, 'pipe'], timeout: 600_000, env: { ...process.env, BENCH_RSS_FILE: rssFile } });
    const wallMs = performance.now() - started;
    if (run.status !== 0) throw new Error(`${command.join(' ')}: exit ${run.status ?? run.signal}\n${run.stderr.toString()}`);
    const maxRssKb = Number(readFileSync(rssFile, 'utf8').trim());
    return { wallMs, maxRssKb };
  } finally {
    closeSync(devNull);
  }
}

/** Runs each case once with its output read back: every record is read, the cases agree on the carriers. */
function check(brokers: string, topic: string, messages: number): void {
  const run = (name: Case) => execFileSync(commandOf(name, brokers, topic)[0]!, commandOf(name, brokers, topic).slice(1), { encoding: 'utf8', maxBuffer: 1 << 30 });
  const plain = JSON.parse(run('reader')) as { records: number };
  const extract = JSON.parse(run('reader+extract')) as { records: number; byCarrier: Record<string, number> };
  const json = run('inspect --json').trim().split('\n');
  const summary = (JSON.parse(json.at(-1)!) as { summary: { records: number; byCarrier: Record<string, number> } }).summary;
  const text = run('inspect').trim().split('\n');
  const sorted = (counts: Record<string, number>) => JSON.stringify(Object.entries(counts).sort());
  const problems = [
    plain.records !== messages && `reader read ${plain.records} records, not ${messages}`,
    extract.records !== messages && `reader+extract read ${extract.records} records, not ${messages}`,
    summary.records !== messages && `inspect --json read ${summary.records} records, not ${messages}`,
    json.length !== messages + 1 && `inspect --json wrote ${json.length} lines, not ${messages + 1}`,
    !text.includes(`${messages} records read`) && `inspect did not end with "${messages} records read"`,
    sorted(summary.byCarrier) !== sorted(extract.byCarrier) && `inspect's carriers ${sorted(summary.byCarrier)} are not the reader's ${sorted(extract.byCarrier)}`,
  ].filter((problem) => problem !== false);
  if (problems.length > 0) throw new Error(`the cases disagree: ${problems.join('; ')}`);
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const s = (ms: number) => (ms / 1000).toFixed(2);

/** The table of one run, or of several pooled (each run's ratios beside the pooled ones). */
function report(file: RunFile | PooledFile): string[] {
  const perRun = 'perRun' in file ? file.perRun : [file.runs];
  const pooled = Object.fromEntries(CASES.map((name) => [name, perRun.flatMap((runs) => runs[name])])) as Record<Case, Process[]>;
  const wall = (runs: Record<Case, readonly Process[]>, name: Case) => spread(runs[name].map((entry) => entry.wallMs));
  const ratio = (runs: Record<Case, readonly Process[]>, a: Case, b: Case) => wall(runs, a).median / wall(runs, b).median;
  const lines = [
    `tracecarrier inspect against a plain node-rdkafka reader: ${file.messages} records (${file.partitions} partitions, ~${file.valueBytes}-byte values), ${perRun.length > 1 ? `${perRun.length} runs of ` : ''}${file.repeats} interleaved process(es) per case; Node ${file.node}, ${file.machine.cpus} × ${file.machine.model}`,
    '',
    '| case | wall s, median [min–max] | peak RSS, median [min–max] |',
    '|---|---|---|',
    ...CASES.map((name) => {
      const time = wall(pooled, name);
      const rss = spread(pooled[name].map((entry) => entry.maxRssKb));
      return `| ${name} | ${s(time.median)} [${s(time.min)}–${s(time.max)}] | ${mb(rss.median)} [${mb(rss.min)}–${mb(rss.max)}] |`;
    }),
    '',
    '| ratio of medians | ' + [...perRun.map((_, i) => (perRun.length > 1 ? `run ${i + 1}` : 'this run')), ...(perRun.length > 1 ? ['pooled'] : [])].join(' | ') + ' |',
    '|---|' + [...perRun, ...(perRun.length > 1 ? [0] : [])].map(() => '---').join('|') + '|',
    ...(
      [
        ['inspect --json / reader+extract', 'inspect --json', 'reader+extract'],
        ['inspect (text) / reader+extract', 'inspect', 'reader+extract'],
        ['reader+extract / reader', 'reader+extract', 'reader'],
      ] as const
    ).map(([label, a, b]) => `| ${label} | ${[...perRun.map((runs) => ratio(runs, a, b)), ...(perRun.length > 1 ? [ratio(pooled, a, b)] : [])].map((value) => `${value.toFixed(2)}×`).join(' | ')} |`),
  ];
  return lines;
}

function write(file: RunFile | PooledFile): void {
  const lines = report(file);
  for (const line of lines) console.log(line);
  if (out !== undefined) writeFileSync(join(out, 'benchmarks.cli.json'), `${JSON.stringify({ ...file, report: lines }, null, 2)}\n`);
}

const pool = option('--pool');
if (pool !== undefined) {
  const files = pool.split(',').map((path) => JSON.parse(readFileSync(path, 'utf8')) as RunFile);
  const first = files[0]!;
  if (files.some((file) => file.messages !== first.messages || file.node !== first.node)) throw new Error('--pool: every run must have the same number of records and Node');
  const { runs: _runs, ...about } = first;
  write({ ...about, repeats: files.reduce((sum, file) => sum + file.repeats, 0) / files.length, runsPooled: files.length, perRun: files.map((file) => file.runs) });
} else {
  const brokers = process.env.KAFKA_BROKERS;
  if (brokers === undefined || brokers === '') throw new Error('KAFKA_BROKERS is not set (scripts/bench-cli.sh starts a broker)');
  const messages = Number(option('--messages') ?? (smoke ? 2_000 : 100_000));
  const repeats = Number(option('--repeat') ?? (smoke ? 1 : 5));
  const topic = `bench-cli-inspect-${messages}-${process.pid}-${Date.now()}`;
  const filling = performance.now();
  const mix = await fill(brokers, topic, messages);
  console.error(`filled ${topic}: ${messages} records in ${s(performance.now() - filling)} s (${JSON.stringify(mix)})`);
  check(brokers, topic, messages);
  const scratch = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const runs = Object.fromEntries(CASES.map((name) => [name, [] as Process[]])) as Record<Case, Process[]>;
  try {
    for (let round = 0; round < repeats; round++) {
      for (const name of round % 2 === 0 ? CASES : [...CASES].reverse()) runs[name].push(timed(commandOf(name, brokers, topic), scratch));
      console.error(`round ${round + 1}/${repeats} done`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  write({ messages, partitions: PARTITIONS, valueBytes: VALUE_BYTES, repeats, node: process.versions.node, machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' }, mix, runs });
}
