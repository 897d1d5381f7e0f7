import { execFileSync } from 'node:child_process';
import type { CaseName, CaseResult } from './broker-case.js';

/**
 * 8. What tracing costs a service through the broker: for every client, the bare client sending one
 * constant `traceparent` (the floor for carrying any context) against tracecarrier sampled in,
 * sampled out, at 1 % (`ParentBased(TraceIdRatioBased(0.01))`), with a meter provider registered,
 * and both at once (what a service runs); the same tracing written by hand, sampled in and out; the
 * least any context-carrying code does (`context-only`: extract and run the handler in the context,
 * inject the active context, no span); tracecarrier sampled in with its consumer reading headers
 * only, as the hand-written tracing does (`-read-headers`; the default `auto` reads four carriers);
 * for kafkajs the official instrumentation, sampled in and out and with metrics, and for
 * @platformatic/kafka its own, @platformatic/kafka-opentelemetry, likewise. Each case runs `repeats` times,
 * each time in a process of its own, the cases interleaved (round robin) so a slow stretch of the
 * machine hits them alike; produce and consume are reported apart, as median and spread, and every
 * ratio is taken between medians of this run.
 */
export interface ServiceClient {
  readonly client: string;
  /** The floor every ratio of the client is read against. */
  readonly floor: CaseName;
  readonly on: CaseName;
  readonly off: CaseName;
  readonly ratio: CaseName;
  readonly metrics: CaseName;
  readonly service: CaseName;
  /** The same tracing written by hand with the stock API, sampled in and sampled out. */
  readonly hand: CaseName;
  readonly handOff: CaseName;
  /** The least any context-carrying code does: no span, the context extracted, entered and injected. */
  readonly contextOnly: CaseName;
  /** tracecarrier sampled in, its consumer reading headers only (`mode: 'headers'`), as the hand-written tracing does. */
  readonly readHeaders: CaseName;
}

export const SERVICE_CLIENTS: readonly ServiceClient[] = [
  client('kafkajs', 'kafkajs'),
  client('node-rdkafka', 'rdkafka'),
  client('confluent callback API', 'confluent'),
  client('confluent KafkaJS API', 'confluent-kafkajs'),
  client('@platformatic/kafka', 'platformatic'),
];

/** A client's cases, named `<prefix>-<case>` (see broker-case.ts). */
function client(name: string, prefix: 'kafkajs' | 'rdkafka' | 'confluent' | 'confluent-kafkajs' | 'platformatic'): ServiceClient {
  return {
    client: name,
    floor: `${prefix}-bare-with-header`,
    on: `${prefix}-headers`,
    off: `${prefix}-headers-sampled-out`,
    ratio: `${prefix}-headers-ratio`,
    metrics: `${prefix}-headers-metrics`,
    service: `${prefix}-headers-service`,
    hand: `${prefix}-hand-written`,
    handOff: `${prefix}-hand-written-sampled-out`,
    contextOnly: `${prefix}-context-only`,
    readHeaders: `${prefix}-headers-read-headers`,
  };
}

/** The kafkajs anchors: the official instrumentation (no other client has one). */
export const KAFKAJS_ANCHORS: readonly CaseName[] = ['kafkajs-otel-instrumentation', 'kafkajs-otel-instrumentation-sampled-out', 'kafkajs-otel-instrumentation-metrics'];

/** The @platformatic/kafka anchors: its own instrumentation, @platformatic/kafka-opentelemetry, sampled in and out and with metrics. */
export const PLATFORMATIC_ANCHORS: readonly CaseName[] = ['platformatic-otel-instrumentation', 'platformatic-otel-instrumentation-sampled-out', 'platformatic-otel-instrumentation-metrics'];

/** Each client's other tracing, read beside ours: its cases (sampled in, sampled out, with metrics where it has them). */
export const ANCHORS: ReadonlyArray<{ readonly client: string; readonly library: string; readonly cases: readonly CaseName[] }> = [
  { client: 'kafkajs', library: '@opentelemetry/instrumentation-kafkajs', cases: KAFKAJS_ANCHORS },
  { client: '@platformatic/kafka', library: '@platformatic/kafka-opentelemetry', cases: PLATFORMATIC_ANCHORS },
];

/** One case over its repeats: each side's median and spread (min, max), messages per second. */
export interface ServiceCase {
  readonly name: CaseName;
  readonly produce: Spread;
  readonly consume: Spread;
  readonly runs: readonly CaseResult[];
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
}

