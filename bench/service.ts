import { execFileSync } from 'node:child_process';
import type { CaseName, CaseResult } from './broker-case.js';

/**
 * 8. What tracing costs a service through the broker: for every client, the bare client sending one
 * constant `traceparent` (the floor for carrying any context) against tracecarrier sampled in,
 * sampled out, at 1 % (`ParentBased(TraceIdRatioBased(0.01))`), with a meter provider registered,
 * and both at once (what a service runs); for kafkajs also the same tracing written by hand and the
 * official instrumentation, sampled in and out and with metrics. Each case runs `repeats` times,
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
}

export const SERVICE_CLIENTS: readonly ServiceClient[] = [
  { client: 'kafkajs', floor: 'kafkajs-bare-with-header', on: 'kafkajs-headers', off: 'kafkajs-headers-sampled-out', ratio: 'kafkajs-headers-ratio', metrics: 'kafkajs-headers-metrics', service: 'kafkajs-headers-service' },
  { client: 'node-rdkafka', floor: 'rdkafka-bare-with-header', on: 'rdkafka-headers', off: 'rdkafka-headers-sampled-out', ratio: 'rdkafka-headers-ratio', metrics: 'rdkafka-headers-metrics', service: 'rdkafka-headers-service' },
  { client: 'confluent callback API', floor: 'confluent-bare-with-header', on: 'confluent-headers', off: 'confluent-headers-sampled-out', ratio: 'confluent-headers-ratio', metrics: 'confluent-headers-metrics', service: 'confluent-headers-service' },
  {
    client: 'confluent KafkaJS API',
    floor: 'confluent-kafkajs-bare-with-header',
    on: 'confluent-kafkajs-headers',
    off: 'confluent-kafkajs-headers-sampled-out',
    ratio: 'confluent-kafkajs-headers-ratio',
    metrics: 'confluent-kafkajs-headers-metrics',
    service: 'confluent-kafkajs-headers-service',
  },
];

/** The kafkajs anchors: the same tracing by hand, and the official instrumentation. */
export const KAFKAJS_ANCHORS: readonly CaseName[] = ['kafkajs-hand-written', 'kafkajs-hand-written-sampled-out', 'kafkajs-otel-instrumentation', 'kafkajs-otel-instrumentation-sampled-out', 'kafkajs-otel-instrumentation-metrics'];

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

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
}

/** Runs every case `repeats` times in processes of its own, interleaved; `run` starts one process. */
export function benchService(messages: number, repeats: number, command: readonly string[]): ServiceCase[] {
  const names = [...new Set([...SERVICE_CLIENTS.flatMap((c) => [c.floor, c.on, c.off, c.ratio, c.metrics, c.service]), ...KAFKAJS_ANCHORS])];
  const runs = new Map<CaseName, CaseResult[]>(names.map((name) => [name, []]));
  for (let round = 0; round < repeats; round++) {
    // Alternate the order too, so no case always runs right after the same neighbour.
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const output = execFileSync(process.execPath, [...command, name, String(messages)], { encoding: 'utf8', timeout: 600_000 });
      runs.get(name)!.push(JSON.parse(output.trim().split('\n').at(-1)!) as CaseResult);
    }
  }
  return names.map((name) => {
    const results = runs.get(name)!;
    return { name, produce: spread(results.map((r) => r.produceRate)), consume: spread(results.map((r) => r.consumeRate)), runs: results };
  });
}
