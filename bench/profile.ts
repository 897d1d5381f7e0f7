/**
 * Where the time of one side of one hand-written case goes: runs it under V8's CPU profiler and
 * prints self time by owner (tracecarrier, OpenTelemetry, node, GC…) and the top functions.
 *
 *   pnpm build && node scripts/build-bench.mjs && node bench/dist/profile.js <case substring> <ours|hand|article> [on|off] [messages]
 *
 * With `--alloc`, the allocation sampling profile instead: bytes allocated by function.
 * With `--summarize FILE.cpuprofile`, the same summary of a profile taken elsewhere (for example
 * `node --cpu-prof bench/dist/broker-case.js kafkajs-headers 50000` against a broker).
 * (Compiled, not through tsx: tsx's keepNames adds a naming call to every closure created.)
 */
import { readFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOffSampler, AlwaysOnSampler, TracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { HAND_WRITTEN_CASES, time } from './hand-written-cases.js';
import { post } from './inspector.js';

const alloc = process.argv.includes('--alloc');
const [pattern = 'rdkafka consume (data)', side = 'ours', sampling = 'on', count = '200000'] = process.argv.slice(2).filter((arg) => arg !== '--alloc');

/** Who a profile node's code belongs to, from its URL. */
function owner(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : 'v8 builtins';
  if (url.includes('/packages/core/') || url.includes('@tracecarrier/core')) return 'tracecarrier core';
  if (url.includes('/packages/')) return 'tracecarrier bindings';
  const otel = /@opentelemetry\/([a-z-]+)/.exec(url);
  if (otel !== null) return `@opentelemetry/${otel[1]}`;
  if (url.startsWith('node:')) return 'node';
  if (url.includes('/bench/')) return 'bench (stand-ins, hand-written code)';
  // The package after the last node_modules (pnpm nests them: node_modules/.pnpm/x@1/node_modules/x).
  if (url.includes('node_modules')) return /.*node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? 'other';
  return 'other';
}

/** Prints self time by owner and the top functions of a CPU profile. */
function summarize(profile: Profiler.Profile): void {
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { url, functionName, lineNumber } = node.callFrame;
    const who = owner(url, functionName);
    byOwner.set(who, (byOwner.get(who) ?? 0) + hits);
    const where = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|packages)\//, '').replace(/^file:\/\//, '')}:${lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + hits);
  }
  const percent = (hits: number) => `${((100 * hits) / total).toFixed(1).padStart(5)}%`;
  console.log(`(${total} samples)\n\nself time by owner`);
  for (const [who, hits] of [...byOwner].sort((a, b) => b[1] - a[1])) console.log(`  ${percent(hits)}  ${who}`);
  console.log('\ntop functions (self time)');
  for (const [where, hits] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${percent(hits)}  ${where}`);
}

async function main(): Promise<void> {
  const file = process.argv.indexOf('--summarize');
  if (file > 0) return summarize(JSON.parse(readFileSync(process.argv[file + 1]!, 'utf8')) as Profiler.Profile);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  const provider = new TracerProvider({
    sampler: sampling === 'off' ? new AlwaysOffSampler() : new AlwaysOnSampler(),
    spanProcessors: [new BatchSpanProcessor({ exporter: { export: (_spans, done) => done({ code: 0 }), shutdown: async () => undefined }, maxQueueSize: 65_536, maxExportBatchSize: 4096, scheduledDelayMillis: 50 })],
  });
  trace.setGlobalTracerProvider(provider);
  const entry = HAND_WRITTEN_CASES.find((c) => c.name.includes(pattern));
  const built = await entry?.build(trace.getTracer('hand-written'));
  const step = built?.[side as 'ours' | 'hand' | 'article'];
  if (entry === undefined || built === undefined || step === undefined) throw new Error(`no side "${side}" of a case matching "${pattern}"`);
  const found = { ...built, name: entry.name };
  const steps = Math.round(Number(count) / found.size);
  await time(Math.min(steps, 20_000), step);
  const session = new Session();
  session.connect();
  if (alloc) return allocations(session, found.name, step, steps, found.size);
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
  await post(session, 'Profiler.start');
  const ns = await time(steps, step);
  const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop');
  session.disconnect();
  await provider.shutdown();

  console.log(`${found.name}, ${side}, sampling ${sampling}: ${(ns / found.size / 1000).toFixed(2)} µs per message`);
  summarize(profile);
}

/** Bytes allocated per message by function (self), from V8's sampling heap profiler (a sample every 512 bytes). */
async function allocations(session: Session, name: string, step: (i: number) => unknown, steps: number, size: number): Promise<void> {
  await post(session, 'HeapProfiler.enable');
  await post(session, 'HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await time(steps, step);
  const { profile } = await post<{ profile: { head: HeapNode } }>(session, 'HeapProfiler.stopSampling');
  session.disconnect();
  const bySite = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode) => {
    const bytes = node.selfSize;
    if (bytes > 0) {
      const { functionName, url, lineNumber } = node.callFrame;
      const where = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|packages)\//, '').replace(/^file:\/\//, '')}:${lineNumber + 1}`;
      bySite.set(where, (bySite.get(where) ?? 0) + bytes);
      total += bytes;
    }
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  const messages = steps * size;
  console.log(`${name}, ${side}, sampling ${sampling}: ~${(total / messages).toFixed(0)} bytes allocated per message (sampled)`);
  for (const [where, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${(bytes / messages).toFixed(0).padStart(6)} B  ${where}`);
}

interface HeapNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: HeapNode[];
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
