/**
 * `pnpm bench`: tracecarrier's overhead, measured side by side with its baselines in one run and
 * reported as ratios (a noisy machine moves both sides of a ratio alike). `--smoke` runs every part
 * with tiny sizes so CI keeps the suite working; its numbers mean nothing. Results go to
 * `--out DIR` (default docs/): benchmarks.json and benchmarks.svg.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, type CaseName, type CaseResult } from './broker-case.js';
import { barChart, type Bar } from './chart.js';
import { benchCodec } from './codec.js';
import type { HandWrittenResult } from './hand-written.js';
import type { MemoryResult } from './memory.js';
import { benchHostile } from './hostile-values.js';
import { benchPropagation } from './propagation.js';
import { benchService, histogramRecordCost, runCase, KAFKAJS_ANCHORS, PLATFORMATIC_ANCHORS, SERVICE_CLIENTS, type ServiceCase } from './service.js';

const smoke = process.argv.includes('--smoke');
// `--only broker,service`: run only the named parts (propagation, codec, broker, memory,
// hand-written, hostile, service), e.g. to rerun one part alone. Default: every part.
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex > 0 ? new Set(process.argv[onlyIndex + 1]!.split(',')) : undefined;
const wants = (name: string) => only === undefined || only.has(name);
const repeatIndex = process.argv.indexOf('--repeat');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1]! : 'docs';
const sizes = { propagation: smoke ? 2_000 : 100_000, codecBudget: smoke ? 2 * 1024 * 1024 : 256 * 1024 * 1024, broker: smoke ? 2_000 : 100_000, memory: smoke ? 20_000 : 1_000_000, handWritten: smoke ? 2_000 : 100_000, handWrittenProcesses: smoke ? 1 : 3, hostile: smoke ? [16 * 1024, 64 * 1024] : [64 * 1024, 1024 * 1024, 16 * 1024 * 1024], hostileRounds: smoke ? 3 : 7, service: smoke ? 2_000 : 100_000, serviceRepeats: repeatIndex > 0 ? Number(process.argv[repeatIndex + 1]) : smoke ? 1 : 3 };
// The parts that run as their own processes, as compiled beside this file (scripts/build-bench.mjs),
// or through tsx when this file itself runs from source.
const here = dirname(fileURLToPath(import.meta.url));
const compiled = import.meta.url.endsWith('.js');
const part = (name: string) => [...(compiled ? [] : ['--import', 'tsx']), join(here, `${name}.${compiled ? 'js' : 'ts'}`)];

const bars: Bar[] = [];
const lines: string[] = [];
const say = (line = '') => {
  lines.push(line);
  console.log(line);
};
const target = (label: string, ratio: number, limit: number, kind: 'max' | 'min') => {
  bars.push({ label, ratio, target: limit, kind });
  return `${ratio.toFixed(2)}× (target ${kind === 'max' ? '≤' : '≥'} ${limit}: ${(kind === 'max' ? ratio <= limit : ratio >= limit) ? 'met' : 'MISSED'})`;
};

say(`tracecarrier benchmarks${smoke ? ' (SMOKE: tiny sizes, numbers are meaningless)' : ''} — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);

let propagation: ReturnType<typeof benchPropagation> | undefined = undefined;
if (wants('propagation')) {
  say('\n1. Propagation, no broker (inject + extract of one message, headers mode)');
  propagation = benchPropagation(sizes.propagation);
  const [floor, sdk, manual] = propagation;
  for (const m of propagation) say(`   ${m.name.padEnd(40)} ${(m.nsPerOp / 1000).toFixed(2).padStart(8)} µs`);
  say(`   ratio: ${target('propagation vs bare API', sdk!.nsPerOp / floor!.nsPerOp, 1.25, 'max')}`);
  say(`   the manual API: ${(manual!.nsPerOp / floor!.nsPerOp).toFixed(2)}× the bare API, ${(manual!.nsPerOp / sdk!.nsPerOp).toFixed(2)}× the carriers called directly`);
}

let codec: ReturnType<typeof benchCodec> | undefined = undefined;
if (wants('codec')) {
  say('\n2. Envelope codec: wrap + unwrap of a JSON payload');
  codec = benchCodec([1024, 64 * 1024, 1024 * 1024], sizes.codecBudget);
  for (const { size, measured } of codec) {
    const by = Object.fromEntries(measured.map((m) => [m.name, m.nsPerOp]));
    const copy = by['Buffer copy (floor)']!;
    say(`   ${String(size / 1024).padStart(5)} KiB: ${measured.map((m) => `${m.name} ${(m.nsPerOp / 1000).toFixed(1)} µs`).join(' · ')}`);
    say(`             per byte: json ${(by['tracecarrier, payloadEncoding json']! / size).toFixed(3)} ns/B, copy ${(copy / size).toFixed(3)} ns/B`);
    if (size === 1024 * 1024) {
      say(`             json vs copy: ${target('codec (json) vs Buffer copy, 1 MiB', by['tracecarrier, payloadEncoding json']! / copy, 3, 'max')}`);
      say(`             naive vs json: ${target('naive vs codec (json), 1 MiB', by['naive JSON.parse + stringify']! / by['tracecarrier, payloadEncoding json']!, 10, 'min')}`);
      say(`             auto vs copy: ${(by['tracecarrier, payloadEncoding auto']! / copy).toFixed(2)}× (auto proves the payload is JSON with one JSON.parse)`);
    }
  }
}

const results = new Map<CaseName, CaseResult>();
if (wants('broker')) {
  say(`\n3./4. Through the real broker (${process.env.KAFKA_BROKERS}): ${sizes.broker} messages of 1 KiB per case, produce then consume`);
  for (const name of CASES) {
    // As part 8's cases: a process a native client crashed is run once more (service.ts, runCase).
    const result = runCase({ node: process.execPath, command: part('broker-case') }, name, sizes.broker);
    results.set(name, result);
    say(`   ${name.padEnd(30)} produce ${result.produceRate.toFixed(0).padStart(7)} msg/s · consume ${result.consumeRate.toFixed(0).padStart(7)} msg/s · spans ${result.spans}`);
  }
  const rate = (name: CaseName) => {
    const r = results.get(name)!;
    // Throughput of the whole hop: messages over (produce time + consume time).
    return 1 / (1 / r.produceRate + 1 / r.consumeRate);
  };
  const vs = (name: CaseName, base: CaseName, limit: number, label: string) => say(`   ${label.padEnd(52)} ${target(label, rate(name) / rate(base), limit, 'min')}`);
  vs('kafkajs-headers', 'kafkajs-bare', 0.9, 'kafkajs headers vs bare kafkajs');
  vs('kafkajs-envelope', 'kafkajs-bare', 0.9, 'kafkajs envelope vs bare kafkajs');
  vs('kafkajs-headers', 'kafkajs-otel-instrumentation', 1.5, 'kafkajs headers vs instrumentation-kafkajs');
  {
    // The hop split in its two sides, and what bounds the produce side: kafkajs's own cost of
    // carrying a header (the bare client sending one constant traceparent), which both pay.
    const ours = results.get('kafkajs-headers')!;
    const official = results.get('kafkajs-otel-instrumentation')!;
    const withHeader = results.get('kafkajs-bare-with-header')!;
    say(`      produce ${(ours.produceRate / official.produceRate).toFixed(2)}×, consume ${(ours.consumeRate / official.consumeRate).toFixed(2)}× the official instrumentation; the bare client with one header produces ${withHeader.produceRate.toFixed(0)} msg/s, so the hop ratio cannot exceed ${(1 / (1 / withHeader.produceRate + 1 / withHeader.consumeRate) / rate('kafkajs-otel-instrumentation')).toFixed(2)}× here`);
    // The same spans written by hand with the stock API around the bare client: what any code doing
    // this tracing with OpenTelemetry pays, against which the official instrumentation's ratio is read.
    const hand = results.get('kafkajs-hand-written')!;
    say(`      the same tracing written by hand with the stock API: ${(rate('kafkajs-hand-written') / rate('kafkajs-otel-instrumentation')).toFixed(2)}× the official instrumentation (produce ${(hand.produceRate / official.produceRate).toFixed(2)}×, consume ${(hand.consumeRate / official.consumeRate).toFixed(2)}×); tracecarrier ${(rate('kafkajs-headers') / rate('kafkajs-hand-written')).toFixed(2)}× the hand-written hop`);
  }
  vs('rdkafka-headers', 'rdkafka-bare', 0.9, 'node-rdkafka headers vs bare node-rdkafka');
  vs('kafkajs-headers-sampled-out', 'kafkajs-bare', 0.95, 'kafkajs sampled out vs bare kafkajs');
  vs('rdkafka-headers-sampled-out', 'rdkafka-bare', 0.95, 'node-rdkafka sampled out vs bare node-rdkafka');
  vs('confluent-headers', 'confluent-bare', 0.9, '@confluentinc callback API headers vs bare');
  vs('confluent-kafkajs-headers', 'confluent-kafkajs-bare', 0.9, '@confluentinc KafkaJS API headers vs bare');
  say(`   metrics on (a meter provider registered) vs off: kafkajs ${(rate('kafkajs-headers-metrics') / rate('kafkajs-headers')).toFixed(2)}×, node-rdkafka ${(rate('rdkafka-headers-metrics') / rate('rdkafka-headers')).toFixed(2)}× (every other case runs with metrics off, the default)`);
  say(`   (context only: bare clients sending one constant traceparent header, vs without it: kafkajs ${(rate('kafkajs-bare-with-header') / rate('kafkajs-bare')).toFixed(2)}×, node-rdkafka ${(rate('rdkafka-bare-with-header') / rate('rdkafka-bare')).toFixed(2)}×)`);
}

let memory: MemoryResult | undefined = undefined;
if (wants('memory')) {
  say(`\n5. Memory: ${sizes.memory} messages through each wrapped consumer, heap after GC`);
  const memoryOutput = execFileSync(process.execPath, ['--expose-gc', ...part('memory'), String(sizes.memory)], { encoding: 'utf8', timeout: 900_000 });
  memory = JSON.parse(memoryOutput.trim().split('\n').at(-1)!) as MemoryResult;
  for (const [label, bytes] of [['kafkajs', memory.kafkajsGrowthBytes], ['node-rdkafka', memory.rdkafkaGrowthBytes]] as const) {
    const mib = bytes / 2 ** 20;
    say(`   ${label.padEnd(14)} heap growth ${mib.toFixed(2)} MiB (target < 5 MiB: ${mib < 5 ? 'met' : 'MISSED'})`);
  }
}

let handWritten: HandWrittenResult | undefined = undefined;
if (wants('hand-written')) {
  say(`\n6. Against the same tracing written by hand (stock OpenTelemetry API, same spans: attributes, the carrier attribute and the producer link), in process, ${sizes.handWritten} messages per round, 7 rounds, each case in ${sizes.handWrittenProcesses} processes of its own (the median one kept)`);
  const handOutput = execFileSync(process.execPath, [...part('hand-written'), String(sizes.handWritten), '--processes', String(sizes.handWrittenProcesses)], { encoding: 'utf8', timeout: 3_600_000 });
  handWritten = JSON.parse(handOutput.trim().split('\n').at(-1)!) as HandWrittenResult;
  say(`   ${'case'.padEnd(72)} tracecarrier   by hand   ratio                       article  bytes/message (ours, hand)`);
  for (const c of handWritten.cases) {
    const label = `${c.name}, sampling ${c.sampled ? 'on' : 'off'}`;
    // The target is per message; batch paths are reported beside it.
    const perMessage = !/batch|consume\(/i.test(c.name);
    const ratio = c.tracecarrierNs / c.handNs;
    const verdict = perMessage ? target(`${label} vs hand-written`, ratio, 1.1, 'max') : `${ratio.toFixed(2)}× (batch: reported)`;
    const article = c.articleNs === undefined ? '' : `${(c.articleNs / 1000).toFixed(2)} µs`;
    say(`   ${label.padEnd(72)} ${(c.tracecarrierNs / 1000).toFixed(2).padStart(6)} µs ${(c.handNs / 1000).toFixed(2).padStart(6)} µs   ${verdict.padEnd(27)} ${article.padStart(8)}  ${c.tracecarrierBytes.toFixed(0).padStart(5)} B, ${c.handBytes.toFixed(0).padStart(5)} B${c.processes === undefined || c.processes.length < 2 ? '' : `  (processes: ${c.processes.map((r) => r.toFixed(2)).join(', ')})`}`);
  }
}

let hostile: ReturnType<typeof benchHostile> | undefined = undefined;
if (wants('hostile')) {
  say(`\n7. Hostile values: the readers (detect + extract) on values crafted to be expensive, against one JSON.parse of the same value (median of ${sizes.hostileRounds} calls)`);
  hostile = benchHostile(sizes.hostile, sizes.hostileRounds);
  for (const pattern of new Set(hostile.map((r) => r.pattern))) {
    const rows = hostile.filter((r) => r.pattern === pattern);
    const worst = Math.max(...rows.map((r) => r.readerMsPerMiB / r.parseMsPerMiB));
    const growth = rows.at(-1)!.readerMsPerMiB / rows[0]!.readerMsPerMiB;
    say(`   ${pattern.padEnd(52)} ${rows.map((r) => `${(r.bytes / 1024).toFixed(0)} KiB ${r.readerMsPerMiB.toFixed(1)} vs ${r.parseMsPerMiB.toFixed(1)} ms/MiB`).join(' · ')}`);
    say(`   ${''.padEnd(52)} worst ${worst.toFixed(2)}× one JSON.parse (target ≤ 1: ${worst <= 1 ? 'met' : 'MISSED'}), cost per MiB ${growth.toFixed(2)}× from the smallest to the largest (reported)`);
  }
}

let service: ServiceCase[] | undefined;
let histogram: Awaited<ReturnType<typeof histogramRecordCost>> | undefined;
if (wants('service')) {
  say(`\n8. What a service runs, through the broker (${process.env.KAFKA_BROKERS}): ${sizes.service} messages of 1 KiB per case, each case ${sizes.serviceRepeats}× in a process of its own (interleaved); messages/s as median [min–max], ratios between medians`);
  service = benchService(sizes.service, sizes.serviceRepeats, { node: process.execPath, command: part('broker-case') });
  const of = (name: string) => service!.find((c) => c.name === name)!;
  const fmt = (c: ServiceCase, side: 'produce' | 'consume') => `${c[side].median.toFixed(0).padStart(7)} [${c[side].min.toFixed(0)}–${c[side].max.toFixed(0)}]`;
  for (const c of service) say(`   ${c.name.padEnd(42)} produce ${fmt(c, 'produce').padEnd(24)} consume ${fmt(c, 'consume')}`);
  for (const client of SERVICE_CLIENTS) {
    const floor = of(client.floor);
    for (const side of ['consume', 'produce'] as const) {
      const r = (name: string) => of(name)[side].median / floor[side].median;
      const label = `${client.client}, ${side}`;
      say(`   ${label.padEnd(32)} vs the bare client with the header: sampled out ${target(`${label}, sampled out vs bare + header`, r(client.off), 0.85, 'min')}, 1 % ${target(`${label}, 1 % vs bare + header`, r(client.ratio), 0.85, 'min')}, sampled in ${r(client.on).toFixed(2)}×, service (1 % + metrics) ${r(client.service).toFixed(2)}×`);
      say(`   ${''.padEnd(32)} context only (no span) ${r(client.contextOnly).toFixed(2)}×, by hand sampled out ${r(client.handOff).toFixed(2)}×, by hand sampled in ${r(client.hand).toFixed(2)}× the bare client with the header`);
      say(`   ${''.padEnd(32)} metrics on vs off (sampled in): ${target(`${label}, metrics on vs off`, of(client.metrics)[side].median / of(client.on)[side].median, 0.9, 'min')}`);
      // By hand / ours: above 1 means tracecarrier is slower than the same tracing written by hand.
      say(`   ${''.padEnd(32)} the same tracing by hand / tracecarrier: sampled in ${target(`${label}, by hand vs tracecarrier (sampled in)`, of(client.hand)[side].median / of(client.on)[side].median, 1.1, 'max')}, sampled out ${(of(client.handOff)[side].median / of(client.off)[side].median).toFixed(2)}×`);
      // The hand-written consumer reads headers only; so does tracecarrier's with mode 'headers' (the producer is the same).
      if (side === 'consume') say(`   ${''.padEnd(32)} by hand / tracecarrier reading headers only (consumer mode 'headers', sampled in): ${target(`${label}, by hand vs tracecarrier reading headers only (sampled in)`, of(client.hand)[side].median / of(client.readHeaders)[side].median, 1.1, 'max')}; mode 'headers' / 'auto': ${(of(client.readHeaders)[side].median / of(client.on)[side].median).toFixed(2)}×`);
    }
  }
  histogram = await histogramRecordCost();
  say(`   the metrics SDK's own histogram.record, in process: ${histogram.processAttributesUs.toFixed(2)} µs with a consumed message's attribute set (8 attributes), ${histogram.twoAttributesUs.toFixed(2)} µs with 2 (it hashes the set on every call): the floor of any per-message duration histogram`);
  const [official, officialOff, officialMetrics] = KAFKAJS_ANCHORS.map(of);
  for (const side of ['consume', 'produce'] as const) {
    const ours = (name: string) => of(name)[side].median;
    say(`   kafkajs ${side}: tracecarrier vs instrumentation-kafkajs, sampled in ${(ours('kafkajs-headers') / official![side].median).toFixed(2)}×, sampled out ${(ours('kafkajs-headers-sampled-out') / officialOff![side].median).toFixed(2)}×, metrics on ${(ours('kafkajs-headers-metrics') / officialMetrics![side].median).toFixed(2)}× (its metrics cost: ${(officialMetrics![side].median / official![side].median).toFixed(2)}×, ours ${(ours('kafkajs-headers-metrics') / ours('kafkajs-headers')).toFixed(2)}×)`);
  }
  const [platformaticOtel, platformaticOtelOff, platformaticOtelMetrics] = PLATFORMATIC_ANCHORS.map(of);
  for (const side of ['consume', 'produce'] as const) {
    const ours = (name: string) => of(name)[side].median;
    say(`   @platformatic/kafka ${side}: tracecarrier vs @platformatic/kafka-opentelemetry, sampled in ${(ours('platformatic-headers') / platformaticOtel![side].median).toFixed(2)}×, sampled out ${(ours('platformatic-headers-sampled-out') / platformaticOtelOff![side].median).toFixed(2)}×, metrics on ${(ours('platformatic-headers-metrics') / platformaticOtelMetrics![side].median).toFixed(2)}×`);
  }
}

mkdirSync(out, { recursive: true });
// A run of some parts only does not overwrite the full run's files.
const stem = only === undefined ? 'benchmarks' : `benchmarks.${[...only].join('+')}`;
writeFileSync(join(out, `${stem}.svg`), barChart(`tracecarrier overhead ratios${smoke ? ' (smoke run)' : ''}`, bars));
writeFileSync(join(out, `${stem}.json`), JSON.stringify({ smoke, sizes, parts: only === undefined ? 'all' : [...only], propagation, codec, broker: [...results.values()], memory, handWritten, hostile, service, histogram, report: lines }, null, 2));
say(`\nwrote ${join(out, `${stem}.svg`)} and ${join(out, `${stem}.json`)}`);
