/**
 * 6. The honest floor: the same tracing written by hand with the stock OpenTelemetry API, the way
 * the seed article does it, against tracecarrier's wrappers, per message, in process (the cases are
 * in `hand-written-cases.ts`; a `BatchSpanProcessor` with a counting exporter), sampling on and off.
 * Also measures the bytes each side allocates per message. Run as its own process: prints one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOffSampler, AlwaysOnSampler, TracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { HAND_WRITTEN_CASES, time, type Step } from './hand-written-cases.js';

/** One case's medians, in nanoseconds and allocated bytes per message. */
export interface HandWrittenCaseResult {
  readonly name: string;
  readonly sampled: boolean;
  readonly tracecarrierNs: number;
  readonly handNs: number;
  /** The article's minimal version (no carrier attribute, no producer link), where measured. */
  readonly articleNs?: number | undefined;
  readonly tracecarrierBytes: number;
  readonly handBytes: number;
  /** With several processes per case: each process's ratio (the median one is reported). */
  readonly processes?: readonly number[] | undefined;
}

export interface HandWrittenResult {
  readonly cases: HandWrittenCaseResult[];
  /** Spans exported, to show every side really recorded (sampling on). */
  readonly spans: number;
}

// `hand-written.js <messages> [--processes N]`, or `<messages> <case> <on|off>` for one case in this process.
const processesFlag = process.argv.indexOf('--processes');
const processes = processesFlag > 0 ? Number(process.argv[processesFlag + 1]) : 1;
const args = processesFlag > 0 ? process.argv.filter((_, i) => i !== processesFlag && i !== processesFlag + 1) : process.argv;
const messages = Number(args[2] ?? 100_000);
// A case's name (or a substring of it) and `on` or `off`: run just that, in this process.
const only = args[3];
const onlySampling = args[4];

/**
 * Without a case named, each case and sampling setting runs in a process of its own, as an
 * application runs one client: run in one process, a case found the shared code already tuned by V8
 * for the other client's message shapes (node-rdkafka's header list after kafkajs's header record).
 * With `--processes N`, N processes per case, and the median process (by ratio) is kept: V8 compiles
 * a little differently from one process to the next, by up to a tenth on these paths.
 */
function runEachInItsOwnProcess(): HandWrittenResult {
  const cases: HandWrittenCaseResult[] = [];
  let spans = 0;
  for (const sampling of ['on', 'off']) {
    for (const { name } of HAND_WRITTEN_CASES) {
      const runs: HandWrittenCaseResult[] = [];
      for (let run = 0; run < processes; run++) {
        const output = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(messages), name, sampling], { encoding: 'utf8', timeout: 900_000 });
        const result = JSON.parse(output.trim().split('\n').at(-1)!) as HandWrittenResult;
        runs.push(...result.cases);
        spans += result.spans;
      }
      runs.sort((a, b) => a.tracecarrierNs / a.handNs - b.tracecarrierNs / b.handNs);
      cases.push({ ...runs[Math.floor(runs.length / 2)]!, processes: runs.map((r) => r.tracecarrierNs / r.handNs) });
    }
  }
  return { cases, spans };
}
const ROUNDS = 7;
let exported = 0;
const exporter: SpanExporter = {
  export(batch: ReadableSpan[], done) {
    exported += batch.length;
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));

/**
 * Bytes allocated on the JS heap per step: the growth of the used heap between collections, summed
 * over every collection the run triggers (v8's GC profiler gives each collection's before and after).
 */
async function allocated(count: number, step: Step): Promise<number> {
  const profiler = new GCProfiler();
  profiler.start();
  const first = getHeapStatistics().used_heap_size;
  await time(count, step);
  const last = getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop();
  let bytes = 0;
  let previous = first;
  for (const gc of statistics) {
    bytes += gc.beforeGC.heapStatistics.usedHeapSize - previous;
    previous = gc.afterGC.heapStatistics.usedHeapSize;
  }
  return (bytes + last - previous) / count;
}

async function main(): Promise<void> {
  if (only === undefined) {
    console.log(JSON.stringify(runEachInItsOwnProcess()));
    return;
  }
  const results: HandWrittenCaseResult[] = [];
  for (const sampled of [true, false]) {
    if (onlySampling !== undefined && onlySampling !== (sampled ? 'on' : 'off')) continue;
    const provider = new TracerProvider({
      sampler: sampled ? new AlwaysOnSampler() : new AlwaysOffSampler(),
      spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 65_536, maxExportBatchSize: 4096, scheduledDelayMillis: 50 })],
    });
    trace.disable();
    trace.setGlobalTracerProvider(provider);
    for (const { name, build } of HAND_WRITTEN_CASES) {
      if (!name.includes(only)) continue;
      const c = await build(trace.getTracer('hand-written'));
      const steps = Math.max(1, Math.round(messages / c.size));
      const sides = { ours: c.ours, hand: c.hand, ...(c.article === undefined ? {} : { article: c.article }) };
      // Warm-up: JIT, lazily created state.
      for (const step of Object.values(sides)) await time(Math.min(20_000, steps), step);
      // Alternate the sides round by round and keep the median, as the harness does for the other parts.
      const rounds: Record<string, number[]> = { ours: [], hand: [], article: [] };
      for (let round = 0; round < ROUNDS; round++) {
        // Every other round in reverse order, so no side always runs right after another's garbage.
        const order = round % 2 === 0 ? Object.entries(sides) : Object.entries(sides).reverse();
        for (const [side, step] of order) rounds[side]!.push((await time(steps, step)) / c.size);
        await provider.forceFlush();
      }
      const median = (side: string) => rounds[side]!.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
      const bytesSteps = Math.min(steps, 20_000);
      results.push({
        name,
        sampled,
        tracecarrierNs: median('ours')!,
        handNs: median('hand')!,
        articleNs: median('article'),
        tracecarrierBytes: (await allocated(bytesSteps, c.ours)) / c.size,
        handBytes: (await allocated(bytesSteps, c.hand)) / c.size,
      });
      await provider.forceFlush();
    }
    await provider.shutdown();
  }
  const result: HandWrittenResult = { cases: results, spans: exported };
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
