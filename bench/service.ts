import { execFileSync } from 'node:child_process';
import type { CaseName, CaseResult } from './broker-case.js';

/**
 * 8. What tracing costs a service through the broker: for every client, the bare client sending one
 * constant `traceparent` (the floor for carrying any context) against tracecarrier sampled in,
 * sampled out, at 1 % (`ParentBased(TraceIdRatioBased(0.01))`), with a meter provider registered,
 * and both at once (what a service runs); the same tracing written by hand, sampled in and out; the
 * least any context-carrying code does (`context-only`: extract and run the handler in the context,
 * inject the active context, no span); for kafkajs also the official instrumentation, sampled in and
 * out and with metrics. Each case runs `repeats` times,
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
}

export const SERVICE_CLIENTS: readonly ServiceClient[] = [
  client('kafkajs', 'kafkajs'),
  client('node-rdkafka', 'rdkafka'),
  client('confluent callback API', 'confluent'),
  client('confluent KafkaJS API', 'confluent-kafkajs'),
];

/** A client's cases, named `<prefix>-<case>` (see broker-case.ts). */
function client(name: string, prefix: 'kafkajs' | 'rdkafka' | 'confluent' | 'confluent-kafkajs'): ServiceClient {
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
  };
}

/** The kafkajs anchors: the official instrumentation (no other client has one). */
export const KAFKAJS_ANCHORS: readonly CaseName[] = ['kafkajs-otel-instrumentation', 'kafkajs-otel-instrumentation-sampled-out', 'kafkajs-otel-instrumentation-metrics'];

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
  const names = [...new Set([...SERVICE_CLIENTS.flatMap((c) => [c.floor, c.on, c.off, c.ratio, c.metrics, c.service, c.hand, c.handOff, c.contextOnly]), ...KAFKAJS_ANCHORS])];
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