/**
 * One case in a process of its own. A process killed by a signal is run once more, said on stderr:
 * node-rdkafka's native code crashed once (SIGSEGV, in the bare client with the hand-written
 * tracing, 1 of several thousand case processes, not reproduced in 20 reruns), and
 * @confluentinc/kafka-javascript's once (SIGSEGV, `confluent-headers` in CI's bench smoke, part 3,
 * 2026-12-07, not reproduced in 40 reruns); one such crash should not void a whole run. A second
 * crash, or any other failure, fails the run. Parts 3/4 and 8 and bench:lines run cases through it.
 */
/** How a case process starts: the Node binary (a line of scripts/node-line.sh) and the broker-case script's arguments. */
export interface CaseRunner {
  readonly node: string;
  readonly command: readonly string[];
}

export function runCase(runner: CaseRunner, name: CaseName, messages: number): CaseResult {
  const run = () => execFileSync(runner.node, [...runner.command, name, String(messages)], { encoding: 'utf8', timeout: 600_000 });
  let output: string;
  try {
    output = run();
  } catch (error) {
    const signal = (error as { signal?: string | null }).signal;
    if (typeof signal !== 'string' || signal === 'SIGTERM') throw error;
    console.error(`case ${name}: its process died of ${signal}; running it once more`);
    output = run();
  }
  return JSON.parse(output.trim().split('\n').at(-1)!) as CaseResult;
}

/** Runs every case `repeats` times in processes of its own, interleaved; `runner` starts one process. */
export function benchService(messages: number, repeats: number, runner: CaseRunner): ServiceCase[] {
  const names = [...new Set([...SERVICE_CLIENTS.flatMap((c) => [c.floor, c.on, c.off, c.ratio, c.metrics, c.service, c.hand, c.handOff, c.contextOnly, c.readHeaders]), ...ANCHORS.flatMap((anchor) => anchor.cases)])];
  const runs = new Map<CaseName, CaseResult[]>(names.map((name) => [name, []]));
  for (let round = 0; round < repeats; round++) {
    // Alternate the order too, so no case always runs right after the same neighbour.
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      runs.get(name)!.push(runCase(runner, name, messages));
    }
  }
  return names.map((name) => {
    const results = runs.get(name)!;
    return { name, produce: spread(results.map((r) => r.produceRate)), consume: spread(results.map((r) => r.consumeRate)), runs: results };
  });
}

/**
 * What one `messaging.process.duration` record costs the OpenTelemetry metrics SDK by itself, in
 * process (µs per call, median of 5 rounds of 200,000): with the attribute set tracecarrier records
 * for a consumed message (system, operation name and type, topic, partition, group, server address
 * and port), and with two attributes. The SDK sorts and JSON-stringifies the attribute set on every
 * record to find its series, so this is the floor of any per-message histogram with these
 * attributes, whoever records it; part 8's metrics-on ratios are read against it.
 */
export async function histogramRecordCost(): Promise<{ readonly processAttributesUs: number; readonly twoAttributesUs: number }> {
  const { MeterProvider, PeriodicExportingMetricReader, InMemoryMetricExporter, AggregationTemporality } = await import('@opentelemetry/sdk-metrics');
  const { ROOT_CONTEXT } = await import('@opentelemetry/api');
  const provider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA), exportIntervalMillis: 1000 })] });
  const histogram = provider.getMeter('bench').createHistogram('messaging.process.duration', { unit: 's' });
  const processAttributes = Object.freeze({
    'messaging.system': 'kafka',
    'messaging.operation.name': 'process',
    'messaging.operation.type': 'process',
    'messaging.destination.name': 'bench-rdkafka-headers-metrics-12345',
    'messaging.destination.partition.id': '0',
    'messaging.consumer.group.name': 'bench-rdkafka-headers-metrics-12345-g',
    'server.address': '127.0.0.1',
    'server.port': 9092,
  });
  const two = Object.freeze({ 'messaging.system': 'kafka', 'messaging.operation.name': 'process' });
  const perCall = (attributes: Record<string, string | number>): number => {
    const rounds: number[] = [];
    for (let round = 0; round < 5; round++) {
      const start = performance.now();
      for (let i = 0; i < 200_000; i++) histogram.record(0.000_012, attributes, ROOT_CONTEXT);
      rounds.push(((performance.now() - start) * 1000) / 200_000);
    }
    return rounds.sort((a, b) => a - b)[2]!;
  };
  perCall(processAttributes); // warm-up
  const result = { processAttributesUs: perCall(processAttributes), twoAttributesUs: perCall(two) };
  await provider.shutdown();
  return result;
}
